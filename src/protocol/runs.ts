/**
 * The run folder's records (DESIGN.md "Runs" contract) as types: config.json, state.json, a
 * metrics.jsonl row and a probes.jsonl row. Types only, shared by the engine, the extension
 * and the dashboard page.
 */
export type RunState = 'queued' | 'training' | 'done' | 'stopped' | 'interrupted' | 'failed';
export type RunTask = 'translate' | 'lm' | 'tag' | 'classify' | 'word2vec';

/** config.json. `options` are the `seqlens train` flags by name (without the dashes). */
export interface RunConfig {
  version: 1;
  /** Shown in the Runs view; the folder name is the id. */
  name: string;
  task: RunTask;
  /** --model: rnn, lstm, gru, seq2seq, attention, transformer, skipgram. */
  model: string;
  /** A file (absolute, or relative to the workspace folder holding .seqlens) or a built-in corpus ("builtin:…"). */
  data: string;
  seed: number;
  /** Other settings by flag name: epochs, time-limit, units, attention, teacher-forcing, activation, … */
  options: Record<string, string | number | boolean>;
  /** Sentences decoded at every evaluation (Watch it learn); empty: the first held-out ones. */
  probes: string[];
  /** The run this one is a variant of (its id), and the one setting that differs. */
  parent?: { id: string; setting: string; from: unknown; to: unknown };
  /** A size preset's name, when one was chosen. */
  preset?: string;
  /** Set for a run of one of the course's experiments: the experiment's folder id and this run's role. */
  experiment?: { id: string; key: string };
}

export interface RunStatus {
  state: RunState;
  /** Process that writes the run while it trains (the extension host or the command). */
  pid?: number;
  /** Last sign of life while training (ms since epoch); a run silent for long was interrupted. */
  heartbeat?: number;
  startedAt?: number;
  endedAt?: number;
  /** Final or latest summary metrics (test BLEU, accuracy, perplexity, loss…). */
  metrics?: Record<string, number | string>;
  error?: string;
  /** Steps and seconds trained so far over every session of the run (for resume). */
  steps?: number;
  seconds?: number;
  epochs?: number;
}

export interface MetricRow {
  step: number;
  /** Seconds of training since the run first started (resumed sessions continue the clock). */
  time: number;
  split: 'train' | 'validation' | 'test';
  [metric: string]: number | string;
}

export interface ProbeRow {
  step: number;
  time: number;
  epoch: number;
  outputs: Array<{ input: string; output: string; reference?: string }>;
}


/** What a training run reports while it trains. */
export type RunEvent = { type: 'metric'; row: MetricRow } | { type: 'probes'; row: ProbeRow } | { type: 'state'; status: RunStatus };

/** The comparison at the end of one of the course's experiments. */
export interface ExperimentResult {
  /** Rows of a table: the first column names the row, one column per run or measure. */
  table: { columns: string[]; rows: Array<Array<string | number>> };
  /** A chart of the comparison: x values and one series per run. */
  chart?: { title: string; x: string; log?: boolean; xs: number[]; series: Array<{ label: string; values: Array<number | null> }> };
  /** What the numbers say, in a sentence or two. */
  conclusion: string;
}

/** experiment.json */
export interface ExperimentRecord {
  version: 1;
  id: string;
  experiment: string;
  title: string;
  question: string;
  /** The runs by their role, with their folder's id. */
  runs: Array<{ key: string; id: string; name: string; compared: boolean }>;
  state: 'training' | 'analysing' | 'done' | 'failed' | 'stopped';
  startedAt: number;
  endedAt?: number;
  result?: ExperimentResult;
  error?: string;
}

