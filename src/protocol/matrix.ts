/**
 * A dense row-major float matrix as it crosses a thread or webview boundary:
 * a Float32Array plus its shape, never nested JSON arrays (structured clone
 * copies it in one block; a webview receives it as a typed array too).
 */
export interface Matrix {
  data: Float32Array;
  shape: number[];
}

export function matrix(data: Float32Array, shape: number[]): Matrix {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) {
    throw new Error(`matrix: shape [${shape.join(', ')}] holds ${size} values, data has ${data.length}`);
  }
  return { data, shape };
}

/** Row `r` of a 2-D matrix, as a view (no copy). */
export function row(m: Matrix, r: number): Float32Array {
  const cols = m.shape[1];
  return m.data.subarray(r * cols, (r + 1) * cols);
}

/**
 * Data that went through JSON (for example an older VS Code webview bridge)
 * arrives as a plain object {0: x, 1: y, ...} or an array; turn it back into a
 * Float32Array.
 */
export function reviveMatrix(m: { data: unknown; shape: number[] }): Matrix {
  const d = m.data;
  if (d instanceof Float32Array) {
    return { data: d, shape: m.shape };
  }
  if (Array.isArray(d)) {
    return { data: Float32Array.from(d as number[]), shape: m.shape };
  }
  if (d && typeof d === 'object') {
    const size = m.shape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(size);
    const obj = d as Record<string, number>;
    for (let i = 0; i < size; i++) out[i] = obj[i];
    return { data: out, shape: m.shape };
  }
  throw new Error('reviveMatrix: no data');
}
