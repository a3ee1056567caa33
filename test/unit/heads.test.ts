/**
 * One encoder, two readouts: the sentiment grammar (labels checked by an independent rule-based
 * reader written here), the embedded tagger + classifier defaults of every cell on held-out
 * sentences, `seqlens trace --heads` (a tag per token, the class at every prefix), and
 * `seqlens gradients` (the four cells side by side on one text).
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'child_process';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { before, test } from 'node:test';
import { loadCheckpoint } from '../../src/core/checkpoint';
import { generateSentiment, SENTIMENT_TAGS, type Sentiment } from '../../src/core/data/sentimentGrammar';
import { HEADS_MODEL_DIRS } from '../../src/core/defaultIds';
import { TaggerClassifier, TaggerClassifierConfig } from '../../src/core/models/taggerClassifier';
import { Vocab } from '../../src/core/vocab';
import { ROOT, useWasm } from './helpers';

before(useWasm);

const POSITIVE = new Set(['good', 'great', 'wonderful', 'lovely', 'nice', 'pleasant', 'fun', 'like', 'likes', 'love', 'loves', 'enjoy', 'enjoys']);
const NEGATIVE = new Set(['bad', 'terrible', 'awful', 'boring', 'sad', 'ugly', 'dull', 'hate', 'hates', 'dislike', 'dislikes']);

/**
 * A reader written from the grammar's description, not its code: the verdict is the last clause's
 * (after "but" or "and"); inside it, a relative clause ("that …") does not count, the polarity word
 * of the main clause does, and one negation before it flips it.
 */
function ruleLabel(words: readonly string[]): Sentiment {
  let start = 0;
  words.forEach((w, i) => {
    if (w === 'but' || w === 'and') start = i + 1;
  });
  const clause = words.slice(start);
  let negated = false;
  let inRelative = false;
  let verdict: Sentiment | undefined;
  for (const w of clause) {
    if (w === 'that') inRelative = true;
    else if (inRelative && (w === 'is' || w === 'was')) inRelative = false;
    if (inRelative) continue;
    if (w === 'not' || w === 'never') negated = true;
    if (POSITIVE.has(w)) verdict = negated ? 'negative' : 'positive';
    if (NEGATIVE.has(w)) verdict = negated ? 'positive' : 'negative';
  }
  assert.ok(verdict, `a verdict in "${words.join(' ')}"`);
  return verdict;
}

test('the sentiment grammar: every label is what an independent reader of the sentence says, every word tagged', () => {
  const sentences = generateSentiment(3000, 77);
  let butSentences = 0;
  let distractors = 0;
  for (const s of sentences) {
    assert.equal(s.tags.length, s.words.length);
    assert.ok(s.tags.every((t) => SENTIMENT_TAGS.includes(t)), s.tags.join(' '));
    assert.equal(s.label, ruleLabel(s.words), s.words.join(' '));
    if (s.words.includes('but')) butSentences++;
    if (s.words.includes('that')) distractors++;
  }
  assert.ok(butSentences > 500 && distractors > 300, `contrast (${butSentences}) and distractor (${distractors}) sentences are common`);
  const positive = sentences.filter((s) => s.label === 'positive').length / sentences.length;
  assert.ok(positive > 0.4 && positive < 0.6, `balanced labels (${positive})`);
  assert.deepEqual(generateSentiment(5, 9), generateSentiment(5, 9), 'deterministic');
});

