// `npm start`: VS Code with SeqLens on the demo workspace, on its embedded defaults.
// - The desktop `code` on PATH: an Extension Development Host on demo/.
// - Otherwise the offline code-server (VS Code 1.100.3 in the browser) on 127.0.0.1,
//   with SeqLens installed from this checkout; it prints the address to open.
// SEQLENS_PORT sets code-server's port (default 8734, or a free one if taken).
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { createRequire } from 'module';
import { fileURLToPath } from 'url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demo = path.join(root, 'demo');
const require = createRequire(import.meta.url);

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const hasCode = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).status === 0 && !process.env.SEQLENS_USE_CODE_SERVER;
if (hasCode) {
  console.log('Starting VS Code with SeqLens (Extension Development Host) on demo/ ...');
  const child = spawn('code', ['--extensionDevelopmentPath', root, demo], { stdio: 'inherit', detached: true });
  child.unref();
  process.exit(0);
}

const tools = spawnSync('bash', ['scripts/e2e-tools.sh'], { cwd: root, stdio: 'inherit' });
if (tools.status !== 0) {
  console.error('Could not set up the offline VS Code (code-server); see above.');
  process.exit(1);
}
const { startCodeServer } = require('../test/codeServer.js');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const extensionsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-start-ext-'));
// The extension is this checkout, linked in as an installed extension.
fs.symlinkSync(root, path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`), 'dir');

const portFree = (port) =>
  new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
const wanted = Number(process.env.SEQLENS_PORT || 8734);
const port = (await portFree(wanted)) ? wanted : undefined;
const logFile = path.join(os.tmpdir(), `seqlens-code-server-${process.pid}.log`);
const server = await startCodeServer({
  toolsDir: path.join(root, 'test', 'e2e-tools'),
  port,
  extensionsDir,
  logFile,
  // The demo folder is this checkout's own: no trust prompt in front of it.
  args: ['--disable-workspace-trust'],
  settings: { 'workbench.startupEditor': 'readme' },
});
const url = `http://${server.authority}/?folder=${encodeURIComponent(demo)}`;
console.log(`\nSeqLens is running in VS Code (code-server ${require('../test/e2e-tools/node_modules/code-server/package.json').version}).`);
console.log(`Open: ${url}`);
console.log(`Log: ${logFile}. Press Ctrl+C to stop.\n`);
const stop = async () => {
  await server.stop();
  server.cleanup();
  fs.rmSync(extensionsDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
await server.exitPromise;
console.log('code-server stopped.');
