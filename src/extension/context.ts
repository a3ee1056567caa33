/**
 * One object owning everything that lives as long as the extension: the log,
 * the engine client (started lazily), and the disposables. Panels own their
 * own listeners.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { EngineClient } from '../worker/client';

export class SeqLensContext implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  private engineClient: EngineClient | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly crashEmitter = new vscode.EventEmitter<string>();
  /** Fires after the engine worker died unexpectedly (the next request restarts it). */
  readonly onEngineCrash = this.crashEmitter.event;
  private readonly engineStateEmitter = new vscode.EventEmitter<void>();
  /** Fires when the engine's state (EngineClient.state) may have changed. */
  readonly onEngineState = this.engineStateEmitter.event;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('SeqLens', { log: true });
    this.disposables.push(this.log, this.crashEmitter, this.engineStateEmitter);
  }

  register<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  asPath(...parts: string[]): string {
    return path.join(this.extension.extensionPath, ...parts);
  }

  /** The engine client; creating it does not start the worker (the first request does). */
  get engine(): EngineClient {
    this.engineClient ??= new EngineClient({
      workerPath: this.asPath('dist', 'worker.js'),
      boot: { wasmDir: this.asPath('dist', 'wasm'), modelsDir: this.asPath('media', 'models') },
      log: (level, message) => this.log[level](message),
      onStateChange: () => this.engineStateEmitter.fire(),
      onBackendWarning: (warning) => {
        void vscode.window.showWarningMessage(`SeqLens: ${warning}`, 'Show Log').then((a) => a && this.log.show());
      },
      onCrash: (message) => {
        this.crashEmitter.fire(message);
        void vscode.window.showErrorMessage(`SeqLens: ${message}`, 'Show Log').then((a) => a && this.log.show());
      },
    });
    return this.engineClient;
  }

  /** The last information message shown to the user (diagnostics and tests). */
  lastNotice: string | undefined;

  /** An information message to the user, also written to the log. */
  info(message: string): void {
    this.lastNotice = message;
    this.log.info(`notice: ${message}`);
    void vscode.window.showInformationMessage(`SeqLens: ${message}`);
  }

  /** Reports a failure: a readable message to the user, the detail to the log. Never silent. */
  reportError(what: string, e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.lastNotice = message;
    this.log.error(`${what}: ${e instanceof Error && 'detail' in e && e.detail ? String(e.detail) : e instanceof Error ? (e.stack ?? message) : message}`);
    void vscode.window.showErrorMessage(`SeqLens: ${message}`, 'Show Log').then((a) => a && this.log.show());
  }

  dispose(): void {
    this.engineClient?.dispose();
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}
