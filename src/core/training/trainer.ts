/**
 * The training loop every model shares: Adam, gradient clipping by global norm,
 * a loss that the model builds inside tf.tidy, progress events (loss, tokens/s,
 * ETA), a validation pass after each epoch with early stopping, and a stop flag
 * checked between steps (cancellation lands within one step).
 */
import * as tf from '@tensorflow/tfjs';
import { clipByGlobalNorm } from './trainLanguageModel';

export interface TrainProgress {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
  tokensPerSecond: number;
  /** Seconds left at the current speed. */
  etaSeconds: number;
  /** The learning rate of the last step. */
  learningRate: number;
  /** Set after each validation (every epoch's end, and every `validateEvery` steps). */
  validation?: Record<string, number>;
}

export interface TrainerOptions<B> {
  epochs: number;
  learningRate: number;
  clipNorm: number;
  /** Batches of one epoch (called once per epoch; may shuffle). */
  batches: (epoch: number) => B[];
  /** Target tokens in a batch, for tokens/s. */
  tokensIn: (batch: B) => number;
  /** Builds the scalar loss for a batch (inside tf.tidy and the gradient tape). */
  loss: (batch: B, epoch: number) => tf.Scalar;
  variables: tf.Variable[];
  /** Runs after each epoch (and every `validateEvery` steps); returns metrics, of which `loss` drives early stopping (lower is better). */
  validate?: (epoch: number, step: number) => Promise<Record<string, number>>;
  /** Also validate every this many steps within an epoch (long epochs: the best weights are kept and checkpointed more often). */
  validateEvery?: number;
  /** Epochs without validation improvement before stopping (default: never stop early); counted at epochs' ends. */
  patience?: number;
  /** Called with the best weights' epoch whenever validation improves (to checkpoint). */
  onImproved?: (epoch: number, metrics: Record<string, number>) => Promise<void>;
  onProgress?: (p: TrainProgress) => void;
  /** Progress every this many steps (default 20), and at least every 2 s. */
  progressEvery?: number;
  shouldStop?: () => boolean;
  /** Stop after this many seconds of training (checked between steps). */
  timeLimitSeconds?: number;
  /**
   * 'constant' (default) or 'linear': the rate falls linearly to 5% of
   * `learningRate` over the run, the run's length being the epochs or, when
   * sooner, the time limit (whichever fraction is further along).
   */
  schedule?: 'constant' | 'linear';
  /**
   * Measure instead of train: three steps to warm up, then at least this many timed steps (and
   * a second's worth, within the first epoch) and one timed validation (no checkpoint, no
   * onImproved), and stop with `measured` set: what an estimate of the whole run's time is made from.
   */
  measureSteps?: number;
}

/** A measuring run's first steps, not timed (their allocations and kernel warm-up would inflate it). */
const MEASURE_WARMUP = 3;
/** …and the least time it times steps for. */
const MEASURE_SECONDS = 1;

/** The timings a measuring run (TrainerOptions.measureSteps) returns. */
export interface StepMeasurement {
  secondsPerStep: number;
  stepsPerEpoch: number;
  epochs: number;
  /** One validation's seconds (0 without validation), and how many an epoch has. */
  validationSeconds: number;
  validationsPerEpoch: number;
  measuredSteps: number;
}

/** Seconds a whole run takes by a measurement: its steps and validations, capped by a time limit. */
export function estimateSeconds(m: StepMeasurement, timeLimitSeconds?: number): number {
  const training = m.epochs * (m.stepsPerEpoch * m.secondsPerStep + m.validationsPerEpoch * m.validationSeconds);
  return timeLimitSeconds ? Math.min(training, timeLimitSeconds + m.validationSeconds) : training;
}

/** The learning rate at a point of the run (fraction 0 … 1 done). */
export function scheduledRate(base: number, schedule: TrainerOptions<unknown>['schedule'], fraction: number): number {
  if (schedule !== 'linear') return base;
  return base * Math.max(0.05, 1 - Math.min(1, Math.max(0, fraction)));
}

export interface TrainerResult {
  losses: number[];
  steps: number;
  tokens: number;
  seconds: number;
  epochsRun: number;
  stoppedBy: 'epochs' | 'early-stopping' | 'cancelled' | 'time-limit' | 'measured';
  validation: Array<Record<string, number>>;
  bestEpoch: number;
  /** Set when the run measured instead of training (TrainerOptions.measureSteps). */
  measured?: StepMeasurement;
}

