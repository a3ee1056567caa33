/**
 * `seqlens analyze --experiment ID --runs '{"key":"DIR",…}'`: the comparison at the end of one
 * of the course's experiments (core/runs/experiments.ts), measured on the trained checkpoints:
 *
 *   gradient-norms  ‖∂(Σ h_T)/∂h_t‖ by steps back, relative to the last step, averaged (in
 *                   log10) over long held-out sentences: how fast each RNN forgets.
 *   long-range      accuracy of the language a classifier reads from the last state of "i grew
 *                   up in <country> … so i speak fluent", by gap length, on sentences made anew.
 *   bleu-by-length  BLEU (sacreBLEU 13a, corpus level, greedy) of each model on the held-out
 *                   test pairs, by source length.
 *   final-metrics   each run's own held-out numbers from state.json, side by side.
 */
import * as tf from '@tensorflow/tfjs';
import * as path from 'path';
import { loadCheckpoint } from './checkpoint';
import { builtinText } from './data/builtinCorpora';
import { detokenize, generateCorpus } from './data/grammar';
import { generateLongRange } from './data/longRange';
import { pairTokens, parsePairs, splitPairs } from './data/pairs';
import { loadLanguageModel } from './defaultModels';
import { corpusBleu } from './metrics/bleu';
import type { Seq2SeqConfig } from './models/seq2seq';
import { TaggerClassifier, type TaggerClassifierConfig } from './models/taggerClassifier';
import { EXPERIMENTS, type ExperimentDef, type ExperimentResult } from './runs/experiments';
import { readRunConfig, readRunStatus } from './runs/runs';
import { Args, result, str, TaskError, TaskHooks, TaskResult } from './taskArgs';
import { tokenize } from './tokenizer';
import { translate, translationModelFromCheckpoint, TRANSLATION_DEFAULTS } from './training/trainTranslation';
import { BOS_ID, Vocab, vocabFromMeta } from './vocab';

type Runs = Record<string, string>;

const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : NaN);
const sci = (v: number) => v.toExponential(1);

function runLabel(dir: string): string {
  try {
    return readRunConfig(dir).name.split(' · ').pop() ?? path.basename(dir);
  } catch {
    return path.basename(dir);
  }
}

function compared(def: ExperimentDef, runs: Runs): Array<{ key: string; dir: string; label: string }> {
  return def.runs
    .filter((r) => r.compared !== false)
    .map((r) => {
      const dir = runs[r.key];
      if (!dir) throw new TaskError(`analyze: ${def.id} needs its "${r.key}" run (--runs has ${Object.keys(runs).join(', ') || 'none'})`);
      return { key: r.key, dir, label: r.name ?? runLabel(dir) };
    });
}

