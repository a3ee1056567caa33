/** HTML for a webview: strict CSP, scripts by nonce, styles and fonts from cspSource. */
import * as crypto from 'crypto';
import * as vscode from 'vscode';

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, entry: string, title: string): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  // No data goes into this string (the page asks for it with a `ready` message); only the page's
  // strings in the display language (vscode.l10n's bundle, read by webview/shared/l10n.ts), as JSON.
  const strings = JSON.stringify(vscode.l10n.bundle ?? {}).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset(`${entry}.css`)}">
<title>${title}</title>
</head>
<body>
<div id="app" data-entry="${entry}"></div>
<script type="application/json" id="seqlens-l10n">${strings}</script>
<script nonce="${nonce}" src="${asset(`${entry}.js`)}"></script>
</body>
</html>`;
}

/**
 * A webview panel beside the editor on one of SeqLens's pages (dist/webview/<entry>.js/.css),
 * scripts on, nothing retained while hidden (the page says `ready` again when shown).
 */
export function createPagePanel(extensionUri: vscode.Uri, viewType: string, tabTitle: string, entry: string, pageTitle: string): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(viewType, tabTitle, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
  });
  panel.webview.html = webviewHtml(panel.webview, extensionUri, entry, pageTitle);
  return panel;
}
