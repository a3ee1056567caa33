/**
 * The course's experiments: each a few runs on the project's own data that differ in one idea,
 * trained one after the other, then an analysis that turns them into a comparison a learner can
 * read (a table, a chart and a sentence). Definitions only; core/experimentAnalysis.ts measures.
 *
 * An experiment's runs are ordinary runs (`.seqlens/runs/<id>/`), their config.json noting the
 * experiment; the experiment itself is `.seqlens/experiments/<id>/experiment.json`.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ExperimentRecord, RunConfig } from '../../protocol/runs';

export type { ExperimentRecord, ExperimentResult } from '../../protocol/runs';
import { writeJsonAtomically } from './runs';

export type AnalysisKind = 'gradient-norms' | 'long-range' | 'bleu-by-length' | 'final-metrics';

export interface ExperimentRunSpec {
  /** The run's role in the experiment ("tanh", "sigmoid", "vectors"…). */
  key: string;
  name: string;
  config: Omit<RunConfig, 'version' | 'name' | 'probes'> & { probes?: string[] };
  /** Shown in the comparison (a word-vector run that only feeds others is not). */
  compared?: boolean;
}

export interface ExperimentDef {
  id: string;
  title: string;
  /** The question it answers, as a learner would ask it. */
  question: string;
  runs: ExperimentRunSpec[];
  analysis: AnalysisKind;
  /** Measured on a 2-core machine (AMD EPYC), all runs and the analysis. */
  minutes: number;
}

const SEED = 1;

export const EXPERIMENTS: readonly ExperimentDef[] = [
  {
    id: 'vanishing-gradients',
    title: 'RNN with sigmoid vs tanh: vanishing gradients',
    question: 'Why does the RNN use tanh? How much of the gradient reaches a word 10 steps back?',
    analysis: 'gradient-norms',
    minutes: 1,
    runs: ['tanh', 'sigmoid'].map((activation) => ({
      key: activation,
      name: `RNN ${activation}`,
      config: { task: 'lm', model: 'rnn', data: 'builtin:grammar', seed: SEED, options: { activation, units: 32, embedding: 24, epochs: 3 } },
    })),
  },
  {
    id: 'long-range',
    title: 'RNN vs LSTM on a long-range dependency',
    question: '"I grew up in France … I speak fluent ___": which model, reading the sentence to its last state, still remembers the country after 20 words?',
    analysis: 'long-range',
    minutes: 1,
    runs: [
      { key: 'rnn', name: 'RNN (tanh)', config: { task: 'classify', model: 'rnn', data: 'builtin:long-range', seed: SEED, options: { activation: 'tanh', units: 32, embedding: 24, epochs: 4 } } },
      { key: 'lstm', name: 'LSTM', config: { task: 'classify', model: 'lstm', data: 'builtin:long-range', seed: SEED, options: { units: 32, embedding: 24, epochs: 4 } } },
    ],
  },
  {
    id: 'context-vector',
    title: 'One context vector vs attention: BLEU by sentence length',
    question: 'Does squeezing the whole sentence into one vector hurt long sentences more than short ones?',
    analysis: 'bleu-by-length',
    minutes: 2,
    runs: [
      { key: 'context', name: 'seq2seq, one context vector', config: { task: 'translate', model: 'seq2seq', data: 'builtin:en-ko', seed: SEED, options: { units: 64, embedding: 64, epochs: 12, lr: 0.005 } } },
      { key: 'attention', name: 'seq2seq + dot attention', config: { task: 'translate', model: 'attention', data: 'builtin:en-ko', seed: SEED, options: { units: 64, embedding: 64, epochs: 12, lr: 0.005, attention: 'dot' } } },
    ],
  },
  {
    id: 'teacher-forcing',
    title: 'Teacher forcing 1.0 vs 0.5 vs scheduled decay',
    question: 'Should the decoder be fed the reference word while it learns, its own guess, or first one then the other?',
    analysis: 'final-metrics',
    minutes: 2,
    runs: ([
      { key: 'tf-1', name: 'teacher forcing 1.0', options: { 'teacher-forcing': 1 } },
      { key: 'tf-0.5', name: 'teacher forcing 0.5', options: { 'teacher-forcing': 0.5 } },
      { key: 'tf-decay', name: 'scheduled decay (× 0.7 an epoch)', options: { 'teacher-forcing': 1, 'teacher-forcing-decay': 0.7 } },
    ] as Array<{ key: string; name: string; options: RunConfig['options'] }>).map((r) => ({ key: r.key, name: r.name, config: { task: 'translate', model: 'attention', data: 'builtin:en-ko', seed: SEED, options: { units: 48, embedding: 48, epochs: 6, lr: 0.005, attention: 'dot', ...r.options } } })),
  },
  {
    id: 'divide-and-train',
    title: 'End to end vs divide and train',
    question: 'With few labelled sentences, do word vectors trained first (then frozen) beat an embedding learned end to end?',
    analysis: 'final-metrics',
    minutes: 1,
    runs: [
      { key: 'vectors', name: 'word vectors (skip-gram)', compared: false, config: { task: 'word2vec', model: 'skipgram', data: 'builtin:grammar-words', seed: SEED, options: { dim: 24, epochs: 5, 'min-count': 1 } } },
      { key: 'end-to-end', name: 'classifier, embedding end to end', config: { task: 'classify', model: 'gru', data: 'builtin:grammar-number', seed: SEED, options: { units: 16, embedding: 24, epochs: 20, limit: 120 } } },
      { key: 'frozen', name: 'classifier on frozen word vectors', config: { task: 'classify', model: 'gru', data: 'builtin:grammar-number', seed: SEED, options: { units: 16, epochs: 20, limit: 120, embeddings: '{run:vectors}', 'freeze-embeddings': true } } },
    ],
  },
];

export function experimentsRoot(runsRoot: string): string {
  return path.join(path.dirname(runsRoot), 'experiments');
}

/** A run's config in an experiment, `{run:key}` placeholders resolved to the folders of its earlier runs. */
export function experimentRunConfig(def: ExperimentDef, spec: ExperimentRunSpec, experimentId: string, dirs: Record<string, string>): RunConfig {
  const options: RunConfig['options'] = {};
  for (const [k, v] of Object.entries(spec.config.options)) {
    const m = typeof v === 'string' ? /^\{run:([\w-]+)\}$/.exec(v) : null;
    if (m && !dirs[m[1]]) throw new Error(`experiment ${def.id}: run "${spec.key}" needs run "${m[1]}" first`);
    options[k] = m ? dirs[m[1]] : v;
  }
  return { version: 1, name: `${def.title.split(':')[0]} · ${spec.name}`, ...spec.config, options, probes: spec.config.probes ?? [], experiment: { id: experimentId, key: spec.key } };
}

export function readExperiment(dir: string): ExperimentRecord {
  const file = path.join(dir, 'experiment.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  try {
    return JSON.parse(text) as ExperimentRecord;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

export function writeExperiment(dir: string, record: ExperimentRecord): void {
  fs.mkdirSync(dir, { recursive: true });
  writeJsonAtomically(path.join(dir, 'experiment.json'), record);
}
