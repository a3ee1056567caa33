// Starts code-server (VS Code 1.100.3's server and web workbench, from the npm package)
// on 127.0.0.1 with its state in a private temporary folder. Used by the offline test
// runner and by `npm start`.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');
const { createRequire } = require('module');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, timeoutMs, isDead) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (isDead()) throw new Error('code-server exited during startup (see its log)');
    const ok = await new Promise((resolve) => {
      const req = http.get(url, (res) => {
        res.resume();
        resolve(res.statusCode < 500);
      });
      req.on('error', () => resolve(false));
      req.setTimeout(1000, () => {
        req.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${url}`);
}

function toolsRequire(toolsDir) {
  const pkg = path.join(path.resolve(toolsDir), 'package.json');
  const req = createRequire(pkg);
  try {
    req.resolve('code-server/out/node/entry.js');
  } catch {
    throw new Error(`code-server is not installed in ${toolsDir}; run scripts/e2e-tools.sh (npm test does it for you)`);
  }
  return req;
}

/**
 * @param {{toolsDir: string, env?: object, settings?: object, port?: number, logFile: string, extensionsDir?: string, extraExtensions?: string[]}} opts
 */
async function startCodeServer(opts) {
  const req = toolsRequire(opts.toolsDir);
  const entry = req.resolve('code-server/out/node/entry.js');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-vscode-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = opts.extensionsDir || path.join(tmp, 'extensions');
  const configFile = path.join(tmp, 'config.yaml');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  // Extensions installed beside the one under test (a folder each), registered as VS Code's own
  // installer would (extensions.json), so the server also reads their language packs.
  const installed = [];
  for (const dir of opts.extraExtensions || []) {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const id = `${manifest.publisher}.${manifest.name}`;
    const relativeLocation = `${id}-${manifest.version}`;
    const location = path.join(extensionsDir, relativeLocation);
    fs.cpSync(dir, location, { recursive: true });
    installed.push({ identifier: { id }, version: manifest.version, location: { $mid: 1, path: location, scheme: 'file' }, relativeLocation, metadata: { installedTimestamp: Date.now(), source: 'vsix' } });
  }
  if (installed.length) fs.writeFileSync(path.join(extensionsDir, 'extensions.json'), JSON.stringify(installed));
  // Their display languages, in the user data's languagepacks.json as VS Code's language-pack
  // service writes it on install (the server reads it at start-up to resolve --locale; without
  // it every locale resolves to English).
  const packs = {};
  for (const x of installed) {
    const manifest = JSON.parse(fs.readFileSync(path.join(x.location.path, 'package.json'), 'utf8'));
    for (const loc of manifest.contributes?.localizations ?? []) {
      const translations = Object.fromEntries((loc.translations ?? []).map((t) => [t.id, path.join(x.location.path, t.path)]));
      packs[loc.languageId] = {
        hash: require('crypto').createHash('md5').update(`${x.identifier.id}@${x.version}`).digest('hex'),
        extensions: [{ extensionIdentifier: { id: x.identifier.id }, version: x.version }],
        translations,
        label: loc.localizedLanguageName ?? loc.languageName ?? loc.languageId,
      };
    }
  }
  if (Object.keys(packs).length) fs.writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify(packs));
  fs.writeFileSync(configFile, 'auth: none\n');
  // Keep code-server, its extension host and Chromium out of ~/.config, ~/.cache and /tmp.
  const isolatedHome = {
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
    XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
    TMPDIR: path.join(tmp, 'tmp'),
  };
  for (const d of Object.values(isolatedHome)) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'extensions.ignoreRecommendations': true,
        'git.autoRepositoryDetection': false,
        'git.openRepositoryInParentFolders': 'never',
        ...(opts.settings || {}),
      },
      null,
      2,
    ),
  );
  const port = opts.port || (await freePort());
  const authority = `127.0.0.1:${port}`;
  const log = fs.createWriteStream(opts.logFile);
  const child = spawn(
    process.execPath,
    [
      entry,
      '--auth', 'none',
      '--bind-addr', authority,
      '--config', configFile,
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--disable-proxy',
      '--ignore-last-opened',
      ...(opts.args || []),
    ],
    {
      detached: true, // own process group: stopping it stops its extension hosts too
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { EXTENSIONS_GALLERY: '{}', ...process.env, ...isolatedHome, ...(opts.env || {}) },
    },
  );
  let exited = false;
  const exitPromise = new Promise((resolve) => child.once('exit', (code, sig) => {
    exited = true;
    resolve(code ?? sig);
  }));
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const stop = async () => {
    if (!exited) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 5000))]);
    }
    log.end();
    return { userDataDir, tmp };
  };
  const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
  process.on('exit', () => {
    if (!exited) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
  });
  await waitForHttp(`http://${authority}/healthz`, 60000, () => exited);
  return { authority, port, child, exitPromise, stop, cleanup, userDataDir, isolatedHome, req };
}

function remoteUri(authority, p) {
  return `vscode-remote://${authority}${encodeURI(path.resolve(p).split(path.sep).join('/'))}`;
}

module.exports = { startCodeServer, remoteUri, toolsRequire };
