/**
 * The shipped default models: they load, trace any text, flag unknown words,
 * and have learned what the grammar teaches (number agreement across an
 * attractor), which is what makes their states worth looking at.
 */
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { before, test } from 'node:test';
import { loadDefaultModel } from '../../src/core/defaultModels';
import { BadInputError, traceLanguageModel } from '../../src/core/trace';
import { DEFAULT_MODEL_IDS, STATE_NAMES } from '../../src/protocol/trace';
import { ROOT, useWasm } from './helpers';

const MODELS = path.join(ROOT, 'media', 'models');
before(useWasm);

/** P(next word) after reading `prefix`, from the language-model head. */
async function nextWordProbs(id: string, prefix: string): Promise<Map<string, number>> {
  const m = loadDefaultModel(MODELS, id);
  const trace = await traceLanguageModel(m.model, m.vocab, prefix, { modelId: id, modelLabel: id, maxTokens: 100, topK: m.vocab.size });
  m.model.dispose();
  return new Map(trace.predictions[trace.predictions.length - 1].map((p) => [p.word, p.p]));
}

test('every default model traces a sentence with the states its kind promises', async () => {
  for (const id of DEFAULT_MODEL_IDS) {
    const m = loadDefaultModel(MODELS, id);
    const trace = await traceLanguageModel(m.model, m.vocab, 'The keys to the old cabinet are on the table.', { modelId: id, modelLabel: m.label, maxTokens: 200 });
    assert.equal(trace.tokens.length, 11);
    const layer = trace.layers[0];
    assert.deepEqual(Object.keys(layer.states).sort(), STATE_NAMES[layer.kind].map((s) => s.key).sort(), id);
    for (const [key, mat] of Object.entries(layer.states)) {
      assert.deepEqual(mat.shape, [11, 32], `${id} ${key} shape`);
      assert.ok(mat.data.every(Number.isFinite), `${id} ${key} finite`);
    }
    if (layer.kind === 'lstm') {
      // Identities of the cell, checked on the probe's own numbers: c_t = f⊙c_{t-1} + i⊙g, h_t = o⊙tanh(c_t).
      const { h, c, i, f, g, o } = layer.states;
      for (let t = 0; t < 11; t++) {
        for (let u = 0; u < 32; u++) {
          const k = t * 32 + u;
          const cPrev = t === 0 ? 0 : c.data[k - 32];
          assert.ok(Math.abs(c.data[k] - (f.data[k] * cPrev + i.data[k] * g.data[k])) < 1e-5);
          assert.ok(Math.abs(h.data[k] - o.data[k] * Math.tanh(c.data[k])) < 1e-5);
        }
      }
    }
    m.model.dispose();
  }
});

test('unknown words are read as <unk> and flagged; Korean text is traced', async () => {
  const m = loadDefaultModel(MODELS, 'gru');
  const t = await traceLanguageModel(m.model, m.vocab, 'The zebra sleeps. 고양이가 책을 읽는다.', { modelId: 'gru', modelLabel: 'GRU', maxTokens: 200 });
  assert.deepEqual(
    t.tokens.map((x) => (x.unknown ? `${x.text}?` : x.text)),
    ['the', 'zebra?', 'sleeps', '.', '고양이가', '책을', '읽는다', '.'],
  );
  assert.equal(t.tokens[1].id, 1);
  m.model.dispose();
});

test('truncation to maxTokens is reported, and empty text is refused', async () => {
  const m = loadDefaultModel(MODELS, 'rnn-tanh');
  const t = await traceLanguageModel(m.model, m.vocab, 'the dog runs . '.repeat(100), { modelId: 'rnn-tanh', modelLabel: 'RNN', maxTokens: 50 });
  assert.equal(t.tokens.length, 50);
  assert.equal(t.truncatedTokens, 350);
  await assert.rejects(traceLanguageModel(m.model, m.vocab, ' \n ', { modelId: 'x', modelLabel: 'x', maxTokens: 5 }), BadInputError);
  m.model.dispose();
});

test('the LSTM and GRU carry grammatical number across an attractor (P(are) vs P(is))', async () => {
  for (const id of ['lstm', 'gru']) {
    const plural = await nextWordProbs(id, 'the keys to the old cabinet');
    const singular = await nextWordProbs(id, 'the key to the old cabinets');
    assert.ok(plural.get('are')! > plural.get('is')!, `${id}: plural subject, P(are)=${plural.get('are')} P(is)=${plural.get('is')}`);
    assert.ok(singular.get('is')! > singular.get('are')!, `${id}: singular subject, P(is)=${singular.get('is')} P(are)=${singular.get('are')}`);
  }
});

test('after "(" the models expect a bracketed clause to be closed', async () => {
  const p = await nextWordProbs('lstm', 'the dog sleeps ( the cat runs');
  assert.ok(p.get(')')! > 0.5, `P(")") = ${p.get(')')}`);
});
