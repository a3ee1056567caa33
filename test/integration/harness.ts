/**
 * Bridge from a test in the extension host to the browser that runs the
 * workbench (code-server runner only): screenshots, and the real DOM of
 * webviews. Under @vscode/test-electron E2E_HARNESS_URL is unset and tests that
 * need it skip.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import * as vscode from 'vscode';

const base = process.env.E2E_HARNESS_URL;

function call<T>(route: string, params: Record<string, string | number> = {}): Promise<T> {
  if (!base) return Promise.reject(new Error('no browser harness (code-server runner only)'));
  const url = new URL(route, base);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`harness ${route}: HTTP ${res.statusCode} ${body}`));
        else resolve(JSON.parse(body) as T);
      });
    });
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error(`harness ${route} timed out`)));
  });
}

export const harness = {
  available: Boolean(base),
  screenshot: (name: string) => call<{ file: string }>('/screenshot', { name }),
  /** Evaluates `expression` in the webview frame holding `selector`; undefined when no such frame. */
  async evaluate<T>(selector: string, expression: string): Promise<T | undefined> {
    const r = await call<{ found: boolean; value?: T }>('/webview-eval', { selector, expression });
    return r.found ? r.value : undefined;
  },
  click: (selector: string) => call<{ clicked: boolean }>('/webview-click', { selector }),
  hover: (selector: string) => call<{ hovered: boolean }>('/webview-hover', { selector }),
  press: (selector: string, ...keys: string[]) => call<{ pressed: boolean }>('/webview-press', { selector, keys: keys.join(',') }),
  /** Evaluates `expression` in the workbench page (its quick input, notifications…). */
  workbench: <T>(expression: string) => call<{ value: T }>('/workbench-eval', { expression }).then((r) => r.value),
  /** Focuses `selector` in the workbench page (a quick input's box…) and presses keys on the real keyboard. */
  workbenchPress: (selector: string, ...keys: string[]) => call<{ pressed: boolean }>('/workbench-press', { selector, keys: keys.join(',') }),
  mouseMove: (x: number, y: number) => call<{ moved: boolean }>('/mouse-move', { x, y }),
};

/** Polls `probe` until it returns a truthy value (or throws after `timeoutMs`, saying what it waited for). */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Switches the workbench colour theme and waits until the webview holding `selector` has the
 * theme's body class (then a moment for canvases to redraw in the new colours).
 */
export async function setTheme(selector: string, theme: string | undefined, bodyClass: string, settleMs = 400): Promise<void> {
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
  if (!harness.available) return;
  await waitFor(`the panel in ${theme ?? 'the default theme'}`, async () => {
    const cls = await harness.evaluate<string>(selector, 'document.body.className');
    if (!cls?.split(' ').includes(bodyClass)) throw new Error(`body class "${cls}"`);
    return true;
  });
  await new Promise((r) => setTimeout(r, settleMs));
}

/** The extension's Korean strings when the suite runs in Korean (--locale=ko), else none. */
const displayBundle: Record<string, string> =
  process.env.E2E_LOCALE === 'ko' ? (JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'l10n', 'bundle.l10n.ko.json'), 'utf8')) as Record<string, string>) : {};

/** A string of the extension or its pages as the display language shows it, {0}… filled in as vscode.l10n.t does. */
export function displayText(message: string, ...args: Array<string | number>): string {
  const s = displayBundle[message] ?? message;
  return s.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}
