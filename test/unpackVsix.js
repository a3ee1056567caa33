// Unpacks a .vsix (a zip) the way VS Code's installer does: its extension/ folder becomes the
// installed extension's folder. Stored and deflated entries (what vsce writes); no dependencies.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

function unpackVsix(file, dest) {
  const zip = fs.readFileSync(file);
  // The end of central directory record: its signature within the last 64 KiB.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file}: not a zip archive`);
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  let written = 0;
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: a damaged central directory`);
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (!name.startsWith('extension/') || name.endsWith('/')) continue;
    const target = path.join(dest, name.slice('extension/'.length));
    if (!target.startsWith(path.resolve(dest) + path.sep)) throw new Error(`${file}: an entry outside the extension: ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressed);
    const data = method === 0 ? raw : method === 8 ? zlib.inflateRawSync(raw) : null;
    if (!data) throw new Error(`${file}: ${name} uses compression method ${method}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
    written++;
  }
  if (!fs.existsSync(path.join(dest, 'package.json'))) throw new Error(`${file}: no extension/package.json inside`);
  return written;
}

module.exports = { unpackVsix };
