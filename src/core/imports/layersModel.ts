/**
 * Imports a TensorFlow.js LayersModel (model.json + its weight files, as
 * `model.save('file://…')` or tensorflowjs_converter write them) and runs it
 * step by step for the timestep view and `seqlens trace`.
 *
 * Supported layers, in a chain (Sequential, or a functional model whose layers
 * each take the previous one's output): InputLayer, Embedding, SimpleRNN, LSTM,
 * GRU, Bidirectional (of those three), Dense, Dropout, Masking, Flatten-free
 * heads. Each layer's own settings are honoured: activation and
 * recurrent_activation (tfjs's LSTM/GRU default to hard_sigmoid, Keras's to
 * sigmoid; whatever the file says is used), use_bias, GRU reset_after (tfjs's
 * default false, Keras 2's true), return_sequences, go_backwards, and a
 * Bidirectional merge_mode. Dropout does nothing at inference.
 *
 * The vocabulary comes from vocab.json (an array: index = id) or vocab.txt (one
 * word per line: line number − 1 = id) beside model.json.
 *
 * The arithmetic is plain JavaScript in float64 over the stored float32
 * weights (a traced text is short), independent of tfjs's layers; tests check
 * it against tfjs's own model.predict.
 *
 * Refusals name the file and the problem: a topology that is not a chain, an
 * unknown layer, a weight of the wrong shape or missing, weight files shorter
 * or longer than the manifest says, non-float32 (quantized) weights.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isInside } from '../paths';

export class ModelImportError extends Error {
  override readonly name = 'ModelImportError';
}

type Activation = (x: number) => number;

const ACTIVATIONS: Record<string, Activation> = {
  linear: (x) => x,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  // tfjs and Keras 2: max(0, min(1, 0.2 x + 0.5))
  hard_sigmoid: (x) => Math.max(0, Math.min(1, 0.2 * x + 0.5)),
  relu: (x) => Math.max(0, x),
  elu: (x) => (x > 0 ? x : Math.exp(x) - 1),
  selu: (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (Math.exp(x) - 1)),
  softsign: (x) => x / (1 + Math.abs(x)),
  softplus: (x) => Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0),
  relu6: (x) => Math.min(6, Math.max(0, x)),
  swish: (x) => x / (1 + Math.exp(-x)),
};

export type RecurrentCellType = 'SimpleRNN' | 'LSTM' | 'GRU';

export interface RecurrentLayer {
  type: 'recurrent';
  name: string;
  cell: RecurrentCellType;
  units: number;
  inputSize: number;
  activation: string;
  recurrentActivation: string;
  /** [input, gates·units] */
  kernel: Float32Array;
  /** [units, gates·units] */
  recurrentKernel: Float32Array;
  /** [gates·units], or null without bias. */
  bias: Float32Array | null;
  /** GRU with reset_after: the recurrent bias [3·units] (the second row of Keras's [2, 3·units] bias). */
  recurrentBias: Float32Array | null;
  resetAfter: boolean;
  returnSequences: boolean;
  goBackwards: boolean;
}

export type ImportedLayer =
  | { type: 'embedding'; name: string; inputDim: number; outputDim: number; table: Float32Array }
  | RecurrentLayer
  | { type: 'bidirectional'; name: string; forward: RecurrentLayer; backward: RecurrentLayer; mergeMode: 'concat' | 'sum' | 'mul' | 'ave' | null; returnSequences: boolean }
  | { type: 'dense'; name: string; inputSize: number; units: number; activation: string; kernel: Float32Array; bias: Float32Array | null }
  | { type: 'passthrough'; name: string; className: string };

export interface ImportedModel {
  file: string;
  name: string;
  layers: ImportedLayer[];
  vocab: string[];
  /** Id of the unknown word: an <unk>/[UNK] entry, else 1 (Keras's OOV convention). */
  unkId: number;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype?: string;
  quantization?: unknown;
}

const MAX_WEIGHT_BYTES = 1024 * 1024 * 1024;

function fail(file: string, message: string): never {
  throw new ModelImportError(`${file}: ${message}`);
}

