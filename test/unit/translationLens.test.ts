/**
 * The seq2seq lens (src/core/translationLens.ts) on the embedded English → Korean models, each
 * number checked against another path through the model: the batched training forward pass
 * (trainingLogits, which shares no decoding loop with decode()), the training loss, the encoder
 * run on its own, and greedy decoding for a beam of one.
 */
import * as tf from '@tensorflow/tfjs';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { before, test } from 'node:test';
import { loadCheckpoint } from '../../src/core/checkpoint';
import { makePairBatch } from '../../src/core/data/pairs';
import { EMBEDDED_TRANSLATION_MODELS } from '../../src/core/defaultIds';
import { Rng } from '../../src/core/random';
import { translationLoss, translationModelFromCheckpoint } from '../../src/core/training/trainTranslation';
import { Seq2Seq, Seq2SeqConfig } from '../../src/core/models/seq2seq';
import { Transformer } from '../../src/core/models/transformer';
import { parseForceAttention, sourceIds, translationView, TranslationLensError } from '../../src/core/translationLens';
import { Vocab } from '../../src/core/vocab';
import { assertClose, ROOT, useWasm } from './helpers';

before(useWasm);

function load(id: string) {
  const m = EMBEDDED_TRANSLATION_MODELS.find((x) => x.id === id)!;
  const { meta, weights } = loadCheckpoint<Seq2SeqConfig>(path.join(ROOT, 'media', 'models', m.dir));
  const model = translationModelFromCheckpoint(meta.kind, meta.config);
  model.setWeights(weights);
  tf.dispose(Object.values(weights));
  return { model, sv: new Vocab(meta.sourceVocab as string[]), tv: new Vocab(meta.targetVocab as string[]) };
}

const SENTENCE = 'the small cat ate the bread in the park yesterday .';
const REFERENCE = '어제 작은 고양이가 공원에서 빵을 먹었다 .';

for (const id of ['en-ko', 'en-ko-additive', 'en-ko-no-attention', 'en-ko-transformer']) {
  test(`${id}: each step's top-k are the largest of the model's softmax, as the batched training pass computes it`, async () => {
    const { model, sv, tv } = load(id);
    const v = await translationView(model, sv, tv, SENTENCE, { topK: 5 });
    assert.equal(v.steps.length, v.output.length + 1, 'a step per word and one for </s>');
    assert.equal(v.steps[v.steps.length - 1].word, '</s>');
    // The independent path: every step at once, teacher-forced on the output, as in training.
    const batch = makePairBatch([{ source: sv.ids(v.source), target: tv.ids(v.output) }]);
    const probs = tf.tidy(() => tf.softmax(model.trainingLogits(batch, 1, new Rng(1)))).arraySync() as number[][];
    v.steps.forEach((s, t) => {
      const total = s.topk.reduce((a, c) => a + c.p, 0);
      assert.ok(total <= 1 + 1e-5, `step ${t}: top-5 sum ${total} ≤ 1`);
      const ref = probs[t];
      const order = [...ref.keys()].sort((a, b) => ref[b] - ref[a]).slice(0, 5);
      assert.deepEqual(s.topk.map((c) => c.word), order.map((i) => tv.word(i)), `step ${t}: the five likeliest words`);
      assertClose(s.topk.map((c) => c.p), order.map((i) => ref[i]), 1e-4, `step ${t} probabilities`);
      assert.equal(s.topk[0].word, s.word, 'greedy writes the likeliest word');
    });
    model.dispose();
  });

  test(`${id}: the teacher-forced log-probability of a pair is minus its training loss`, async () => {
    const { model, sv, tv } = load(id);
    const v = await translationView(model, sv, tv, 'the dog saw the bird .', { reference: '고양이가 새를 보았다 .' });
    const f = v.forced!;
    assert.equal(f.referenceLogProb.length, f.reference.length + 1, 'a step per reference word and one for </s>');
    const batch = makePairBatch([{ source: sv.ids(v.source), target: tv.ids(f.reference) }]);
    const loss = tf.tidy(() => translationLoss(model, batch, 1, new Rng(1)).dataSync()[0]);
    const mean = -f.referenceLogProb.reduce((a, b) => a + b, 0) / f.referenceLogProb.length;
    assert.ok(Math.abs(mean - loss) < 1e-4, `−mean log p ${mean} vs training loss ${loss}`);
    // The reference says "cat" where the source says "dog": its first word is unlikely, teacher-forced or not.
    assert.ok(Math.exp(f.referenceLogProb[0]) < 0.05, `p(고양이가 | dog) = ${Math.exp(f.referenceLogProb[0])}`);
    assert.equal(f.firstDivergence, 0, 'the free output leaves the reference at once');
    model.dispose();
  });
}

