// Offline runner: the integration suite inside a real VS Code (code-server's
// workbench and remote Node extension host), driven headless by Debian's Chromium
// through playwright-core. Everything listens on 127.0.0.1.
//
// Mechanism (the one microsoft/vscode uses for its browser integration tests): open
//   http://127.0.0.1:PORT/?folder=<ws>&payload=[["extensionDevelopmentPath", "vscode-remote://127.0.0.1:PORT/<ext>"],
//                                                ["extensionTestsPath", "vscode-remote://127.0.0.1:PORT/<tests>"], ...]
// The workbench loads the extension under development, calls run() of the tests module in
// the extension host, then window.codeAutomationExit(code). Extension-host console output
// arrives through window.codeAutomationLog. Both are exposed before the page loads.
//
// Tests reach the browser through a small HTTP bridge on 127.0.0.1 (E2E_HARNESS_URL):
// screenshots, and evaluating, clicking and typing inside webview frames.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const util = require('util');
const { startCodeServer, remoteUri } = require('./codeServer');

const t0 = Date.now();
const log = (...a) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

async function runTestsInCodeServer(opts) {
  const artifactsDir = opts.artifactsDir;
  fs.rmSync(artifactsDir, { recursive: true, force: true });
  fs.mkdirSync(artifactsDir, { recursive: true });
  const resultsFile = path.join(artifactsDir, 'results.json');
  const timeoutMs = opts.timeoutMs || 15 * 60 * 1000;

  // ---- bridge: tests (extension host) -> browser ------------------------------------------
  let page;
  /** The content frames of webviews: code-server nests them as index.html > fake.html. */
  const webviewFrames = () => page.frames().filter((f) => f !== page.mainFrame() && /\/webview\//.test(f.url()));
  async function findFrame(selector) {
    for (const f of webviewFrames()) {
      const hit = await f.$(selector).catch(() => null);
      if (hit) return { frame: f, handle: hit };
    }
    return undefined;
  }
  const routes = {
    '/screenshot': async (q) => {
      const name = (q.get('name') || 'shot').replace(/[^\w.-]/g, '_');
      const file = path.join(artifactsDir, `${name}.png`);
      await page.screenshot({ path: file });
      log(`screenshot -> ${file}`);
      return { file };
    },
    '/webview-eval': async (q) => {
      // Evaluates an expression in the webview frame that contains `selector`.
      const hit = await findFrame(q.get('selector'));
      if (!hit) return { found: false };
      const value = await hit.frame.evaluate(q.get('expression'));
      return { found: true, value };
    },
    '/webview-click': async (q) => {
      const hit = await findFrame(q.get('selector'));
      if (!hit) return { clicked: false };
      await hit.handle.click();
      return { clicked: true };
    },
    '/webview-hover': async (q) => {
      const hit = await findFrame(q.get('selector'));
      if (!hit) return { hovered: false };
      await hit.handle.hover();
      return { hovered: true };
    },
    '/webview-press': async (q) => {
      // Focuses the element, then types keys through the real keyboard.
      const hit = await findFrame(q.get('selector'));
      if (!hit) return { pressed: false };
      await hit.handle.focus();
      for (const key of (q.get('keys') || '').split(',').filter(Boolean)) await page.keyboard.press(key);
      return { pressed: true };
    },
    '/workbench-press': async (q) => {
      // Focuses an element of the workbench page (a quick input's box), then types keys through the real keyboard.
      const handle = await page.mainFrame().$(q.get('selector'));
      if (!handle) return { pressed: false };
      await handle.focus();
      for (const key of (q.get('keys') || '').split(',').filter(Boolean)) await page.keyboard.press(key);
      return { pressed: true };
    },
    '/workbench-eval': async (q) => {
      // Evaluates an expression in the workbench page itself (quick picks, notifications).
      return { value: await page.mainFrame().evaluate(q.get('expression')) };
    },
    '/mouse-move': async (q) => {
      await page.mouse.move(Number(q.get('x')), Number(q.get('y')));
      return { moved: true };
    },
  };
  const bridge = http.createServer(async (request, res) => {
    const u = new URL(request.url, 'http://127.0.0.1');
    try {
      const handler = routes[u.pathname];
      if (!handler || !page) throw Object.assign(new Error(`no route ${u.pathname}`), { status: 404 });
      const body = JSON.stringify(await handler(u.searchParams));
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } catch (e) {
      res.writeHead(e.status || 500).end(String(e && e.stack));
    }
  });
  await new Promise((r) => bridge.listen(0, '127.0.0.1', r));
  const bridgeUrl = `http://127.0.0.1:${bridge.address().port}/`;

  let server;
  let browser;
  let exitCode = 1;
  const timings = {};
  try {
    const tCs = Date.now();
    server = await startCodeServer({
      toolsDir: opts.toolsDir,
      logFile: path.join(artifactsDir, 'code-server.log'),
      // Workspace trust is off, except for the untrusted suite: trust on, the folder never trusted, no prompt (Restricted Mode).
      args: [...(opts.untrusted ? [] : ['--disable-workspace-trust']), ...(opts.locale ? ['--locale', opts.locale] : [])],
      // A display language needs a language pack; the tests' own makes ko one (VS Code's strings stay English).
      extraExtensions: [...(opts.locale === 'ko' ? [path.join(__dirname, 'fixtures', 'ko-language-pack')] : []), ...(opts.installedExtensions || [])],
      settings: opts.untrusted
        ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never', 'security.workspace.trust.emptyWindow': false }
        : { 'security.workspace.trust.enabled': false },
      env: { ...(opts.env || {}), E2E_HARNESS_URL: bridgeUrl, E2E_RESULTS_FILE: resultsFile },
    });
    timings.codeServerStartMs = Date.now() - tCs;
    log(`code-server on ${server.authority} after ${timings.codeServerStartMs} ms`);
    const { chromium } = server.req('playwright-core');
    browser = await chromium.launch({
      executablePath: opts.chromiumPath,
      headless: true,
      env: { ...process.env, ...server.isolatedHome },
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions', '--disable-dev-shm-usage',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    let resolveDone;
    const done = new Promise((resolve) => (resolveDone = resolve));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const fn = console[type] || console.log;
      fn(`[vscode] ${util.format(...(Array.isArray(args) ? args : [args]))}`);
    });
    await page.exposeFunction('codeAutomationExit', async (code, logs) => {
      try {
        for (const l of logs || []) {
          const f = path.join(artifactsDir, 'workbench-logs', l.relativePath);
          fs.mkdirSync(path.dirname(f), { recursive: true });
          fs.writeFileSync(f, l.contents);
        }
      } catch (e) {
        log(`could not save workbench logs: ${e.message}`);
      }
      resolveDone(code);
    });
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    page.on('crash', () => log('page crashed'));
    if (process.env.E2E_BROWSER_CONSOLE) page.on('console', (m) => console.log(`[browser:${m.type()}] ${m.text()}`));

    const payload = [
      ['extensionDevelopmentPath', remoteUri(server.authority, opts.extensionDevelopmentPath)],
      ['extensionTestsPath', remoteUri(server.authority, opts.extensionTestsPath)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    const url = `http://${server.authority}/?folder=${encodeURIComponent(path.resolve(opts.workspacePath))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const tRun = Date.now();
    await page.goto(url);
    let timer;
    const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([done, timeout, server.exitPromise.then(() => 'code-server died')]);
    clearTimeout(timer);
    timings.testRunMs = Date.now() - tRun;
    if (typeof outcome === 'number') {
      exitCode = outcome;
      log(`extension tests finished, exit code ${outcome}`);
    } else {
      log(`ERROR: ${outcome}`);
      await page.screenshot({ path: path.join(artifactsDir, 'timeout.png') }).catch(() => undefined);
      exitCode = 1;
    }
    // A run that never reported results cannot pass.
    let results = null;
    try {
      results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    } catch {
      /* missing */
    }
    if (!results) {
      log('ERROR: no results file; the test runner never completed');
      exitCode = exitCode || 1;
    } else if (results.failures > 0 || results.error) {
      exitCode = exitCode || 1;
    } else if (!(results.passes > 0)) {
      log('ERROR: no test passed (none ran?)');
      exitCode = 1;
    }
  } catch (e) {
    log(`ERROR: ${e && e.stack}`);
    exitCode = 1;
  } finally {
    if (browser) await browser.close().catch(() => undefined);
    bridge.close();
    if (server) {
      const { userDataDir } = await server.stop();
      try {
        fs.cpSync(path.join(userDataDir, 'logs'), path.join(artifactsDir, 'server-logs'), { recursive: true });
      } catch {
        /* no logs */
      }
      server.cleanup();
    }
  }
  timings.totalMs = Date.now() - t0;
  fs.writeFileSync(path.join(artifactsDir, 'timings.json'), JSON.stringify(timings, null, 2));
  log(`timings: ${JSON.stringify(timings)}`);
  return exitCode;
}

module.exports = { runTestsInCodeServer };
