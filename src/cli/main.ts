/**
 * `seqlens`: the engine in a terminal, for scripting, benchmarks and tests
 * (contract in DESIGN.md). The verbs are the engine's tasks (src/core/tasks.ts),
 * the same the editor's worker runs. Every verb takes --json and then prints one
 * JSON document on stdout; progress goes to stderr. Errors: exit status 2 and one
 * line `seqlens: <what>: <why>` on stderr, never a stack trace.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DataError } from '../core/data/pairs';
import { analyzeTask } from '../core/experimentAnalysis';
import { EXPERIMENTS } from '../core/runs/experiments';
import { experimentTask } from '../core/runs/runExperiment';
import { analogyTask, Args, attentionTask, evalTask, peTask, neighborsTask, runsTask, TaskError, TaskHooks, TaskResult, trainTask, traceTask, translateTask, gradientsTask, projectTask, similarityTask } from '../core/tasks';
import { createRun, RunError, validateRunConfig } from '../core/runs/runs';
import { runConfigFromArgs, trainRun } from '../core/runs/trainRun';
import { setupBackend } from '../core/tfjs/backend';
import { BadInputError } from '../core/trace';

const ROOT = path.resolve(__dirname, '..');

function parseArgs(argv: string[]): Args {
  const [verb = 'help', ...rest] = argv;
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('-')) throw new TaskError(`${verb}: unexpected argument "${a}"`);
    const name = a.replace(/^--?/, '');
    const next = rest[i + 1];
    // A value follows unless the next word is another flag (a negative number is a value).
    if (next !== undefined && !next.startsWith('--') && !(next.startsWith('-') && Number.isNaN(Number(next)))) {
      flags.set(name, next);
      i++;
    } else flags.set(name, true);
  }
  return { verb, flags };
}

const HELP = `seqlens: sequence models in a terminal

  seqlens train --task translate|lm --model attention|seq2seq|transformer|lstm|gru|rnn --data FILE --out DIR
                [--epochs N] [--seed N] [--teacher-forcing R] [--teacher-forcing-decay D]
                [--attention dot|additive] [--units N] [--embedding N] [--batch N] [--lr X]
                [--min-count N] [--untied] [--patience EPOCHS]
                [--time-limit SECONDS] [--limit PAIRS] [--lr-schedule constant|linear]
                [--beam K]  (translate: beam width for the held-out test BLEU)
                [--sampled-softmax K] [--subword MERGES]
  seqlens train … --estimate   (any task: time a few steps and one evaluation here, and say how long the
                whole run would take on this machine; --out not needed, nothing written)
  seqlens train --task tag|classify --model lstm|gru|rnn --data FILE --out DIR [--units N] [--epochs N]
                [--activation tanh|sigmoid] [--embeddings VECTORS [--freeze-embeddings]]
                (tag: word<TAB>tag lines, blank line between sentences; classify: label<TAB>text lines;
                 --embeddings: start from word vectors — a run, checkpoint or vector file — held fixed
                 with --freeze-embeddings, fine-tuned end to end without)
  seqlens train --task word2vec --model skipgram --data FILE --out DIR [--dim N] [--window N]
                [--negative N] [--min-count N] [--sample X] [--epochs N]
                [--run-dir DIR [--resume]] [--eval-every STEPS] [--probe "sentence"]
                (--data builtin:en-ko|grammar|grammar-tags|grammar-number|grammar-words: the project's own corpora)
  seqlens translate [--model DIR|ID] --text "..." [--beam K] [--top-k N] [--reference "..."]
                [--force-attention STEP:POS]
                (--json: every decoder step's top-k words and context vector, the unknown source words;
                 --reference: the decoder fed the reference (teacher forcing) beside its own words;
                 --beam K: the beam as a tree; --force-attention 3:2: at step 3 all attention on word 2)
                (embedded English → Korean ids: en-ko (GRU + dot attention, the default), en-ko-additive,
                 en-ko-no-attention (the context vector alone), en-ko-transformer)
  seqlens translate [--model DIR|ID] --file FILE [--beam K]    (one translation per line, one model load)
  seqlens gradients --text "..." [--transformer]   (‖∂h_T/∂h_t‖ per step for RNN-sigmoid, RNN-tanh, LSTM and
                GRU, with each step's derivative factor: σ' or tanh', the forget gate, the update gate, and
                every model's next word after every word; --transformer: the Transformer LM beside them,
                its ‖∂r_T/∂x_t‖)
  seqlens attention [--model DIR|en-ko-transformer] --text "..." [--max-tokens N]
                (a Transformer's attention: every layer and head, encoder self, decoder causal self, cross)
  seqlens pe --length N --dim D   (the sinusoidal positional encoding a Transformer adds)
  seqlens eval --model DIR|ID --data FILE [--beam K]   (BLEU for pairs, accuracy for tags/labels, perplexity for text)
  seqlens runs [--dir WORKSPACE]   (the runs in WORKSPACE/.seqlens/runs)
  seqlens experiment --experiment ${EXPERIMENTS.map((e) => e.id).join('|')} [--dir WORKSPACE]
                (one of the course's experiments: its runs trained, then the comparison)
  seqlens analyze --experiment ID --runs '{"key":"RUN DIR",…}'   (the comparison of trained runs)
  seqlens trace --model DIR|model.json|lstm|gru|rnn-tanh|rnn-sigmoid --text "..." [--max-tokens N] [--heads]
                (--heads: the embedded tagger + sentiment classifier of that cell: a tag per token, and
                 the class read at every prefix, "classByStep"; a tag/classify checkpoint always has them)
  seqlens neighbors [--vectors FILE|DIR|default] --word W [-k 10]   (default: the embedded WordNet vectors)
  seqlens analogy [--vectors FILE|DIR|default] --a A --b B --c C [-k 10]
  seqlens similarity [--vectors FILE|DIR|default] --words "a b c"   (cosine matrix; one-hot vectors' is the identity)
  seqlens project [--vectors FILE|DIR|default] [--method pca] [--dims 2|3] [--limit N] [--seed N]
                (every word's coordinates on the top principal components of the centred vectors)
  seqlens bench [NAME…]   (in a checkout: activation, step-probe, repaint, decode, knn,
                           train-lstm-lm, train-seq2seq, word2vec, word2vec-quality)

Every verb takes --json and then prints one JSON document on stdout.`;

/**
 * `train … --run-dir DIR`: the run folder the editor writes (config.json, metrics.jsonl,
 * probes.jsonl, state.json, checkpoint/). With --task, a new run in DIR; without, DIR's own
 * config.json (as edited); --resume continues a stopped or interrupted run from its checkpoint.
 */