// ---- vanishing gradients --------------------------------------------------------------------
async function gradientNorms(def: ExperimentDef, runs: Runs, hooks: TaskHooks): Promise<ExperimentResult> {
  const MAX_BACK = 14;
  // Long sentences of the grammar the models were trained on, made with another seed.
  const sentences = generateCorpus(400, 7)
    .map((s) => tokenize(detokenize(s)).tokens.map((t) => t.text))
    .filter((s) => s.length > MAX_BACK)
    .slice(0, 40);
  const per = compared(def, runs);
  const curves: Array<Array<number | null>> = [];
  for (const r of per) {
    const m = loadLanguageModel(path.join(r.dir, 'checkpoint'), r.key, r.label);
    try {
      const sums = new Array<number>(MAX_BACK + 1).fill(0);
      const counts = new Array<number>(MAX_BACK + 1).fill(0);
      for (const words of sentences) {
        const ids = [BOS_ID, ...m.vocab.ids(words)];
        const norms = await m.model.gradientNorms(ids);
        const T = norms.length;
        const last = Math.max(norms[T - 1], 1e-30);
        for (let back = 0; back <= MAX_BACK && back < T; back++) {
          sums[back] += Math.log10(Math.max(norms[T - 1 - back], 1e-30) / last);
          counts[back]++;
        }
      }
      curves.push(sums.map((s, i) => (counts[i] ? Math.pow(10, s / counts[i]) : null)));
      hooks.progress(`gradient norms: ${r.label} on ${sentences.length} sentences`);
    } finally {
      m.model.dispose();
    }
  }
  const xs = Array.from({ length: MAX_BACK + 1 }, (_, i) => i);
  const at = 10;
  const [a, b] = [curves[0][at] ?? NaN, curves[1][at] ?? NaN];
  const better = a >= b ? 0 : 1;
  const ratio = Math.max(a, b) / Math.min(a, b);
  return {
    table: { columns: ['steps back', ...per.map((r) => r.label)], rows: xs.filter((x) => x % 2 === 0).map((x) => [x, ...curves.map((c) => sci(c[x] ?? NaN))]) },
    chart: { title: '‖∂(Σ h_T)/∂h_t‖ relative to the last step (log scale)', x: 'steps back from the end', log: true, xs, series: per.map((r, i) => ({ label: r.label, values: curves[i] })) },
    conclusion: `Ten steps back, the ${per[better].label} still passes ${sci(Math.max(a, b))} of the gradient it has at the last step; the ${per[1 - better].label} passes ${sci(Math.min(a, b))}, ${ratio.toFixed(0)}× less. The sigmoid's derivative is at most 0.25 (tanh's reaches 1), so each step back multiplies the gradient by a smaller factor: it vanishes sooner, and the early words stop teaching the model.`,
  };
}

// ---- long-range dependency --------------------------------------------------------------------
async function longRange(def: ExperimentDef, runs: Runs, hooks: TaskHooks): Promise<ExperimentResult> {
  const sentences = generateLongRange(600, 99);
  const buckets = [
    [0, 0],
    [1, 8],
    [9, 16],
    [17, 30],
  ] as const;
  const bucketOf = (gap: number) => buckets.findIndex(([lo, hi]) => gap >= lo && gap <= hi);
  const per = compared(def, runs);
  const acc: number[][] = [];
  for (const r of per) {
    const { meta, weights } = loadCheckpoint<TaggerClassifierConfig>(path.join(r.dir, 'checkpoint'));
    if (meta.kind !== 'tagger-classifier' || !Array.isArray(meta.classNames)) throw new TaskError(`analyze: ${r.dir}: not a classifier`);
    const model = new TaggerClassifier(meta.config);
    model.setWeights(weights);
    tf.dispose(Object.values(weights));
    const vocab = new Vocab(meta.vocab as string[]);
    const classes = meta.classNames as string[];
    try {
      const right = new Array<number>(buckets.length).fill(0);
      const total = new Array<number>(buckets.length).fill(0);
      for (const s of sentences) {
        // The sentence up to its cue, read to the last state: the language is the class.
        const heads = await model.read(vocab.ids(s.words.slice(0, s.words.lastIndexOf('fluent') + 1)));
        const predicted = classes[heads.classProbs.indexOf(Math.max(...heads.classProbs))];
        const b = bucketOf(s.gap);
        total[b]++;
        if (predicted === s.language) right[b]++;
      }
      acc.push(right.map((n, i) => (total[i] ? n / total[i] : NaN)));
      hooks.progress(`long range: ${r.label} on ${sentences.length} sentences`);
    } finally {
      model.dispose();
    }
  }
  const label = ([lo, hi]: readonly [number, number]) => (lo === hi ? `${lo} words` : `${lo}–${hi} words`);
  const last = buckets.length - 1;
  const chance = 1 / 8;
  return {
    table: { columns: ['words between the country and "so i speak fluent"', ...per.map((r) => `${r.label} accuracy`)], rows: buckets.map((b, i) => [label(b), ...acc.map((a) => `${(a[i] * 100).toFixed(0)}%`)]) },
    chart: { title: 'Accuracy of "fluent ___" by gap (8 languages: chance is 12.5%)', x: 'gap (words, bucket middle)', xs: buckets.map(([lo, hi]) => (lo + hi) / 2), series: per.map((r, i) => ({ label: r.label, values: acc[i].map((v) => fmt(v)) })) },
    conclusion: `With the country right before the cue, ${per.map((r, i) => `${r.label} ${(acc[i][0] * 100).toFixed(0)}%`).join(', ')}; with ${label(buckets[last])} in between, ${per.map((r, i) => `${r.label} ${(acc[i][last] * 100).toFixed(0)}%`).join(', ')} (chance ${(chance * 100).toFixed(1)}%). The LSTM's memory cell carries the country across the gap (its forget gate stays open); the plain RNN rewrites its whole state at every word, and its gradient vanishes before it reaches the country.`,
  };
}