test('a reference the model writes itself: free-running and teacher-forced probabilities agree at every step', async () => {
  const { model, sv, tv } = load('en-ko');
  const v = await translationView(model, sv, tv, SENTENCE, { reference: REFERENCE });
  assert.equal(v.output.join(' '), REFERENCE);
  assert.equal(v.text, '어제 작은 고양이가 공원에서 빵을 먹었다.', 'written as Korean writes it: no space before the full stop');
  assert.deepEqual(v.outputOffsets!.map(([s, e]) => v.text.slice(s, e)), v.output, 'every token found at its offsets');
  assert.equal(v.forced!.firstDivergence, null);
  assertClose(v.forced!.freeReferenceP as number[], v.forced!.referenceLogProb.map(Math.exp), 1e-5, 'p(reference word) free vs forced');
  assert.deepEqual(v.forced!.predicted.slice(0, -1), v.output, 'fed the reference, it predicts the reference');
  model.dispose();
});

for (const id of ['en-ko', 'en-ko-additive', 'en-ko-no-attention']) {
  test(`${id}: a beam of one is greedy decoding, and every node of a wider beam extends its parent`, async () => {
    const { model, sv, tv } = load(id);
    const s2s = model as Seq2Seq;
    const ids = sv.ids(SENTENCE.split(' '));
    const greedy = await s2s.decode(ids);
    const one = await s2s.beamSearch(ids, 1);
    assert.deepEqual(one.ids, greedy.ids);
    assert.ok(Math.abs(one.logProb - greedy.logProb) < 1e-4, `${one.logProb} vs ${greedy.logProb}`);
    const v = await translationView(model, sv, tv, SENTENCE, { beam: 4 });
    const tree = v.beam!;
    assert.ok(tree.length >= v.output.length, 'a step of the tree per output word at least');
    tree.forEach((nodes, t) => {
      assert.ok(nodes.filter((n) => !n.finished).length <= 4, 'at most K live hypotheses');
      for (const n of nodes) {
        assert.equal(n.tokens.length, t + 1);
        if (t > 0) {
          const parent = tree[t - 1].filter((x) => !x.finished)[n.parent];
          assert.ok(parent, `step ${t}: the parent exists`);
          assert.deepEqual(n.tokens.slice(0, t), parent.tokens, 'a node extends its parent');
          assert.ok(n.logProb <= parent.logProb + 1e-6, 'log-probability only falls');
        }
      }
    });
    const ended = tree.flat().filter((n) => n.finished).sort((a, b) => b.score - a.score);
    assert.deepEqual(ended[0].tokens.slice(0, -1), v.output, 'the best finished hypothesis is the output');
    model.dispose();
  });
}

for (const id of ['en-ko', 'en-ko-no-attention', 'en-ko-additive']) {
  test(`${id}: teacher forcing all steps at once gives the step-by-step decoder's numbers`, async () => {
    const { model, sv, tv } = load(id);
    const s2s = model as Seq2Seq;
    const src = sv.ids(SENTENCE.split(' '));
    const ref = tv.ids('어제 강아지가 새를 보았다 . 빵을'.split(' '));
    const batched = await s2s.teacherForced(src, ref);
    const stepwise = await s2s.decode(src, { forced: ref });
    assertClose(batched.stepLogProbs!, stepwise.stepLogProbs!, 1e-4, 'log-probabilities');
    assert.deepEqual(batched.predicted, stepwise.predicted);
    assert.equal(batched.attention.length, ref.length);
    batched.attention.forEach((row, t) => assertClose(row, stepwise.attention[t], 1e-5, `attention row ${t}`));
    model.dispose();
  });
}

test('en-ko-no-attention: the decoder reads one context vector, the encoder\'s last state, at every step', async () => {
  const { model, sv, tv } = load('en-ko-no-attention');
  const v = await translationView(model, sv, tv, SENTENCE);
  assert.equal(v.attentionKind, 'none');
  assert.ok(v.attention.every((row) => row.length === 0));
  const s2s = model as Seq2Seq;
  const final = tf.tidy(() => {
    const src = tf.tensor2d([sv.ids(v.source)], [1, v.source.length], 'int32');
    return Array.from(s2s.encode(src, tf.onesLike(src).toFloat() as tf.Tensor2D).final.dataSync());
  });
  for (const s of v.steps) assertClose(s.context, final, 1e-6, `the context of step "${s.word}"`);
  model.dispose();
});

