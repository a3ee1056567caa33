/**
 * SeqLens: Download Sentence Pairs…: a Tatoeba corpus (English and a language
 * the user picks) over HTTP, with the licence shown before anything is
 * fetched, progress, cancel and a size limit; unpacked, checked as sentence
 * pairs, and saved as a TSV in the workspace (corpora/) or a folder the user picks.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { TATOEBA_DEFAULT_URL, TATOEBA_LANGUAGES, TATOEBA_LICENCE, tatoebaArchiveUrl } from '../../core/data/corpora';
import { download, DownloadError, unzipEntry, zipEntries } from '../../core/data/download';
import { parsePairs } from '../../core/data/pairs';
import { decodeText } from '../../core/data/textFile';
import type { SeqLensContext } from '../context';

/** Largest unpacked corpus (a zip may claim or inflate to more): 256 MB. */
const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

export interface DownloadRequest {
  /** ISO 639-3 code of the language paired with English (e.g. "fra"); asked when absent. */
  language?: string;
  /** Folder to save into; default: the first workspace folder's corpora/, or asked. */
  folder?: string;
  /** Skip the licence dialog (the licence is still written to the log and the message). */
  acceptLicence?: boolean;
}

export async function downloadCorpus(ctx: SeqLensContext, request: DownloadRequest = {}): Promise<{ file: string; pairs: number } | undefined> {
  let code = request.language;
  if (!code) {
    const pick = await vscode.window.showQuickPick(
      TATOEBA_LANGUAGES.map((l) => ({ label: `English ↔ ${l.name}`, description: `${l.code}-eng, Tatoeba`, code: l.code })),
      { title: 'Download sentence pairs (Tatoeba, CC-BY 2.0 FR)', placeHolder: 'Language paired with English' },
    );
    code = pick?.code;
  }
  if (!code) return undefined;
  const language = TATOEBA_LANGUAGES.find((l) => l.code === code);
  if (!language) throw new Error(`no Tatoeba corpus for "${code}"; choose one of ${TATOEBA_LANGUAGES.map((l) => l.code).join(', ')}`);
  ctx.log.info(`corpus licence: ${TATOEBA_LICENCE}`);
  if (!request.acceptLicence) {
    const ok = 'Download';
    const answer = await vscode.window.showInformationMessage(`Download English ↔ ${language.name} sentence pairs from Tatoeba?`, { modal: true, detail: TATOEBA_LICENCE }, ok);
    if (answer !== ok) return undefined;
  }
  let folder = request.folder;
  if (!folder) {
    const ws = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    if (ws) folder = path.join(ws.uri.fsPath, 'corpora');
    else folder = (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Save Here', title: 'Folder for the sentence pairs' }))?.[0]?.fsPath;
  }
  if (!folder) return undefined;
  const settings = vscode.workspace.getConfiguration('seqlens.corpora');
  const base = settings.get<string>('tatoebaUrl', TATOEBA_DEFAULT_URL) || TATOEBA_DEFAULT_URL;
  const maxBytes = Math.max(1, settings.get<number>('maxDownloadMB', 200)) * 1048576;
  const url = tatoebaArchiveUrl(base, code);
  const target = path.join(folder, `${code}-eng.tsv`);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `SeqLens: downloading English ↔ ${language.name} sentence pairs`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      const scratch = vscode.Uri.joinPath(ctx.extension.globalStorageUri, 'downloads').fsPath;
      fs.mkdirSync(scratch, { recursive: true });
      // A name of its own: two downloads at once must not share (or delete) each other's file.
      const zipFile = path.join(scratch, `${code}-eng-${process.pid}-${Date.now().toString(36)}.zip`);
      let last = 0;
      try {
        ctx.log.info(`download: ${url} (limit ${maxBytes / 1048576} MB)`);
        await download(url, zipFile, {
          maxBytes,
          signal: abort.signal,
          onProgress: (received, total) => {
            const pct = total ? Math.floor((100 * received) / total) : 0;
            progress.report({ message: `${(received / 1048576).toFixed(1)} MB${total ? ` of ${(total / 1048576).toFixed(1)} MB` : ''}`, increment: Math.max(0, pct - last) });
            last = Math.max(last, pct);
          },
        });
        progress.report({ message: 'unpacking…' });
        const zip = await fs.promises.readFile(zipFile);
        const entries = zipEntries(zip, path.basename(url));
        const entry = entries.find((e) => e.name === `${code}.txt`) ?? entries.find((e) => e.name.endsWith('.txt') && !e.name.startsWith('_'));
        if (!entry) throw new DownloadError(`${path.basename(url)} holds no sentence file (${entries.map((e) => e.name).join(', ')})`);
        // A fixed cap, whatever the download limit: the text must fit in one string in this process.
        const bytes = await unzipEntry(zip, entry, MAX_UNPACKED_BYTES, path.basename(url));
        const text = decodeText(bytes, entry.name).text;
        const pairs = parsePairs(text, entry.name); // refuses a file that is not source<TAB>target lines
        if (token.isCancellationRequested) throw new DownloadError('cancelled');
        fs.mkdirSync(folder!, { recursive: true });
        const tmp = `${target}.tmp-${process.pid}`;
        try {
          await fs.promises.writeFile(tmp, text);
          await fs.promises.rename(tmp, target);
        } catch (e) {
          fs.rmSync(tmp, { force: true });
          throw e;
        }
        ctx.info(`saved ${pairs.length.toLocaleString('en')} English ↔ ${language.name} sentence pairs to ${target}. Licence: CC-BY 2.0 FR (Tatoeba); the third column credits the authors.`);
        return { file: target, pairs: pairs.length };
      } catch (e) {
        if (e instanceof DownloadError && e.message === 'cancelled') {
          ctx.info('the download was cancelled; nothing was saved.');
          return undefined;
        }
        throw e;
      } finally {
        sub.dispose();
        fs.rmSync(zipFile, { force: true });
      }
    },
  );
}