// ---- BLEU by source length --------------------------------------------------------------------
async function bleuByLength(def: ExperimentDef, runs: Runs, hooks: TaskHooks): Promise<ExperimentResult> {
  const per = compared(def, runs);
  const first = readRunConfig(per[0].dir);
  const text = builtinText(first.data);
  if (!text) throw new TaskError(`analyze: ${first.data}: the comparison reads the held-out pairs of a built-in corpus`);
  // The test pairs the runs held out (the same split as trainTranslation's).
  const test = splitPairs(parsePairs(text, first.data), first.seed, TRANSLATION_DEFAULTS.validationPairs, TRANSLATION_DEFAULTS.testPairs).test;
  const buckets = [
    [1, 6],
    [7, 9],
    [10, 12],
    [13, 99],
  ] as const;
  const lengthOf = (s: string) => pairTokens(s).length;
  const scores: number[][] = [];
  const overall: number[] = [];
  for (const r of per) {
    const { meta, weights } = loadCheckpoint<Seq2SeqConfig>(path.join(r.dir, 'checkpoint'));
    const model = translationModelFromCheckpoint(meta.kind, meta.config);
    model.setWeights(weights);
    tf.dispose(Object.values(weights));
    const sv = vocabFromMeta(meta.sourceVocab, meta.sourceSubword);
    const tv = vocabFromMeta(meta.targetVocab, meta.targetSubword);
    try {
      const hyps: string[] = [];
      for (const p of test) hyps.push((await translate(model, sv, tv, p.source)).output.join(' '));
      overall.push(corpusBleu(hyps, test.map((p) => p.target)).score);
      scores.push(
        buckets.map(([lo, hi]) => {
          const idx = test.map((p, i) => [lengthOf(p.source), i] as const).filter(([n]) => n >= lo && n <= hi).map(([, i]) => i);
          return idx.length ? corpusBleu(idx.map((i) => hyps[i]), idx.map((i) => test[i].target)).score : NaN;
        }),
      );
      hooks.progress(`BLEU by length: ${r.label} on ${test.length} held-out pairs`);
    } finally {
      model.dispose();
    }
  }
  const counts = buckets.map(([lo, hi]) => test.filter((p) => lengthOf(p.source) >= lo && lengthOf(p.source) <= hi).length);
  const label = ([lo, hi]: readonly [number, number]) => (hi >= 99 ? `${lo}+ words` : `${lo}–${hi} words`);
  const last = buckets.length - 1;
  const gap = (i: number) => scores[1][i] - scores[0][i];
  return {
    table: {
      columns: ['source length', 'pairs', ...per.map((r) => `${r.label} BLEU`)],
      rows: [...buckets.map((b, i) => [label(b), counts[i], ...scores.map((s) => fmt(s[i], 1))]), ['all', test.length, ...overall.map((v) => fmt(v, 1))]],
    },
    chart: { title: 'BLEU by source length (held-out pairs, greedy)', x: 'source length (words, bucket middle)', xs: buckets.map(([lo, hi]) => (hi >= 99 ? lo + 1 : (lo + hi) / 2)), series: per.map((r, i) => ({ label: r.label, values: scores[i].map((v) => fmt(v, 2)) })) },
    conclusion: `On the shortest sentences attention is ${gap(0) >= 0 ? 'ahead' : 'behind'} by ${Math.abs(gap(0)).toFixed(1)} BLEU; on ${label(buckets[last])} by ${Math.abs(gap(last)).toFixed(1)} (${gap(last) >= 0 ? 'ahead' : 'behind'}). Without attention the decoder has only the encoder's last state, one vector of fixed size for the whole sentence; with it, the decoder looks back at every encoder state at every step.`,
  };
}