export async function train<B>(o: TrainerOptions<B>): Promise<TrainerResult> {
  const optimizer = tf.train.adam(o.learningRate);
  const losses: number[] = [];
  const validation: Array<Record<string, number>> = [];
  let steps = 0;
  let tokens = 0;
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = -1;
  let sinceBest = 0;
  let improvedThisEpoch = false;
  let learningRate = o.learningRate;
  let stoppedBy: TrainerResult['stoppedBy'] = 'epochs';
  let epochsRun = 0;
  let measured: StepMeasurement | undefined;
  let measureFrom = 0;
  const t0 = Date.now();
  const every = o.progressEvery ?? 20;
  let lastReport = t0;
  // Throughput is measured over training steps only (evaluations and checkpoints excluded),
  // over the steps since the last report: what the chart shows is the speed now.
  let evalMs = 0;
  let since = { tokens: 0, at: t0, evalMs: 0 };
  const throughput = () => {
    const now = Date.now();
    const seconds = (now - since.at - (evalMs - since.evalMs)) / 1000;
    const rate = (tokens - since.tokens) / Math.max(seconds, 1e-9);
    since = { tokens, at: now, evalMs };
    return rate;
  };
  try {
    outer: for (let epoch = 0; epoch < o.epochs; epoch++) {
      const batches = o.batches(epoch);
      const totalSteps = batches.length * o.epochs;
      for (const batch of batches) {
        if (o.shouldStop?.()) {
          stoppedBy = 'cancelled';
          break outer;
        }
        if (o.timeLimitSeconds !== undefined && (Date.now() - t0) / 1000 > o.timeLimitSeconds) {
          stoppedBy = 'time-limit';
          break outer;
        }
        if (o.schedule === 'linear') {
          const byTime = o.timeLimitSeconds ? (Date.now() - t0) / 1000 / o.timeLimitSeconds : 0;
          // AdamOptimizer reads its learningRate field at every step.
          learningRate = scheduledRate(o.learningRate, o.schedule, Math.max(steps / totalSteps, byTime));
          (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
        }
        const lossTensor = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => o.loss(batch, epoch), o.variables);
          optimizer.applyGradients(clipByGlobalNorm(grads, o.clipNorm) as unknown as Record<string, tf.Variable>);
          return value;
        });
        const loss = (await lossTensor.data())[0];
        lossTensor.dispose();
        if (!Number.isFinite(loss)) throw new Error(`training diverged: the loss is ${loss} at step ${steps + 1}; try a lower learning rate`);
        losses.push(loss);
        steps++;
        tokens += o.tokensIn(batch);
        if (o.measureSteps !== undefined) {
          // Steps after the first few (which allocate and warm the kernels) are timed for at least
          // MEASURE_SECONDS, within the first epoch; then one validation.
          if (steps === MEASURE_WARMUP) measureFrom = performance.now();
          const timedSeconds = (performance.now() - measureFrom) / 1000;
          if ((steps >= MEASURE_WARMUP + o.measureSteps && timedSeconds >= MEASURE_SECONDS) || steps === batches.length) {
            const timed = Math.max(1, steps - MEASURE_WARMUP);
            const secondsPerStep = steps > MEASURE_WARMUP ? timedSeconds / timed : (Date.now() - t0) / 1000 / steps;
            const v0 = performance.now();
            if (o.validate) await o.validate(epoch, steps);
            const validationSeconds = o.validate ? (performance.now() - v0) / 1000 : 0;
            const validationsPerEpoch = o.validate ? 1 + (o.validateEvery ? Math.floor((batches.length - 1) / o.validateEvery) : 0) : 0;
            measured = { secondsPerStep, stepsPerEpoch: batches.length, epochs: o.epochs, validationSeconds, validationsPerEpoch, measuredSteps: timed };
            stoppedBy = 'measured';
            break outer;
          }
        }
        if (o.onProgress && (steps % every === 0 || Date.now() - lastReport > 2000)) {
          lastReport = Date.now();
          o.onProgress({ epoch, epochs: o.epochs, step: steps, steps: totalSteps, loss, tokensPerSecond: throughput(), etaSeconds: eta(totalSteps), learningRate });
        }
        if (o.validate && o.validateEvery && steps % o.validateEvery === 0 && steps % batches.length !== 0) await validateNow(epoch, totalSteps);
        // Yield to the event loop after every step, so a cancel message lands before the next one.
        await new Promise((r) => setImmediate(r));
      }
      epochsRun = epoch + 1;
      if (o.validate) {
        await validateNow(epoch, steps);
        if (!improvedThisEpoch && o.patience !== undefined && ++sinceBest >= o.patience) {
          stoppedBy = 'early-stopping';
          break;
        }
        if (improvedThisEpoch) sinceBest = 0;
        improvedThisEpoch = false;
      }
    }
  } finally {
    optimizer.dispose();
  }
  return { losses, steps, tokens, seconds: (Date.now() - t0) / 1000, epochsRun, stoppedBy, validation, bestEpoch, ...(measured ? { measured } : {}) };

  /** Seconds left: the remaining steps at the rate so far, or the time limit's remainder when that comes first. */
  function eta(totalSteps: number): number {
    const seconds = (Date.now() - t0) / 1000;
    const bySteps = Math.max(0, totalSteps - steps) / (steps / Math.max(seconds, 1e-9));
    return o.timeLimitSeconds !== undefined ? Math.min(bySteps, Math.max(0, o.timeLimitSeconds - seconds)) : bySteps;
  }

  async function validateNow(epoch: number, totalSteps: number): Promise<void> {
    const e0 = Date.now();
    const metrics = await o.validate!(epoch, steps);
    validation.push(metrics);
    o.onProgress?.({ epoch, epochs: o.epochs, step: steps, steps: totalSteps, loss: losses[losses.length - 1] ?? NaN, tokensPerSecond: tokens / Math.max((Date.now() - t0 - evalMs) / 1000, 1e-9), etaSeconds: eta(totalSteps), learningRate, validation: metrics });
    if (metrics.loss < best) {
      best = metrics.loss;
      bestEpoch = epoch;
      improvedThisEpoch = true;
      await o.onImproved?.(epoch, metrics);
    }
    evalMs += Date.now() - e0;
  }
}