/** Whether a folder or model.json is a TensorFlow.js LayersModel to import (a model.json without SeqLens's seqlens.json). */
export function isLayersModel(spec: string): boolean {
  const dir = spec.endsWith('.json') ? path.dirname(spec) : spec;
  return fs.existsSync(path.join(dir, 'model.json')) && !fs.existsSync(path.join(dir, 'seqlens.json'));
}

/** The names of the recurrent layers a trace shows, in order (both directions of a Bidirectional). */
export function recurrentLayerNames(model: ImportedModel): string[] {
  return model.layers.flatMap((l) => (l.type === 'recurrent' ? [l.name] : l.type === 'bidirectional' ? [l.forward.name, l.backward.name] : []));
}

/** Reads model.json (or the folder holding it), its weights and its vocabulary. */
export function importLayersModel(spec: string): ImportedModel {
  const file = spec.endsWith('.json') ? spec : path.join(spec, 'model.json');
  let json: unknown;
  try {
    const text = fs.readFileSync(file, 'utf8');
    if (text.length > 64 * 1024 * 1024) fail(file, 'a model.json over 64 MB is not a model topology');
    json = JSON.parse(text);
  } catch (e) {
    if (e instanceof ModelImportError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    fail(file, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : e instanceof SyntaxError ? `not valid JSON (${e.message})` : (e as Error).message);
  }
  const doc = json as { modelTopology?: unknown; weightsManifest?: unknown };
  if (!doc || typeof doc !== 'object' || !doc.modelTopology || !Array.isArray(doc.weightsManifest)) fail(file, 'not a TensorFlow.js LayersModel (expected "modelTopology" and "weightsManifest")');
  const weights = readWeights(file, doc.weightsManifest as Array<{ paths?: unknown; weights?: unknown }>);
  const topology = (doc.modelTopology as { model_config?: unknown }).model_config ?? doc.modelTopology;
  const layerConfigs = chainOf(file, topology);
  const layers: ImportedLayer[] = [];
  let width = 0; // the size of the current per-step vector (0 before an embedding)
  let sequence = true; // whether the current output is one vector per step
  const used = new Set<string>();
  const take = (layerName: string, suffix: string, shape: number[]): Float32Array => {
    const key = findWeight(weights, layerName, suffix);
    if (!key) fail(file, `layer "${layerName}" has no weight "${suffix}" in the weights manifest`);
    const w = weights.get(key)!;
    if (w.shape.join() !== shape.join()) fail(file, `weight "${key}" has shape [${w.shape}], layer "${layerName}" needs [${shape}]`);
    used.add(key);
    return w.data;
  };
  const recurrent = (name: string, className: string, cfg: Record<string, unknown>, inputSize: number, weightPrefix = name): RecurrentLayer => {
    const cell = className as RecurrentCellType;
    const units = positiveInt(file, name, 'units', cfg.units);
    const gates = cell === 'LSTM' ? 4 : cell === 'GRU' ? 3 : 1;
    const activation = activationName(file, name, cfg.activation ?? 'tanh');
    const recurrentActivation = cell === 'SimpleRNN' ? 'linear' : activationName(file, name, cfg.recurrent_activation ?? 'hard_sigmoid');
    const useBias = cfg.use_bias !== false;
    const resetAfter = cell === 'GRU' && cfg.reset_after === true;
    if (inputSize <= 0) fail(file, `layer "${name}" (${className}) needs a vector per step; put an Embedding layer before it`);
    let bias: Float32Array | null = null;
    let recurrentBias: Float32Array | null = null;
    if (useBias) {
      if (resetAfter) {
        const both = take(weightPrefix, 'bias', [2, gates * units]);
        bias = both.slice(0, gates * units);
        recurrentBias = both.slice(gates * units);
      } else bias = take(weightPrefix, 'bias', [gates * units]);
    }
    return {
      type: 'recurrent',
      name,
      cell,
      units,
      inputSize,
      activation,
      recurrentActivation,
      kernel: take(weightPrefix, 'kernel', [inputSize, gates * units]),
      recurrentKernel: take(weightPrefix, 'recurrent_kernel', [units, gates * units]),
      bias,
      recurrentBias,
      resetAfter,
      returnSequences: cfg.return_sequences === true,
      goBackwards: cfg.go_backwards === true,
    };
  };
  for (const { className, config: cfg } of layerConfigs) {
    const name = String(cfg.name ?? className);
    if (!sequence && className !== 'Dense' && className !== 'Dropout') fail(file, `layer "${name}" (${className}) comes after a layer that returns one vector, not a sequence`);
    switch (className) {
      case 'InputLayer':
      case 'Dropout':
      case 'SpatialDropout1D':
      case 'Masking':
      case 'Activation':
        if (className === 'Activation') fail(file, `layer "${name}": separate Activation layers are not supported; give the layer before it an activation`);
        layers.push({ type: 'passthrough', name, className });
        break;
      case 'Embedding': {
        const inputDim = positiveInt(file, name, 'input_dim', cfg.input_dim);
        const outputDim = positiveInt(file, name, 'output_dim', cfg.output_dim);
        if (width !== 0) fail(file, `layer "${name}": an Embedding must come first`);
        layers.push({ type: 'embedding', name, inputDim, outputDim, table: take(name, 'embeddings', [inputDim, outputDim]) });
        width = outputDim;
        break;
      }
      case 'SimpleRNN':
      case 'LSTM':
      case 'GRU': {
        const layer = recurrent(name, className, cfg, width);
        layers.push(layer);
        width = layer.units;
        sequence = layer.returnSequences;
        break;
      }
      case 'Bidirectional': {
        const inner = cfg.layer as { class_name?: string; config?: Record<string, unknown> } | undefined;
        const innerClass = inner?.class_name ?? '';
        if (!['SimpleRNN', 'LSTM', 'GRU'].includes(innerClass) || !inner?.config) fail(file, `layer "${name}": Bidirectional wraps ${innerClass || 'nothing'}; SimpleRNN, LSTM or GRU are supported`);
        const innerName = String(inner.config.name ?? innerClass.toLowerCase());
        const fw = recurrent(`${name} (forward)`, innerClass, inner.config, width, `${name}/forward_${innerName}`);
        const bw = recurrent(`${name} (backward)`, innerClass, { ...inner.config, go_backwards: !(inner.config.go_backwards === true) }, width, `${name}/backward_${innerName}`);
        const mergeMode = (cfg.merge_mode === undefined ? 'concat' : cfg.merge_mode) as 'concat' | 'sum' | 'mul' | 'ave' | null;
        if (mergeMode === null) fail(file, `layer "${name}": merge_mode null (two outputs) is not supported`);
        if (!['concat', 'sum', 'mul', 'ave'].includes(mergeMode)) fail(file, `layer "${name}": unknown merge_mode "${mergeMode}"`);
        layers.push({ type: 'bidirectional', name, forward: fw, backward: bw, mergeMode, returnSequences: fw.returnSequences });
        width = mergeMode === 'concat' ? 2 * fw.units : fw.units;
        sequence = fw.returnSequences;
        break;
      }
      case 'Dense': {
        if (width <= 0) fail(file, `layer "${name}" (Dense) needs a vector input`);
        const units = positiveInt(file, name, 'units', cfg.units);
        const activation = activationName(file, name, cfg.activation ?? 'linear', true);
        layers.push({
          type: 'dense',
          name,
          inputSize: width,
          units,
          activation,
          kernel: take(name, 'kernel', [width, units]),
          bias: cfg.use_bias === false ? null : take(name, 'bias', [units]),
        });
        width = units;
        break;
      }
      default:
        fail(file, `layer "${name}" is a ${className}; SeqLens reads Embedding, SimpleRNN, LSTM, GRU, Bidirectional, Dense, Dropout and Masking layers`);
    }
  }
  if (!layers.some((l) => l.type === 'recurrent' || l.type === 'bidirectional')) fail(file, 'the model has no recurrent layer (SimpleRNN, LSTM, GRU) to step through');
  if (layers.find((l) => l.type !== 'passthrough')?.type !== 'embedding') fail(file, 'the model must start with an Embedding layer (it reads word ids)');
  const unused = [...weights.keys()].filter((k) => !used.has(k));
  if (unused.length) fail(file, `weights no supported layer uses: ${unused.slice(0, 3).join(', ')}${unused.length > 3 ? ', …' : ''}`);
  const vocab = readVocab(path.dirname(file));
  const emb = layers.find((l) => l.type === 'embedding') as Extract<ImportedLayer, { type: 'embedding' }>;
  if (vocab.length > emb.inputDim) fail(path.join(path.dirname(file), 'vocab'), `${vocab.length} words for an Embedding of ${emb.inputDim} rows`);
  const unk = vocab.findIndex((w) => /^(<unk>|\[UNK\]|<UNK>|UNK|<oov>|\[OOV\]|<OOV>)$/.test(w));
  const name = String((topology as { config?: { name?: string } }).config?.name ?? path.basename(path.dirname(file)));
  return { file, name, layers, vocab, unkId: unk >= 0 ? unk : Math.min(1, vocab.length - 1) };
}

function positiveInt(file: string, layer: string, key: string, v: unknown): number {
  if (!(typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 10_000_000)) fail(file, `layer "${layer}": ${key} must be a positive integer (found ${JSON.stringify(v)})`);
  return v;
}

function activationName(file: string, layer: string, v: unknown, allowSoftmax = false): string {
  const name = typeof v === 'string' ? v : (v as { class_name?: string } | null)?.class_name?.toLowerCase();
  if (name === 'softmax' && allowSoftmax) return name;
  if (!name || !Object.prototype.hasOwnProperty.call(ACTIVATIONS, name)) fail(file, `layer "${layer}": activation ${JSON.stringify(v)} is not supported`);
  return name;
}

/** The layer configs of a Sequential model or a functional model that is a chain. */
function chainOf(file: string, topology: unknown): Array<{ className: string; config: Record<string, unknown> }> {
  const t = topology as { class_name?: string; config?: unknown };
  if (!t || typeof t !== 'object') fail(file, 'modelTopology is not an object');
  const cfg = t.config as { layers?: unknown } | unknown[] | undefined;
  const list = Array.isArray(cfg) ? cfg : (cfg as { layers?: unknown })?.layers;
  if (!Array.isArray(list) || list.length === 0) fail(file, 'the topology lists no layers');
  const layers = list.map((l: { class_name?: string; config?: Record<string, unknown>; inbound_nodes?: unknown[]; name?: string }) => {
    if (!l || typeof l.class_name !== 'string' || !l.config || typeof l.config !== 'object') fail(file, 'a layer without class_name and config');
    return { className: l.class_name, config: { ...l.config, name: l.config.name ?? l.name }, inbound: l.inbound_nodes };
  });
  if (t.class_name === 'Sequential' || Array.isArray(cfg)) return layers;
  if (t.class_name !== 'Model' && t.class_name !== 'Functional') fail(file, `a ${t.class_name} model; Sequential and functional models are read`);
  // Functional: each layer must read exactly the previous one.
  layers.forEach((l, i) => {
    if (i === 0) return;
    const nodes = (l.inbound ?? []) as unknown[];
    const inbound = JSON.stringify(nodes);
    const prev = String(layers[i - 1].config.name);
    if (nodes.length !== 1 || !inbound.includes(JSON.stringify(prev)) || (inbound.match(/"[^"]+"/g) ?? []).filter((s) => layers.some((x) => JSON.stringify(String(x.config.name)) === s)).length !== 1) {
      fail(file, `layer "${l.config.name}" does not simply read "${prev}": only chains of layers are supported`);
    }
  });
  return layers;
}

function readWeights(file: string, manifest: Array<{ paths?: unknown; weights?: unknown }>): Map<string, { shape: number[]; data: Float32Array }> {
  const dir = path.dirname(file);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const group of manifest) {
    const paths = group.paths;
    const specs = group.weights as WeightSpec[];
    if (!Array.isArray(paths) || !Array.isArray(specs)) fail(file, 'a weightsManifest group without "paths" and "weights"');
    let need = 0;
    for (const s of specs) {
      if (!s || typeof s.name !== 'string' || !Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0)) fail(file, `weight ${JSON.stringify(s?.name)} has no valid shape`);
      if (s.quantization) fail(file, `weight "${s.name}" is quantized; save the model without quantization`);
      if ((s.dtype ?? 'float32') !== 'float32') fail(file, `weight "${s.name}" is ${s.dtype}; float32 weights are read`);
      need += s.shape.reduce((a, b) => a * b, 1) * 4;
      if (need > MAX_WEIGHT_BYTES) fail(file, `the weights manifest claims more than ${MAX_WEIGHT_BYTES / 1048576} MB of weights`);
    }
    // The group's files, concatenated in order, hold its weights back to back.
    let total = 0;
    const sizes = paths.map((p) => {
      if (typeof p !== 'string' || p.includes('\0')) fail(file, 'a weight path is not a string');
      const f = path.resolve(dir, p);
      if (path.isAbsolute(p) || !isInside(dir, f)) fail(file, `weight path "${p}" points outside the model's folder`);
      try {
        const size = fs.statSync(f).size;
        total += size;
        return { f, size };
      } catch {
        fail(file, `weight file "${p}" is missing`);
      }
    });
    if (total !== need) fail(file, `the weight files hold ${total.toLocaleString('en')} bytes, the manifest describes ${need.toLocaleString('en')} (truncated or mismatched files?)`);
    const bytes = Buffer.allocUnsafe(need);
    let at = 0;
    for (const { f, size } of sizes) {
      const fd = fs.openSync(f, 'r');
      try {
        for (let got = 0; got < size; ) {
          const n = fs.readSync(fd, bytes, at + got, size - got, got);
          if (n === 0) fail(file, `weight file "${path.basename(f)}" changed while it was read`);
          got += n;
        }
      } finally {
        fs.closeSync(fd);
      }
      at += size;
    }
    let offset = 0;
    for (const s of specs) {
      const n = s.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(n);
      new Uint8Array(data.buffer).set(bytes.subarray(offset, offset + n * 4));
      for (let i = 0; i < n; i++) if (!Number.isFinite(data[i])) fail(file, `weight "${s.name}" holds ${data[i]}`);
      offset += n * 4;
      if (out.has(s.name)) fail(file, `weight "${s.name}" appears twice in the manifest`);
      out.set(s.name, { shape: s.shape, data });
    }
  }
  return out;
}

