/**
 * Downloading a public corpus: plain Node http/https with redirects, a size
 * limit (refused from Content-Length before reading, and enforced while
 * reading), progress, cancellation through an AbortSignal, and an atomic
 * write (a .part file renamed into place; nothing is left behind on failure).
 * Zip archives are read by a small reader (stored and deflate entries, CRC-32
 * checked, the declared size limited before inflating).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as zlib from 'zlib';

export class DownloadError extends Error {
  override readonly name = 'DownloadError';
}

export interface DownloadOptions {
  maxBytes: number;
  onProgress?: (received: number, total: number | undefined) => void;
  signal?: AbortSignal;
  maxRedirects?: number;
  /** No byte for this long fails the download (default 30 s). */
  idleTimeoutMs?: number;
}

function mb(n: number): string {
  return `${(n / 1048576).toFixed(n < 10 * 1048576 ? 1 : 0)} MB`;
}

/** Downloads `url` into `dest`. Resolves to the number of bytes written. */
export function download(url: string, dest: string, o: DownloadOptions): Promise<number> {
  const part = `${dest}.part`;
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, n = 0) => {
      if (settled) return;
      settled = true;
      o.signal?.removeEventListener('abort', onAbort);
      if (err) {
        // The write stream opens its file asynchronously: fail once it is closed and its part removed.
        const cleanUp = () => {
          fs.rmSync(part, { force: true });
          reject(err);
        };
        if (out && !out.closed) {
          out.once('close', cleanUp);
          out.destroy();
        } else cleanUp();
      } else {
        try {
          fs.renameSync(part, dest);
          resolve(n);
        } catch (e) {
          fs.rmSync(part, { force: true });
          reject(new DownloadError(`could not save ${dest}: ${(e as Error).message}`));
        }
      }
    };
    let current: http.ClientRequest | undefined;
    let out: fs.WriteStream | undefined;
    const onAbort = () => {
      current?.destroy();
      finish(new DownloadError('cancelled'));
    };
    if (o.signal?.aborted) return finish(new DownloadError('cancelled'));
    o.signal?.addEventListener('abort', onAbort);

    const get = (target: string, redirectsLeft: number) => {
      let u: URL;
      try {
        u = new URL(target);
      } catch {
        return finish(new DownloadError(`not a valid URL: ${target}`));
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return finish(new DownloadError(`only http and https URLs are downloaded (got ${u.protocol})`));
      const req = (u.protocol === 'https:' ? https : http).get(u, { headers: { 'user-agent': 'SeqLens (VS Code extension)' } }, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          if (redirectsLeft <= 0) return finish(new DownloadError(`too many redirects from ${url}`));
          return get(new URL(res.headers.location, u).toString(), redirectsLeft - 1);
        }
        if (status < 200 || status >= 300) {
          res.resume();
          return finish(new DownloadError(`HTTP ${status} ${res.statusMessage ?? ''} from ${u.toString()}`.trim()));
        }
        const lengthHeader = Number(res.headers['content-length']);
        const total = Number.isFinite(lengthHeader) && lengthHeader >= 0 ? lengthHeader : undefined;
        if (total !== undefined && total > o.maxBytes) {
          finish(new DownloadError(`${u.toString()} is ${mb(total)}, over the ${mb(o.maxBytes)} limit`));
          res.destroy();
          return;
        }
        const file = fs.createWriteStream(part);
        out = file;
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > o.maxBytes) {
            finish(new DownloadError(`${u.toString()} sent more than the ${mb(o.maxBytes)} limit`)); // first: destroying emits 'aborted'
            res.destroy();
            return;
          }
          o.onProgress?.(received, total);
        });
        res.on('error', (e) => finish(new DownloadError(`download of ${u.toString()} failed: ${e.message}`)));
        res.on('aborted', () => finish(new DownloadError(`the server closed the connection after ${received} bytes`)));
        res.pipe(file);
        file.on('error', (e) => finish(new DownloadError(`could not write ${part}: ${e.message}`)));
        file.on('finish', () => {
          if (total !== undefined && received !== total) finish(new DownloadError(`the download ended after ${received} of ${total} bytes`));
          else finish(undefined, received);
        });
      });
      current = req;
      req.setTimeout(o.idleTimeoutMs ?? 30_000, () => {
        req.destroy();
        finish(new DownloadError(`no answer from ${u.host} for ${Math.round((o.idleTimeoutMs ?? 30_000) / 1000)} s`));
      });
      req.on('error', (e) => finish(new DownloadError(`could not reach ${u.host}: ${e.message}`)));
    };
    get(url, o.maxRedirects ?? 5);
  });
}

// ---- zip ------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  offset: number;
}

/** The entries of a zip archive (its central directory). */
export function zipEntries(zip: Buffer, name = 'the archive'): ZipEntry[] {
  // The end-of-central-directory record is in the last 22 + 65535 bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new DownloadError(`${name} is not a zip archive`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw new DownloadError(`${name}: damaged zip directory`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    entries.push({
      method: zip.readUInt16LE(at + 10),
      crc: zip.readUInt32LE(at + 16),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      offset: zip.readUInt32LE(at + 42),
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

/** One entry's bytes (stored or deflate), refusing more than maxBytes and a wrong CRC-32. */
export async function unzipEntry(zip: Buffer, entry: ZipEntry, maxBytes: number, name = 'the archive'): Promise<Buffer> {
  if (entry.size > maxBytes) throw new DownloadError(`${name}: ${entry.name} unpacks to ${mb(entry.size)}, over the ${mb(maxBytes)} limit`);
  const h = entry.offset;
  if (h + 30 > zip.length || zip.readUInt32LE(h) !== 0x04034b50) throw new DownloadError(`${name}: damaged entry ${entry.name}`);
  const start = h + 30 + zip.readUInt16LE(h + 26) + zip.readUInt16LE(h + 28);
  if (start + entry.compressedSize > zip.length) throw new DownloadError(`${name}: ${entry.name} is cut short`);
  const raw = zip.subarray(start, start + entry.compressedSize);
  let data: Buffer;
  if (entry.method === 0) data = Buffer.from(raw);
  else if (entry.method === 8) {
    data = await new Promise<Buffer>((resolve, reject) =>
      zlib.inflateRaw(raw, { maxOutputLength: Math.max(1, entry.size) }, (e, out) => (e ? reject(new DownloadError(`${name}: ${entry.name} cannot be unpacked (${e.message})`)) : resolve(out))),
    );
  } else throw new DownloadError(`${name}: ${entry.name} uses compression method ${entry.method}; stored and deflate are read`);
  if (data.length !== entry.size || crc32(data) !== entry.crc) throw new DownloadError(`${name}: ${entry.name} is damaged (size or CRC-32 does not match)`);
  return data;
}
