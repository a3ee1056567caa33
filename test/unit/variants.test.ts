/**
 * Run Variant…: exactly one setting of a run changes (the rest, seed and data included, stay),
 * the parent is noted, and a setting a run does not have is refused with a clear message.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunConfig } from '../../src/protocol/runs';
import { variantConfig, variantSettings } from '../../src/core/runs/variants';

const translate: RunConfig = { version: 1, name: 'mt', task: 'translate', model: 'attention', data: 'builtin:en-ko', seed: 7, options: { units: 32, attention: 'dot', epochs: 6 }, probes: ['the cat .'], preset: 'tiny' };
const rnn: RunConfig = { version: 1, name: 'lm', task: 'lm', model: 'rnn', data: 'builtin:grammar', seed: 3, options: { units: 16, activation: 'tanh' }, probes: [] };

/** The options that differ between two configs, with the model. */
function changed(a: RunConfig, b: RunConfig): string[] {
  const keys = new Set([...Object.keys(a.options), ...Object.keys(b.options)]);
  return [...(a.model !== b.model ? ['model'] : []), ...[...keys].filter((k) => a.options[k] !== b.options[k])].sort();
}

test('a translation run varies its teacher forcing or its attention, nothing else', () => {
  assert.deepEqual(variantSettings(translate).map((s) => s.setting), ['teacher-forcing', 'attention']);
  const half = variantConfig(translate, 'p1', 'teacher-forcing', '0.5');
  assert.deepEqual(changed(translate, half), ['teacher-forcing']);
  assert.equal(half.options['teacher-forcing'], 0.5);
  assert.deepEqual([half.seed, half.data, half.preset, half.probes], [7, 'builtin:en-ko', 'tiny', ['the cat .']]);
  assert.deepEqual(half.parent, { id: 'p1', setting: 'teacher-forcing', from: '1', to: '0.5' });
  assert.equal(half.name, 'mt · teacher forcing 0.5');
  const decay = variantConfig(half, 'p2', 'teacher-forcing', 'decay');
  assert.deepEqual([decay.options['teacher-forcing'], decay.options['teacher-forcing-decay']], [1, 0.8]);
  assert.equal(decay.parent?.from, '0.5');
  const none = variantConfig(translate, 'p1', 'attention', 'none');
  assert.deepEqual([none.model, none.options.attention], ['seq2seq', undefined]);
  const additive = variantConfig(none, 'p3', 'attention', 'additive');
  assert.deepEqual([additive.model, additive.options.attention], ['attention', 'additive']);
  assert.deepEqual(variantSettings({ ...translate, model: 'transformer' }), [], 'a Transformer has neither');
});

test('a recurrent run varies its cell or its activation; an RNN only has an activation', () => {
  assert.deepEqual(variantSettings(rnn).map((s) => s.setting), ['cell', 'activation']);
  const sigmoid = variantConfig(rnn, 'a', 'activation', 'sigmoid');
  assert.deepEqual(changed(rnn, sigmoid), ['activation']);
  const lstm = variantConfig(rnn, 'a', 'cell', 'lstm');
  assert.deepEqual([lstm.model, lstm.options.activation, lstm.options.units], ['lstm', undefined, 16]);
  assert.deepEqual(variantSettings(lstm).map((s) => s.setting), ['cell']);
  assert.throws(() => variantConfig(lstm, 'b', 'activation', 'sigmoid'), /has no "activation" to vary \(cell\)/);
  assert.throws(() => variantConfig(rnn, 'b', 'activation', 'tanh'), /already has activation tanh/);
  assert.throws(() => variantConfig(rnn, 'b', 'cell', 'transformer'), /"transformer" is not a value of cell/);
});

test('a classifier varies end-to-end embeddings against pretrained ones, frozen or fine-tuned, keeping the embedding size', () => {
  const clf: RunConfig = { ...rnn, task: 'classify', model: 'gru', options: { units: 16 } };
  const runs = [{ dir: '/w/.seqlens/runs/w2v', name: 'vectors', dim: 24 }];
  const setting = variantSettings(clf, runs).find((s) => s.setting === 'embeddings')!;
  assert.deepEqual(setting.values.map((v) => v.value), ['frozen:/w/.seqlens/runs/w2v', 'fine-tuned:/w/.seqlens/runs/w2v']);
  const frozen = variantConfig(clf, 'c', 'embeddings', 'frozen:/w/.seqlens/runs/w2v', runs);
  assert.deepEqual([frozen.options.embeddings, frozen.options['freeze-embeddings']], ['/w/.seqlens/runs/w2v', true]);
  const back = variantConfig(frozen, 'd', 'embeddings', 'end-to-end', runs);
  assert.deepEqual([back.options.embeddings, back.options['freeze-embeddings'], back.options.embedding], [undefined, undefined, 24], 'end to end at the vectors’ size');
  assert.match(variantSettings(clf).find((s) => s.setting === 'embeddings')!.detail, /train a Word vectors run first/);
});
