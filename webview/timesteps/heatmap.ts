/**
 * One state (h, c, a gate) as a heatmap of units × time. The cells are drawn
 * once per trace and theme into an offscreen canvas; moving the step only
 * blits that image and draws the highlight, so a repaint costs one drawImage.
 */
import { Palette, Rgb, signedColor, unitColor } from '../shared/colors';

export interface HeatmapSpec {
  label: string;
  /** [time * units], row-major by time. */
  data: Float32Array;
  steps: number;
  units: number;
  range: 'signed' | 'unit';
}

const MAX_CELL_W = 28;
const MIN_CELL_W = 3;

export class Heatmap {
  readonly canvas: HTMLCanvasElement;
  private base: HTMLCanvasElement | undefined;
  private cellW = 8;
  private cellH = 3;
  /** Largest |value|, the end of the signed scale (1 for tanh-bounded states). */
  readonly scale: number;

  constructor(readonly spec: HeatmapSpec) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'heatmap';
    let maxAbs = 0;
    for (let i = 0; i < spec.data.length; i++) maxAbs = Math.max(maxAbs, Math.abs(spec.data[i]));
    this.scale = spec.range === 'unit' ? 1 : Math.max(1, maxAbs);
  }

  /** Lays out for a width in CSS pixels and redraws the cached cells. */
  layout(width: number, palette: Palette): void {
    const { steps, units, data } = this.spec;
    this.cellW = Math.max(MIN_CELL_W, Math.min(MAX_CELL_W, Math.floor(width / steps)));
    this.cellH = units <= 16 ? 6 : units <= 48 ? 4 : units <= 128 ? 2 : 1;
    const w = this.cellW * steps;
    const h = this.cellH * units;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(h * dpr);
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    // Cells at one pixel per value, scaled up without smoothing when blitted.
    const base = document.createElement('canvas');
    base.width = steps;
    base.height = units;
    const ctx = base.getContext('2d')!;
    const img = ctx.createImageData(steps, units);
    const color = (v: number): Rgb => (this.spec.range === 'unit' ? unitColor(palette, v) : signedColor(palette, v / this.scale));
    for (let t = 0; t < steps; t++) {
      for (let u = 0; u < units; u++) {
        const [r, g, b] = color(data[t * units + u]);
        const o = (u * steps + t) * 4;
        img.data[o] = r;
        img.data[o + 1] = g;
        img.data[o + 2] = b;
        img.data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    this.base = base;
  }

  paint(step: number, palette: Palette): void {
    const ctx = this.canvas.getContext('2d')!;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.imageSmoothingEnabled = false;
    const w = this.cellW * this.spec.steps;
    const h = this.cellH * this.spec.units;
    if (this.base) ctx.drawImage(this.base, 0, 0, w, h);
    ctx.strokeStyle = palette.highlight;
    ctx.lineWidth = 2;
    ctx.strokeRect(step * this.cellW + 1, 1, Math.max(1, this.cellW - 2), h - 2);
  }

  /** The (step, unit) under a point in CSS pixels, or undefined outside. */
  cellAt(x: number, y: number): { step: number; unit: number } | undefined {
    const step = Math.floor(x / this.cellW);
    const unit = Math.floor(y / this.cellH);
    if (step < 0 || unit < 0 || step >= this.spec.steps || unit >= this.spec.units) return undefined;
    return { step, unit };
  }

  /** Width of one step's column in CSS pixels. */
  get columnWidth(): number {
    return this.cellW;
  }

  value(step: number, unit: number): number {
    return this.spec.data[step * this.spec.units + unit];
  }
}