// ---- the runs' own numbers --------------------------------------------------------------------
function finalMetrics(def: ExperimentDef, runs: Runs): ExperimentResult {
  const per = compared(def, runs);
  const metrics = per.map((r) => readRunStatus(r.dir).metrics ?? {});
  const num = (m: Record<string, number | string>, k: string) => (typeof m[k] === 'number' ? (m[k] as number) : NaN);
  const translation = metrics.some((m) => typeof m.testBleu === 'number');
  const keys: Array<[string, string, (v: number) => string | number]> = translation
    ? [
        ['testBleu', 'test BLEU', (v) => fmt(v, 2)],
        ['validationLoss', 'validation loss', (v) => fmt(v, 3)],
        ['steps', 'steps', (v) => v],
        ['seconds', 'seconds', (v) => fmt(v, 0)],
      ]
    : [
        ['accuracy', 'held-out accuracy', (v) => `${(v * 100).toFixed(1)}%`],
        ['validationLoss', 'validation loss', (v) => fmt(v, 3)],
        ['steps', 'steps', (v) => v],
        ['seconds', 'seconds', (v) => fmt(v, 1)],
      ];
  const head = keys[0][0];
  const best = metrics.reduce((bi, m, i) => (num(m, head) > num(metrics[bi], head) ? i : bi), 0);
  const table = { columns: ['run', ...keys.map((k) => k[1])], rows: per.map((r, i) => [r.label, ...keys.map(([k, , f]) => f(num(metrics[i], k)))]) };
  const values = per.map((r, i) => `${r.label} ${keys[0][2](num(metrics[i], head))}`).join(', ');
  const why =
    def.id === 'teacher-forcing'
      ? 'Fed the reference word (1.0), every step of the decoder learns the right next word from the start, but it never practises on its own mistakes before test time (exposure bias); fed its own guesses half the time (0.5), its early guesses are noise to learn from; scheduled decay starts from the reference and hands over as the epochs pass. Which wins depends on how long it trains: try Run Variant… with more epochs.'
      : def.id === 'divide-and-train'
        ? 'The frozen classifier only learns what to do with vectors trained first on 20,000 unlabelled sentences; the end-to-end one must learn its embedding from the 120 labelled ones too.'
        : '';
  return { table, conclusion: `${keys[0][1]}: ${values}; best: ${per[best].label}. ${why}`.trim() };
}

export async function analyzeTask(a: Args, hooks: TaskHooks): Promise<TaskResult> {
  const id = str(a, 'experiment', true);
  const def = EXPERIMENTS.find((e) => e.id === id);
  if (!def) throw new TaskError(`analyze: no experiment "${id}" (${EXPERIMENTS.map((e) => e.id).join(', ')})`);
  let runs: Runs;
  try {
    runs = JSON.parse(str(a, 'runs', true)) as Runs;
  } catch {
    throw new TaskError(`analyze: --runs must be a JSON object of run folders by role, e.g. {"${def.runs[0].key}":"DIR"}`);
  }
  for (const [key, dir] of Object.entries(runs)) {
    if (!readRunStatus(dir).metrics && def.runs.find((r) => r.key === key)?.compared !== false) throw new TaskError(`analyze: ${dir}: the run has not finished`);
  }
  const out =
    def.analysis === 'gradient-norms'
      ? await gradientNorms(def, runs, hooks)
      : def.analysis === 'long-range'
        ? await longRange(def, runs, hooks)
        : def.analysis === 'bleu-by-length'
          ? await bleuByLength(def, runs, hooks)
          : finalMetrics(def, runs);
  const text = [def.title, out.table.columns.join('\t'), ...out.table.rows.map((r) => r.join('\t')), '', out.conclusion].join('\n');
  return result(out, text);
}
