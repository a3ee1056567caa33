/**
 * The page's strings in VS Code's display language. The extension puts vscode.l10n's bundle
 * (l10n/bundle.l10n.<lang>.json, keyed by the English) into the page as JSON (webviewHtml), so
 * the page writes nothing in a language of its own: l10n('Play') is “재생” in Korean and “Play”
 * in English. {0}, {1}… are filled from the arguments, as vscode.l10n.t does.
 */
let bundle: Record<string, string> | undefined;

function strings(): Record<string, string> {
  if (!bundle) {
    try {
      bundle = JSON.parse(document.getElementById('seqlens-l10n')?.textContent || '{}') as Record<string, string>;
    } catch {
      bundle = {};
    }
  }
  return bundle;
}

export function l10n(message: string, ...args: Array<string | number>): string {
  const s = strings()[message] ?? message;
  return args.length ? s.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m)) : s;
}
