/** Typed access to the webview host: messages out, view state kept across reloads. */

interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

export class Host<ToHost, State extends object> {
  private readonly api: VsCodeApi<State> = acquireVsCodeApi<State>();

  post(message: ToHost): void {
    this.api.postMessage(message);
  }

  state(defaults: State): State {
    return { ...defaults, ...(this.api.getState() ?? {}) };
  }

  saveState(state: State): void {
    this.api.setState(state);
  }
}