for (const [id, dir] of Object.entries(HEADS_MODEL_DIRS)) {
  test(`the embedded ${id} tagger + classifier on held-out sentences: tags ≥ 98%, sentiment ≥ 95%`, async () => {
    const { meta, weights } = loadCheckpoint<TaggerClassifierConfig>(path.join(ROOT, 'media', 'models', dir));
    const model = new TaggerClassifier(meta.config);
    model.setWeights(weights);
    tf.dispose(Object.values(weights));
    const vocab = new Vocab(meta.vocab as string[]);
    const tagNames = meta.tagNames as string[];
    const classNames = meta.classNames as string[];
    const argmax = (row: ArrayLike<number>) => Array.from(row).indexOf(Math.max(...Array.from(row)));
    let tagsRight = 0;
    let tagsTotal = 0;
    let labelsRight = 0;
    const held = generateSentiment(300, 4242); // a seed the training data did not use
    for (const s of held) {
      const heads = await model.read(vocab.ids(s.words));
      s.tags.forEach((tag, t) => {
        tagsTotal++;
        if (tagNames[argmax(heads.tagProbs.subarray(t * tagNames.length, (t + 1) * tagNames.length))] === tag) tagsRight++;
      });
      if (classNames[argmax(heads.classProbs)] === s.label) labelsRight++;
    }
    const tagAcc = tagsRight / tagsTotal;
    const classAcc = labelsRight / held.length;
    assert.ok(tagAcc >= 0.98, `tags ${(tagAcc * 100).toFixed(1)}%`);
    assert.ok(classAcc >= 0.95, `sentiment ${(classAcc * 100).toFixed(1)}%`);
    model.dispose();
  });
}

const CLI = path.join(ROOT, 'dist', 'cli.js');
const seqlens = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });

test('seqlens trace --heads: a tag per token and the class at every prefix, the last being the label', () => {
  const r = seqlens('trace', '--model', 'lstm', '--heads', '--text', 'the song that they hate is wonderful .', '--json');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(doc.tags, ['DET', 'NOUN', 'PRON', 'PRON', 'VERB', 'AUX', 'ADJ', 'PUNCT']);
  assert.equal(doc.classByStep.length, doc.tokens.length);
  assert.deepEqual(doc.classByStep[doc.classByStep.length - 1], doc.class);
  assert.equal(doc.class.label, 'positive', 'the relative clause\'s "hate" does not decide');
  assert.equal(doc.classByStep[4].label, 'negative', 'read after "hate", the sentence so far is negative');
  const bad = seqlens('trace', '--model', path.join(ROOT, 'media', 'models', 'translate-en-ko'), '--heads', '--text', 'x');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--heads reads a tagger\/classifier|has no recurrent layers/);
});

test('seqlens gradients: the four cells on one text; σ′ ≤ 1/4 makes the sigmoid RNN\'s gradient the first to vanish', () => {
  const r = seqlens('gradients', '--text', 'the keys to the old cabinet are on the table .', '--json');
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { tokens: string[]; models: Array<{ model: string; norms: number[]; factors: number[] }> };
  assert.deepEqual(doc.models.map((m) => m.model), ['rnn-sigmoid', 'rnn-tanh', 'lstm', 'gru'], 'the four default cells (the contract)');
  for (const m of doc.models) {
    assert.equal(m.norms.length, doc.tokens.length);
    assert.ok(Math.abs(m.norms[m.norms.length - 1] - Math.sqrt(32)) < 1e-3, `${m.model}: ‖∂Σh_T/∂h_T‖ = √H`);
  }
  const by = Object.fromEntries(doc.models.map((m) => [m.model, m]));
  assert.ok(by['rnn-sigmoid'].factors.every((f) => f > 0 && f <= 0.25), "σ'(a) ≤ 0.25 at every step");
  assert.ok(by['rnn-tanh'].factors.every((f) => f > 0 && f <= 1), "tanh'(a) ≤ 1 at every step");
  const first = (id: string) => by[id].norms[0];
  assert.ok(first('rnn-sigmoid') < first('rnn-tanh') && first('rnn-sigmoid') < first('lstm'), `at the first word: sigmoid ${first('rnn-sigmoid')}, tanh ${first('rnn-tanh')}, LSTM ${first('lstm')}`);
  const withT = JSON.parse(seqlens('gradients', '--text', 'the keys to the old cabinet are on the table .', '--transformer', '--json').stdout) as typeof doc;
  assert.deepEqual(withT.models.map((m) => m.model), ['rnn-sigmoid', 'rnn-tanh', 'lstm', 'gru', 'transformer-lm']);
  const tlm = withT.models[4];
  assert.ok(tlm.norms[0] > 10 * first('rnn-tanh'), `no recurrence: the Transformer's dependence on the first word (${tlm.norms[0]}) has not vanished`);
  assert.equal(tlm.factors.length, 0, 'no chain of derivative factors');
  const empty = seqlens('gradients', '--text', '  ');
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /gradients: --text is empty/);
});
