/**
 * The extension host's side of the engine: starts the worker on first use
 * (never at activation), numbers requests, streams progress, cancels, and
 * restarts the worker after it dies, failing the requests that were in flight
 * with a message a user can read. Imports neither vscode nor tfjs.
 */
import { Worker } from 'worker_threads';
import type { EngineError, EngineMethod, FromWorker, ParamsOf, Progress, ResultOf, ToWorker, WorkerBoot } from '../protocol/engine';

export interface CancellationTokenLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => unknown): { dispose(): unknown };
}

export class EngineRequestError extends Error {
  override readonly name = 'EngineRequestError';
  constructor(
    readonly code: EngineError['code'],
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

export interface EngineClientOptions {
  workerPath: string;
  boot: WorkerBoot;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Called when the worker dies unexpectedly (after pending requests are failed). */
  onCrash?: (message: string) => void;
  /** Called once per worker start when tfjs could not use wasm. */
  onBackendWarning?: (warning: string) => void;
  /** Worker heap limit in MB (default 4096). */
  maxOldGenerationSizeMb?: number;
  /** Called whenever `state` may have changed (a start, ready, a request begun or ended, a crash). */
  onStateChange?: () => void;
}

/** The engine as a status bar shows it. */
export interface EngineState {
  /** stopped: no worker (the next request starts one); starting: setting up its backend; crashed: died, restarts on the next request. */
  phase: 'stopped' | 'starting' | 'idle' | 'busy' | 'crashed' | 'failed';
  backend?: string;
  tfjsVersion?: string;
  backendWarning?: string;
  /** The methods in flight, oldest first. */
  busy: EngineMethod[];
  /** Why it crashed or could not start. */
  error?: string;
  starts: number;
}

interface Pending {
  method: EngineMethod;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (p: Progress) => void;
  cleanup: () => void;
}

export class EngineClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readyInfo: Promise<{ backend: string; backendWarning?: string; tfjsVersion: string }> | undefined;
  /** Fails the current worker's `ready()` promise (when it is detached before it was ready). */
  private rejectReady: ((e: Error) => void) | undefined;
  private intentionalExit = new WeakSet<Worker>();
  private starts = 0;
  private disposed = false;
  private info: { backend: string; backendWarning?: string; tfjsVersion: string } | undefined;
  private failure: { phase: 'crashed' | 'failed'; message: string } | undefined;

  constructor(private readonly options: EngineClientOptions) {}

  /** How many times a worker has been started (1 after first use; grows after each restart). */
  get startCount(): number {
    return this.starts;
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  /** What the engine is doing now. */
  get state(): EngineState {
    const busy = [...this.pending.values()].map((p) => p.method);
    const base = { backend: this.info?.backend, tfjsVersion: this.info?.tfjsVersion, backendWarning: this.info?.backendWarning, busy, starts: this.starts };
    if (this.failure && (!this.worker || this.failure.phase === 'failed')) return { ...base, phase: this.failure.phase, error: this.failure.message };
    if (!this.worker) return { ...base, phase: 'stopped' };
    if (!this.info) return { ...base, phase: 'starting' };
    return { ...base, phase: busy.length ? 'busy' : 'idle' };
  }

  private changed(): void {
    try {
      this.options.onStateChange?.();
    } catch (e) {
      this.options.log('error', `engine state listener: ${e instanceof Error ? e.message : e}`);
    }
  }

  /** Resolves once the worker has set up its backend. Starts the worker if needed. */
  ready(): Promise<{ backend: string; backendWarning?: string; tfjsVersion: string }> {
    if (this.disposed) return Promise.reject(new EngineRequestError('internal', 'The SeqLens engine has been shut down.'));
    this.ensureWorker();
    return this.readyInfo!;
  }

  request<M extends EngineMethod>(
    method: M,
    params: ParamsOf<M>,
    options: { token?: CancellationTokenLike; onProgress?: (p: Progress) => void } = {},
  ): Promise<ResultOf<M>> {
    if (this.disposed) return Promise.reject(new EngineRequestError('internal', 'The SeqLens engine has been shut down.'));
    if (options.token?.isCancellationRequested) return Promise.reject(new EngineRequestError('cancelled', 'Cancelled.'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const sub = options.token?.onCancellationRequested(() => this.post(worker, { type: 'cancel', id }));
      this.pending.set(id, {
        method,
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: options.onProgress,
        cleanup: () => sub?.dispose(),
      });
      this.post(worker, { type: 'request', id, method, params });
      this.changed();
    });
  }

  /** Stops the worker on purpose; the next request starts a fresh one. */
  async restart(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.intentionalExit.add(w);
    this.detach(w, new EngineRequestError('cancelled', 'The SeqLens engine was restarted; the request was cancelled.'));
    await w.terminate();
  }

  /**
   * Terminates the worker as if it had crashed (diagnostics and tests): the
   * client goes through exactly the path a real crash takes.
   */
  async simulateCrash(): Promise<void> {
    const w = this.worker;
    if (w) await w.terminate();
  }

  dispose(): void {
    this.disposed = true;
    const w = this.worker;
    if (w) {
      this.intentionalExit.add(w);
      this.detach(w, new EngineRequestError('cancelled', 'The SeqLens engine was shut down.'));
      void w.terminate();
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    this.starts++;
    const worker = new Worker(this.options.workerPath, {
      workerData: this.options.boot,
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxOldGenerationSizeMb ?? 4096 },
      stdout: false,
      stderr: false,
    });
    this.worker = worker;
    this.info = undefined;
    this.failure = undefined;
    this.options.log('info', `engine worker started (#${this.starts}, thread ${worker.threadId})`);
    let resolveReady!: (v: { backend: string; backendWarning?: string; tfjsVersion: string }) => void;
    let rejectReady!: (e: Error) => void;
    this.readyInfo = new Promise((res, rej) => {
      resolveReady = res;
      rejectReady = rej;
    });
    this.readyInfo.catch(() => undefined); // observed through requests; never an unhandled rejection
    this.rejectReady = rejectReady;
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'start-failed') {
        this.options.log('error', msg.message);
        this.failure = { phase: 'failed', message: msg.message };
        rejectReady(new EngineRequestError('internal', msg.message));
        this.changed();
        return;
      }
      this.onMessage(msg, resolveReady);
    });
    worker.on('error', (err) => {
      // An uncaught exception in the worker: it is about to exit.
      this.options.log('error', `engine worker error: ${err.stack ?? err.message}`);
    });
    worker.on('exit', (code) => {
      if (this.worker !== worker) return; // already detached (restart or dispose)
      if (this.intentionalExit.has(worker)) return;
      const message = `The SeqLens engine stopped unexpectedly (exit code ${code}). It restarts on the next request.`;
      this.options.log('error', message);
      this.failure = { phase: 'crashed', message };
      rejectReady(new EngineRequestError('worker-died', message));
      const inFlight = [...this.pending.values()].map((p) => p.method);
      this.detach(
        worker,
        new EngineRequestError('worker-died', `${message}${inFlight.length ? ` The running request (${inFlight.join(', ')}) was lost; run it again.` : ''}`),
      );
      this.options.onCrash?.(message);
      this.changed();
    });
    this.changed();
    return worker;
  }

  /** Forgets a worker and fails everything it had in flight. */
  private detach(worker: Worker, error: EngineRequestError): void {
    if (this.worker === worker) {
      this.worker = undefined;
      this.readyInfo = undefined;
      this.rejectReady?.(error); // no effect once it was ready
      this.rejectReady = undefined;
    }
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.cleanup();
      p.reject(error);
    }
    this.changed();
  }

  private post(worker: Worker, msg: ToWorker): void {
    try {
      worker.postMessage(msg);
    } catch (e) {
      // Posting fails only on data that cannot be cloned: a programming error, reported on that request.
      if (msg.type === 'request') {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        p?.cleanup();
        p?.reject(new EngineRequestError('internal', `Could not send ${msg.method} to the engine: ${e instanceof Error ? e.message : e}`));
      }
    }
  }

  private onMessage(msg: Exclude<FromWorker, { type: 'start-failed' }>, resolveReady: (v: { backend: string; backendWarning?: string; tfjsVersion: string }) => void): void {
    switch (msg.type) {
      case 'ready':
        this.options.log('info', `engine ready: tfjs ${msg.info.tfjsVersion} on the ${msg.info.backend} backend`);
        if (msg.info.backendWarning) this.options.onBackendWarning?.(msg.info.backendWarning);
        this.info = msg.info;
        resolveReady(msg.info);
        this.changed();
        return;
      case 'log':
        this.options.log(msg.level, msg.message);
        return;
      case 'progress':
        this.pending.get(msg.id)?.onProgress?.(msg.progress);
        return;
      case 'response': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        p.cleanup();
        if (msg.ok) p.resolve(msg.result);
        else p.reject(new EngineRequestError(msg.error.code, msg.error.message, msg.error.detail));
        this.changed();
        return;
      }
    }
  }
}
