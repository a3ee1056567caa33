/**
 * Entry of the engine worker thread (dist/worker.js). One long-lived thread
 * runs tfjs for the whole extension: tfjs in two threads at once has failed
 * upstream (tfjs issue 8388), and the extension host must never block on it.
 */
import { parentPort, workerData } from 'worker_threads';
import type { FromWorker, ToWorker, WorkerBoot } from '../protocol/engine';
import { CancelledError, Engine, RequestContext, toEngineError } from './engine';

if (!parentPort) throw new Error('dist/worker.js must run as a worker thread');
const port = parentPort;
const post = (m: FromWorker): void => port.postMessage(m);

const engine = new Engine(workerData as WorkerBoot);
const cancelled = new Set<number>();
// Requests run one at a time, in order, on one of two lanes: training runs (minutes long) on
// their own, so that a trace, a hover or a translation is answered between two training steps
// instead of after the run. Each training step is one synchronous tf.tidy, so a request on the
// other lane never lands inside a step; it runs where the trainer yields (after every step).
const lanes = { interactive: Promise.resolve(), training: Promise.resolve() };
const LONG_RUNNING = new Set<string>(['run/train']);

const started = engine.start().then(
  (info) => {
    if (info.backendWarning) post({ type: 'log', level: 'warn', message: info.backendWarning });
    post({ type: 'ready', info });
  },
  (e) => {
    post({ type: 'log', level: 'error', message: `engine failed to start: ${e instanceof Error ? e.stack : e}` });
    post({ type: 'start-failed', message: `The SeqLens engine could not start: ${e instanceof Error ? e.message : e}` });
    throw e;
  },
);
// Requests awaiting `started` report the failure; this keeps it from being an unhandled rejection
// (which would end the worker before that message is read).
started.catch(() => undefined);

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    cancelled.add(msg.id);
    return;
  }
  if (msg.type !== 'request') return;
  const { id, method, params } = msg;
  const ctx: RequestContext = {
    get cancelled() {
      return cancelled.has(id);
    },
    progress: (progress) => post({ type: 'progress', id, progress }),
    checkpoint: async () => {
      await new Promise((r) => setImmediate(r));
      if (cancelled.has(id)) throw new CancelledError();
    },
  };
  // A `train` task (an estimate: seconds of steps and an evaluation) trains too, and goes behind the runs.
  const lane = LONG_RUNNING.has(method) || (method === 'task/run' && (params as { verb?: string }).verb === 'train') ? 'training' : 'interactive';
  lanes[lane] = lanes[lane].then(async () => {
    try {
      await started;
      if (cancelled.has(id)) throw new CancelledError();
      const result = await engine.handle(method, params as never, ctx);
      post({ type: 'response', id, ok: true, result });
    } catch (e) {
      const error = toEngineError(e);
      if (error.detail) post({ type: 'log', level: 'error', message: `${method}: ${error.detail}` });
      post({ type: 'response', id, ok: false, error });
    } finally {
      cancelled.delete(id);
    }
  });
});