test('en-ko: the what-if — all attention forced onto one source word at one step — changes that step and not the ones before', async () => {
  const { model, sv, tv } = load('en-ko');
  const plain = await translationView(model, sv, tv, SENTENCE);
  // Step 4 writes 공원에서 ("in the park"); force it onto "bread" (position 6).
  const step = plain.output.indexOf('공원에서');
  const position = plain.source.indexOf('bread');
  const v = await translationView(model, sv, tv, SENTENCE, { forceAttention: { step, position } });
  assert.deepEqual(v.unforcedOutput, plain.output);
  for (let t = 0; t < step; t++) assertClose(v.steps[t].attention, plain.steps[t].attention, 1e-6, `step ${t} before the what-if`);
  assert.deepEqual(v.steps[step].attention, plain.source.map((_, i) => (i === position ? 1 : 0)), 'the forced row');
  assert.notEqual(v.output[step], '공원에서', `looking at "bread" it writes something else (${v.output[step]})`);
  // Forcing the weights the model chose itself changes nothing: the what-if is the model's own step.
  const s2s = model as Seq2Seq;
  const own = await s2s.decode(sv.ids(plain.source), { forceAttention: { step, weights: plain.steps[step].attention } });
  assert.deepEqual(own.ids.map((i) => tv.word(i)), plain.output);
  await assert.rejects(translationView(load('en-ko-no-attention').model, sv, tv, SENTENCE, { forceAttention: { step: 0, position: 0 } }), /no attention to force/);
  await assert.rejects(translationView(model, sv, tv, SENTENCE, { forceAttention: { step: 0, position: 99 } }), /past its end/);
  model.dispose();
});

test('unknown words are marked, capitals fall back to the lowercased word, and bad input is a clear error', async () => {
  const { model, sv, tv } = load('en-ko');
  const v = await translationView(model, sv, tv, 'The zebra reads a quantum book near the spaceship');
  assert.deepEqual(v.unknown.map((i) => v.source[i]), ['zebra', 'a', 'quantum', 'near', 'spaceship'], 'the grammar has no articles "a" and no "near"');
  assert.deepEqual(v.caseFolded.map((i) => v.source[i]), ['The']);
  assert.ok(v.knownWords > 30 && v.knownWords === sv.size - 4);
  assert.deepEqual(sourceIds(sv, ['Cat', 'cat', 'CAT!']).unknown, [2]);
  await assert.rejects(translationView(model, sv, tv, '   '), TranslationLensError);
  await assert.rejects(translationView(model, sv, tv, SENTENCE, { reference: ' ' }), /reference has no words/);
  assert.deepEqual(parseForceAttention('3:2'), { step: 2, position: 1 });
  assert.throws(() => parseForceAttention('0:1'), /STEP:POS/);
  assert.throws(() => parseForceAttention('x'), /STEP:POS/);
  model.dispose();
  const t = load('en-ko-transformer');
  assert.ok(t.model instanceof Transformer);
  await assert.rejects(translationView(t.model, t.sv, t.tv, SENTENCE, { beam: 3 }), /Transformer decodes greedily/);
  t.model.dispose();
});

for (const id of ['en-ko', 'en-ko-additive', 'en-ko-no-attention']) {
  test(`${id}: batched greedy decoding (padded, masked) gives each sentence's one-by-one output, and leaks nothing`, async () => {
    const { model, sv } = load(id);
    const s2s = model as Seq2Seq;
    const { generateTranslationPairs } = await import('../../src/core/data/translationGrammar');
    const sentences = generateTranslationPairs(40, 777).map((p) => sv.ids(p.source));
    sentences.push(sv.ids(['the', 'zebra', 'reads', '.']), sv.ids(['cat']));
    const before = tf.memory().numTensors;
    const batched = await s2s.decodeBatch(sentences);
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
    for (let i = 0; i < sentences.length; i++) assert.deepEqual(batched[i], (await s2s.decode(sentences[i])).ids, `sentence ${i + 1}`);
    model.dispose();
  });
}
