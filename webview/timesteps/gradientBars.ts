/**
 * The vanishing-gradient probe as bars, one per step on the same time axis as
 * the heatmaps: ‖∂(Σ h_T)/∂h_t‖ on a log scale. Bars that fall away to the left
 * are the steps whose influence on the last state has vanished.
 */
import type { Palette } from '../shared/colors';

export class GradientBars {
  readonly canvas: HTMLCanvasElement;
  private cellW = 8;
  private readonly height = 48;
  readonly logMin: number;
  readonly logMax: number;

  constructor(readonly norms: Float32Array) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'gradient-bars';
    const logs = Array.from(norms, (v) => Math.log10(Math.max(v, 1e-12)));
    this.logMax = Math.max(...logs);
    this.logMin = Math.min(this.logMax - 1, Math.min(...logs));
  }

  /** Uses the heatmaps' column width so the steps line up. */
  layout(cellWidth: number): void {
    this.cellW = cellWidth;
    const dpr = window.devicePixelRatio || 1;
    const w = cellWidth * this.norms.length;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(this.height * dpr);
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${this.height}px`;
  }

  paint(step: number, palette: Palette): void {
    const ctx = this.canvas.getContext('2d')!;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.cellW * this.norms.length, this.height);
    const span = this.logMax - this.logMin || 1;
    this.norms.forEach((v, t) => {
      const frac = (Math.log10(Math.max(v, 1e-12)) - this.logMin) / span;
      const h = Math.max(1, frac * (this.height - 2));
      ctx.fillStyle = t === step ? palette.highlight : palette.foreground;
      ctx.globalAlpha = t === step ? 1 : 0.55;
      ctx.fillRect(t * this.cellW + 1, this.height - h, Math.max(1, this.cellW - 2), h);
    });
    ctx.globalAlpha = 1;
  }

  stepAt(x: number): number | undefined {
    const t = Math.floor(x / this.cellW);
    return t >= 0 && t < this.norms.length ? t : undefined;
  }
}
