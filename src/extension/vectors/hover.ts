/**
 * Word similarity on hover: over a word in prose (plain text and Markdown by
 * default), its nearest words in the vectors in use (the embedded WordNet
 * vectors, or the workspace's own) and its embedding, drawn as a strip of
 * blocks. The engine answers in the worker; the hover waits at most 2 s (the
 * engine may be busy training) and then shows nothing rather than hold the editor.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { SeqLensContext } from '../context';
import { WORD_PATTERN, type WordVectorsService } from './vectorsService';

const BLOCKS = ' ▁▂▃▄▅▆▇█';
const HOVER_TIMEOUT_MS = 2000;

/** An embedding as a strip of block characters (|v| scaled to the largest component). */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(1e-12, ...values.map(Math.abs));
  return values.map((v) => BLOCKS[Math.round((Math.abs(v) / max) * (BLOCKS.length - 1))]).join('');
}

export class SimilarityHover implements vscode.HoverProvider {
  constructor(
    private readonly ctx: SeqLensContext,
    private readonly vectors: WordVectorsService,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const config = vscode.workspace.getConfiguration('seqlens.hover');
    if (!config.get<boolean>('enabled', true)) return undefined;
    const range = document.getWordRangeAtPosition(position, WORD_PATTERN);
    if (!range) return undefined;
    const word = document.getText(range);
    if (word.length < 2 || word.length > 40) return undefined;
    try {
      // The engine answers one request at a time: behind a long job (training) the hover gives up after 2 s.
      const cts = new vscode.CancellationTokenSource();
      const sub = token.onCancellationRequested(() => cts.cancel());
      const timer = setTimeout(() => cts.cancel(), HOVER_TIMEOUT_MS);
      let r;
      try {
        r = await this.ctx.engine.request('vectors/neighbors', { vectors: this.vectors.active, word, k: config.get<number>('neighbors', 8), withVector: true }, { token: cts.token });
      } finally {
        clearTimeout(timer);
        sub.dispose();
        cts.dispose();
      }
      if (!r.known || token.isCancellationRequested) return undefined;
      const source = r.vectors === 'default' ? 'WordNet vectors' : path.basename(r.vectors);
      const md = new vscode.MarkdownString();
      md.appendMarkdown(`**${escape(r.word)}** — nearest in ${escape(source)} (cosine)\n\n`);
      md.appendMarkdown(r.neighbors.map((n) => `${escape(n.word)} ${n.similarity.toFixed(2)}`).join(' · ') + '\n\n');
      if (r.vector) {
        md.appendMarkdown(`embedding, ${r.vector.length} dimensions (|value|):\n\n`);
        md.appendCodeblock(sparkline(r.vector), 'text');
      }
      // The whole vocabulary as a map, this word selected on it.
      md.appendMarkdown(`[Show in projector](command:seqlens.showProjector?${encodeURIComponent(JSON.stringify([{ word: r.word }]))} "The embedding projector, with this word and its neighbours lit")`);
      md.isTrusted = { enabledCommands: ['seqlens.showProjector'] };
      return new vscode.Hover(md, range);
    } catch (e) {
      this.ctx.log.warn(`hover: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
