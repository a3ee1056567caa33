/**
 * Colours from the VS Code theme (light, dark, high contrast), as RGB triples
 * for canvas drawing, and the two scales the heatmaps use.
 */

export type Rgb = [number, number, number];

let probe: CanvasRenderingContext2D | null = null;

/** Any CSS colour string → RGB, by letting a canvas parse it. */
export function parseColor(css: string, fallback: Rgb): Rgb {
  if (!css.trim()) return fallback;
  probe ??= document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  if (!probe) return fallback;
  probe.clearRect(0, 0, 1, 1);
  probe.fillStyle = '#000';
  probe.fillStyle = css.trim();
  probe.fillRect(0, 0, 1, 1);
  const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
  return [r, g, b];
}

export function themeColor(variable: string, fallback: Rgb): Rgb {
  return parseColor(getComputedStyle(document.body).getPropertyValue(variable), fallback);
}

export interface Palette {
  background: Rgb;
  negative: Rgb;
  positive: Rgb;
  gate: Rgb;
  highlight: string;
  foreground: string;
  kind: 'light' | 'dark' | 'high-contrast';
}

export function readPalette(): Palette {
  const cls = document.body.classList;
  const kind = cls.contains('vscode-high-contrast') || cls.contains('vscode-high-contrast-light') ? 'high-contrast' : cls.contains('vscode-light') ? 'light' : 'dark';
  const style = getComputedStyle(document.body);
  return {
    background: themeColor('--vscode-editor-background', kind === 'light' ? [255, 255, 255] : [30, 30, 30]),
    negative: themeColor('--vscode-charts-blue', [55, 148, 255]),
    positive: themeColor('--vscode-charts-red', [241, 76, 76]),
    gate: themeColor('--vscode-charts-green', [137, 209, 133]),
    highlight: style.getPropertyValue('--vscode-focusBorder').trim() || '#007fd4',
    foreground: style.getPropertyValue('--vscode-foreground').trim() || '#cccccc',
    kind,
  };
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Diverging scale for values in [-1, 1]: negative → background → positive. */
export function signedColor(p: Palette, v: number): Rgb {
  const t = Math.max(-1, Math.min(1, v));
  return t < 0 ? mix(p.background, p.negative, -t) : mix(p.background, p.positive, t);
}

/** Sequential scale for gate activations in [0, 1]: background → gate colour. */
export function unitColor(p: Palette, v: number): Rgb {
  return mix(p.background, p.gate, Math.max(0, Math.min(1, v)));
}
