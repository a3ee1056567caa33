/**
 * Downloads against a local HTTP server on 127.0.0.1 (tests have no internet):
 * redirects, the size limit (declared and streamed), HTTP errors, a connection
 * that ends early, cancellation; and the zip reader on archives written here
 * (stored and deflate entries, a wrong CRC, a zip bomb's declared size, not a zip).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as http from 'http';
import { after, before, test } from 'node:test';
import * as os from 'os';
import * as path from 'path';
import { tatoebaArchiveUrl } from '../../src/core/data/corpora';
import { crc32, download, DownloadError, unzipEntry, zipEntries } from '../../src/core/data/download';
import { makeZip } from './zipWriter';

let server: http.Server;
let base = '';
const BODY = Buffer.from('Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250 (Wittydev)\n'.repeat(1000));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlens-download-'));

before(async () => {
  server = http.createServer((req, res) => {
    switch (req.url) {
      case '/ok':
        res.writeHead(200, { 'content-length': BODY.length });
        return res.end(BODY);
      case '/redirect':
        res.writeHead(302, { location: '/ok' });
        return res.end();
      case '/loop':
        res.writeHead(301, { location: '/loop' });
        return res.end();
      case '/big':
        res.writeHead(200, { 'content-length': 50 * 1048576 });
        return res.end();
      case '/stream': {
        res.writeHead(200); // no length: chunked, and more than the limit
        let n = 0;
        const t = setInterval(() => {
          if (n++ > 200 || res.destroyed) {
            clearInterval(t);
            res.end();
          } else res.write(Buffer.alloc(64 * 1024, 65));
        }, 1);
        return;
      }
      case '/short':
        res.writeHead(200, { 'content-length': 1000 });
        res.write(Buffer.alloc(100, 66));
        return setTimeout(() => res.destroy(), 20);
      case '/slow':
        res.writeHead(200, { 'content-length': 1000 });
        res.write(Buffer.alloc(10, 67));
        return; // never ends
      default:
        res.writeHead(404, 'Not Found');
        return res.end('no');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => server.close());

test('downloads, follows redirects, reports progress, and writes atomically', async () => {
  const dest = path.join(tmp, 'a.txt');
  const seen: number[] = [];
  const n = await download(`${base}/redirect`, dest, { maxBytes: 1048576, onProgress: (r) => seen.push(r) });
  assert.equal(n, BODY.length);
  assert.deepEqual(fs.readFileSync(dest), BODY);
  assert.ok(seen.length > 0 && seen[seen.length - 1] === BODY.length);
  assert.ok(!fs.existsSync(`${dest}.part`));
});

test('refuses over the size limit (declared or streamed), HTTP errors, early ends, redirect loops and other schemes, leaving no file', async () => {
  const cases: Array<[string, RegExp]> = [
    [`${base}/big`, /is 50 MB, over the 1\.0 MB limit/],
    [`${base}/stream`, /sent more than the 1\.0 MB limit/],
    [`${base}/missing`, /HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/missing/],
    [`${base}/short`, /closed the connection after 100 bytes|ended after 100 of 1000 bytes/],
    [`${base}/loop`, /too many redirects/],
    ['ftp://example.org/x.zip', /only http and https URLs/],
    ['http://127.0.0.1:1/x', /could not reach 127\.0\.0\.1:1/],
  ];
  for (const [url, pattern] of cases) {
    const dest = path.join(tmp, 'x.bin');
    await assert.rejects(download(url, dest, { maxBytes: 1048576 }), (e: Error) => e instanceof DownloadError && pattern.test(e.message), url);
    assert.ok(!fs.existsSync(dest) && !fs.existsSync(`${dest}.part`), `${url}: nothing left behind`);
  }
});

test('a cancel stops a download that hangs, at once', async () => {
  const ac = new AbortController();
  const dest = path.join(tmp, 'slow.bin');
  const t0 = Date.now();
  setTimeout(() => ac.abort(), 100);
  await assert.rejects(download(`${base}/slow`, dest, { maxBytes: 1048576, signal: ac.signal }), /cancelled/);
  assert.ok(Date.now() - t0 < 1000);
  assert.ok(!fs.existsSync(`${dest}.part`));
});

test('zip: stored and deflate entries read back; wrong CRC, a bomb\'s declared size and non-zips refused', async () => {
  const text = Buffer.from('Hello\tBonjour\n'.repeat(500));
  const zip = makeZip([{ name: '_about.txt', data: Buffer.from('about') }, { name: 'fra.txt', data: text, deflate: true }]);
  const entries = zipEntries(zip, 'fra-eng.zip');
  assert.deepEqual(entries.map((e) => [e.name, e.method]), [['_about.txt', 0], ['fra.txt', 8]]);
  assert.deepEqual(await unzipEntry(zip, entries[1], 1048576), text);
  assert.deepEqual(await unzipEntry(zip, entries[0], 1048576), Buffer.from('about'));
  const bad = makeZip([{ name: 'fra.txt', data: text, deflate: true, badCrc: true }]);
  await assert.rejects(unzipEntry(bad, zipEntries(bad)[0], 1048576, 'bad.zip'), /bad\.zip: fra\.txt is damaged/);
  const bomb = makeZip([{ name: 'fra.txt', data: Buffer.alloc(4 * 1048576), deflate: true }]);
  await assert.rejects(unzipEntry(bomb, zipEntries(bomb)[0], 1048576, 'bomb.zip'), /unpacks to 4\.0 MB, over the 1\.0 MB limit/);
  const liar = makeZip([{ name: 'fra.txt', data: Buffer.alloc(4 * 1048576), deflate: true, lieAboutSize: 10 }]);
  await assert.rejects(unzipEntry(liar, zipEntries(liar)[0], 1048576, 'liar.zip'), /cannot be unpacked|damaged/);
  assert.throws(() => zipEntries(Buffer.from('not a zip at all, just text'), 'x.zip'), /x\.zip is not a zip archive/);
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926, 'the CRC-32 check value');
  assert.equal(tatoebaArchiveUrl('http://127.0.0.1:9/anki', 'fra'), 'http://127.0.0.1:9/anki/fra-eng.zip');
  assert.throws(() => tatoebaArchiveUrl('http://x/', '../etc'), /not a language code/);
});
