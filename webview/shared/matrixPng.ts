/** A labelled matrix drawn to a PNG (a lens's Export PNG): row labels on the left, column labels slanted on top. */
import type { Palette, Rgb } from './colors';

export interface MatrixPng {
  rows: readonly string[];
  cols: readonly string[];
  /** The value of cell (i, j). */
  value(i: number, j: number): number;
  /** The colour of a value. */
  colour(v: number): Rgb;
  cell?: number;
  /** A line of text under the matrix (what it shows). */
  caption?: string;
}

export function matrixPng(palette: Palette, m: MatrixPng): string {
  const cell = m.cell ?? 22;
  const margin = 110;
  const c = document.createElement('canvas');
  c.width = margin + Math.max(1, m.cols.length) * cell + 20;
  c.height = margin + Math.max(1, m.rows.length) * cell + (m.caption ? 40 : 10);
  const ctx = c.getContext('2d')!;
  const [br, bg, bb] = palette.background;
  ctx.fillStyle = `rgb(${br}, ${bg}, ${bb})`;
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.font = '12px sans-serif';
  ctx.fillStyle = palette.foreground;
  ctx.textAlign = 'right';
  m.rows.forEach((q, i) => ctx.fillText(q, margin - 6, margin + i * cell + cell * 0.68));
  m.cols.forEach((k, j) => {
    ctx.save();
    ctx.translate(margin + j * cell + cell * 0.68, margin - 6);
    ctx.rotate(-Math.PI / 3);
    ctx.textAlign = 'left';
    ctx.fillText(k, 0, 0);
    ctx.restore();
  });
  for (let i = 0; i < m.rows.length; i++)
    for (let j = 0; j < m.cols.length; j++) {
      const [r, g, b] = m.colour(m.value(i, j));
      ctx.fillStyle = `rgb(${r | 0}, ${g | 0}, ${b | 0})`;
      ctx.fillRect(margin + j * cell, margin + i * cell, cell - 1, cell - 1);
    }
  if (m.caption) {
    ctx.fillStyle = palette.foreground;
    ctx.textAlign = 'left';
    ctx.fillText(m.caption, 8, c.height - 12);
  }
  return c.toDataURL('image/png');
}