/**
 * The manifest name of a layer's weight: "<layer>/<suffix>", or with tfjs's
 * unique suffixes ("lstm_1/kernel"), or Keras 3's "<layer>/<cell>/kernel".
 */
function findWeight(weights: Map<string, unknown>, layer: string, suffix: string): string | undefined {
  const exact = `${layer}/${suffix}`;
  if (weights.has(exact)) return exact;
  for (const k of weights.keys()) {
    if (!k.endsWith(`/${suffix}`)) continue;
    const head = k.slice(0, -suffix.length - 1);
    if (head === layer || head.startsWith(`${layer}/`) || head.replace(/_\d+(?=\/|$)/g, '') === layer.replace(/_\d+(?=\/|$)/g, '')) return k;
  }
  return undefined;
}

function readVocab(dir: string): string[] {
  const json = path.join(dir, 'vocab.json');
  const txt = path.join(dir, 'vocab.txt');
  if (fs.existsSync(json)) {
    let v: unknown;
    try {
      v = JSON.parse(fs.readFileSync(json, 'utf8').replace(/^\uFEFF/, ''));
    } catch (e) {
      fail(json, `not valid JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(v) || !v.every((w) => typeof w === 'string')) fail(json, 'expected an array of words (index = id)');
    return v;
  }
  if (fs.existsSync(txt)) {
    const lines = fs.readFileSync(txt, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines;
  }
  fail(dir, 'no vocab.json (an array of words, index = id) or vocab.txt (one word per line) beside model.json');
}

// ---- running it ------------------------------------------------------------------------

/** One recurrent layer's states per step, in token order: [T][units] each. */
export interface RecurrentStates {
  layer: RecurrentLayer;
  states: Record<string, Float64Array[]>;
}

export interface ModelRun {
  /** Every recurrent layer (a Bidirectional gives two), in order. */
  recurrent: RecurrentStates[];
  /** The model's output: per step when the last recurrent layer returns sequences, else one vector. */
  output: Float64Array[];
  outputPerStep: boolean;
  /** What each layer outputs (passthrough layers included), by layer name: per step, or one vector. */
  layerOutputs: Array<{ name: string; values: Float64Array[] }>;
}

function matVec(x: ArrayLike<number>, w: Float32Array, rows: number, cols: number, out: Float64Array, add = false): void {
  if (!add) out.fill(0);
  for (let i = 0; i < rows; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const base = i * cols;
    for (let j = 0; j < cols; j++) out[j] += xi * w[base + j];
  }
}

/** Runs one recurrent layer over a sequence of vectors; returns its outputs (in Keras's order) and per-token states. */
function runRecurrent(layer: RecurrentLayer, inputs: Float64Array[]): { outputs: Float64Array[]; states: Record<string, Float64Array[]> } {
  const { units: H, cell } = layer;
  const act = ACTIVATIONS[layer.activation];
  const ract = ACTIVATIONS[layer.recurrentActivation];
  const G = cell === 'LSTM' ? 4 : cell === 'GRU' ? 3 : 1;
  const T = inputs.length;
  const order = layer.goBackwards ? [...Array(T).keys()].reverse() : [...Array(T).keys()];
  const keys = cell === 'LSTM' ? ['h', 'c', 'i', 'f', 'g', 'o'] : cell === 'GRU' ? ['h', 'z', 'r', 'n'] : ['h'];
  const states: Record<string, Float64Array[]> = Object.fromEntries(keys.map((k) => [k, new Array<Float64Array>(T)]));
  const outputs: Float64Array[] = [];
  let h = new Float64Array(H);
  let c = new Float64Array(H);
  const xz = new Float64Array(G * H);
  const hz = new Float64Array(G * H);
  for (const t of order) {
    matVec(inputs[t], layer.kernel, layer.inputSize, G * H, xz);
    if (layer.bias) for (let j = 0; j < G * H; j++) xz[j] += layer.bias[j];
    const next = new Float64Array(H);
    if (cell === 'SimpleRNN') {
      matVec(h, layer.recurrentKernel, H, H, xz, true);
      for (let u = 0; u < H; u++) next[u] = act(xz[u]);
    } else if (cell === 'LSTM') {
      matVec(h, layer.recurrentKernel, H, 4 * H, xz, true);
      const [i, f, g, o, cn] = [0, 1, 2, 3, 4].map(() => new Float64Array(H));
      for (let u = 0; u < H; u++) {
        i[u] = ract(xz[u]);
        f[u] = ract(xz[H + u]);
        g[u] = act(xz[2 * H + u]);
        o[u] = ract(xz[3 * H + u]);
        cn[u] = f[u] * c[u] + i[u] * g[u];
        next[u] = o[u] * act(cn[u]);
      }
      c = cn;
      states.c[t] = cn;
      states.i[t] = i;
      states.f[t] = f;
      states.g[t] = g;
      states.o[t] = o;
    } else {
      const [z, r, n] = [0, 1, 2].map(() => new Float64Array(H));
      if (layer.resetAfter) {
        // Keras/PyTorch form: n = act(x W_n + b_n + r ⊙ (h U_n + c_n))
        matVec(h, layer.recurrentKernel, H, 3 * H, hz);
        if (layer.recurrentBias) for (let j = 0; j < 3 * H; j++) hz[j] += layer.recurrentBias[j];
        for (let u = 0; u < H; u++) {
          z[u] = ract(xz[u] + hz[u]);
          r[u] = ract(xz[H + u] + hz[H + u]);
          n[u] = act(xz[2 * H + u] + r[u] * hz[2 * H + u]);
        }
      } else {
        // tfjs's default (reset_after false): n = act(x W_n + b_n + (r ⊙ h) U_n)
        const zr = new Float64Array(3 * H);
        matVec(h, layer.recurrentKernel, H, 3 * H, zr);
        for (let u = 0; u < H; u++) {
          z[u] = ract(xz[u] + zr[u]);
          r[u] = ract(xz[H + u] + zr[H + u]);
        }
        const rh = new Float64Array(H);
        for (let u = 0; u < H; u++) rh[u] = r[u] * h[u];
        const un = new Float64Array(H);
        for (let i = 0; i < H; i++) {
          if (rh[i] === 0) continue;
          const base = i * 3 * H + 2 * H;
          for (let u = 0; u < H; u++) un[u] += rh[i] * layer.recurrentKernel[base + u];
        }
        for (let u = 0; u < H; u++) n[u] = act(xz[2 * H + u] + un[u]);
      }
      for (let u = 0; u < H; u++) next[u] = z[u] * h[u] + (1 - z[u]) * n[u];
      states.z[t] = z;
      states.r[t] = r;
      states.n[t] = n;
    }
    h = next;
    states.h[t] = next;
    outputs.push(next);
  }
  return { outputs, states };
}

function dense(layer: Extract<ImportedLayer, { type: 'dense' }>, x: Float64Array): Float64Array {
  const out = new Float64Array(layer.units);
  matVec(x, layer.kernel, layer.inputSize, layer.units, out);
  if (layer.bias) for (let j = 0; j < layer.units; j++) out[j] += layer.bias[j];
  if (layer.activation === 'softmax') {
    let m = -Infinity;
    for (const v of out) if (v > m) m = v; // not Math.max(...out): a 100k-word output overflows the call stack
    let s = 0;
    for (let j = 0; j < out.length; j++) s += out[j] = Math.exp(out[j] - m);
    for (let j = 0; j < out.length; j++) out[j] /= s;
  } else {
    const f = ACTIVATIONS[layer.activation];
    for (let j = 0; j < out.length; j++) out[j] = f(out[j]);
  }
  return out;
}

/** Runs the model over word ids. */
export function runImported(model: ImportedModel, ids: readonly number[]): ModelRun {
  let seq: Float64Array[] = [];
  let perStep = true;
  const recurrent: RecurrentStates[] = [];
  const layerOutputs: ModelRun['layerOutputs'] = [];
  for (const layer of model.layers) {
    layerStep(layer);
    layerOutputs.push({ name: layer.name, values: seq });
  }
  return { recurrent, output: seq, outputPerStep: perStep, layerOutputs };

  function layerStep(layer: ImportedLayer): void {
    switch (layer.type) {
      case 'passthrough':
        break;
      case 'embedding':
        seq = ids.map((id) => {
          if (!(id >= 0 && id < layer.inputDim)) throw new ModelImportError(`word id ${id} is outside the Embedding's ${layer.inputDim} rows`);
          return Float64Array.from(layer.table.subarray(id * layer.outputDim, (id + 1) * layer.outputDim));
        });
        break;
      case 'recurrent': {
        const r = runRecurrent(layer, seq);
        recurrent.push({ layer, states: r.states });
        seq = layer.returnSequences ? r.outputs : [r.outputs[r.outputs.length - 1]];
        perStep = layer.returnSequences;
        break;
      }
      case 'bidirectional': {
        const f = runRecurrent(layer.forward, seq);
        const b = runRecurrent(layer.backward, seq);
        recurrent.push({ layer: layer.forward, states: f.states }, { layer: layer.backward, states: b.states });
        // The backward layer's outputs come in reading order (last token first); Bidirectional re-aligns them.
        const bOut = layer.returnSequences ? [...b.outputs].reverse() : [b.outputs[b.outputs.length - 1]];
        const fOut = layer.returnSequences ? f.outputs : [f.outputs[f.outputs.length - 1]];
        seq = fOut.map((fv, t) => {
          const bv = bOut[t];
          if (layer.mergeMode === 'concat') {
            const o = new Float64Array(fv.length + bv.length);
            o.set(fv);
            o.set(bv, fv.length);
            return o;
          }
          return fv.map((v, j) => (layer.mergeMode === 'sum' ? v + bv[j] : layer.mergeMode === 'mul' ? v * bv[j] : (v + bv[j]) / 2));
        });
        perStep = layer.returnSequences;
        break;
      }
      case 'dense':
        seq = seq.map((x) => dense(layer, x));
        break;
    }
  }
}