async function trainCommand(a: Args, hooks: TaskHooks): Promise<TaskResult> {
  const dir = a.flags.get('run-dir');
  if (dir === undefined) return trainTask(a, hooks);
  if (dir === true) throw new TaskError('train: --run-dir needs a folder');
  try {
    const hasRun = fs.existsSync(path.join(dir, 'config.json'));
    if (a.flags.has('resume')) {
      if (!hasRun) throw new RunError(`${dir} holds no run to resume (no config.json)`);
    } else if (a.flags.has('task')) {
      if (hasRun) throw new RunError(`${dir} already holds a run; --resume it, or give another folder`);
      const config = validateRunConfig(runConfigFromArgs(a));
      createRun(path.dirname(path.resolve(dir)), config, path.basename(path.resolve(dir)));
    } else if (!hasRun) throw new RunError(`${dir}: no config.json; give --task and --data to start a run there`);
    const r = await trainRun(dir, hooks, { resume: a.flags.has('resume') });
    const json = r.result.json as Record<string, unknown>;
    return { json: { ...json, run: path.resolve(dir), state: r.status.state }, text: `${r.result.text}\nrun ${dir}: ${r.status.state}` };
  } catch (e) {
    if (e instanceof RunError) throw new TaskError(e.message.startsWith('train:') ? e.message : `train: ${e.message}`);
    throw e;
  }
}

const VERBS: Record<string, (a: Args, hooks: TaskHooks) => Promise<TaskResult>> = {
  train: trainCommand,
  eval: evalTask,
  runs: runsTask,
  experiment: experimentTask,
  analyze: analyzeTask,
  translate: translateTask,
  attention: attentionTask,
  pe: peTask,
  trace: traceTask,
  gradients: gradientsTask,
  project: projectTask,
  similarity: similarityTask,
  neighbors: neighborsTask,
  analogy: analogyTask,
};

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'bench') return bench(argv.slice(1)); // benchmark names are positional
  const a = parseArgs(argv);
  if (a.verb === 'help' || a.verb === '--help' || a.verb === '-h') {
    process.stdout.write(HELP + '\n');
    return;
  }
  const run = VERBS[a.verb];
  if (!run) throw new TaskError(`unknown command "${a.verb}" (try seqlens help)`);
  const wasmDir = path.join(__dirname, 'wasm');
  const progress = (line: string) => process.stderr.write(line + '\n');
  if (a.verb !== 'runs') {
    const status = await setupBackend(wasmDir); // `runs` only reads files
    if (status.warning) progress(`seqlens: warning: ${status.warning}`);
  }
  let r: TaskResult;
  try {
    r = await run(a, { progress, wasmDir, modelsDir: path.join(ROOT, 'media', 'models') });
  } catch (e) {
    // Refusals of bad input name the verb, like every other error line.
    if (e instanceof BadInputError || e instanceof DataError) throw new TaskError(`${a.verb}: ${e.message}`);
    throw e;
  }
  if (a.flags.has('json')) process.stdout.write(JSON.stringify(r.json) + '\n');
  else process.stdout.write(r.text + (r.text.endsWith('\n') ? '' : '\n'));
}

/**
 * `seqlens bench [NAME…] [--json]`: the benchmarks of a checkout (bench/), built and run
 * in their own process; they compare against PyTorch, gensim and numpy where installed.
 */
function bench(args: string[]): void {
  const build = path.join(ROOT, 'scripts', 'build.mjs');
  if (!fs.existsSync(build)) throw new TaskError('bench: the benchmarks run from a checkout of SeqLens (bench/ and scripts/ are not in the package)');
  const built = spawnSync(process.execPath, [build, '--bench'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new TaskError('bench: building the benchmarks failed (see above)');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'out', 'bench', 'run.js'), ...args], { stdio: 'inherit' });
  if (r.status !== 0) throw new TaskError(`bench: the benchmarks failed (exit ${r.status})`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    const message = e instanceof TaskError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    process.stderr.write(`seqlens: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    if (process.env.SEQLENS_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exit(2);
  },
);
