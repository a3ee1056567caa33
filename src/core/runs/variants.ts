/**
 * Run Variant…: a run's config with exactly one setting changed (the teacher-forcing ratio,
 * the attention kind, the RNN's activation, the cell type, or frozen pretrained embeddings vs
 * end to end), the same seed, data, size and probes, and a note of its parent, so the two can
 * be overlaid. Pure: the editor asks which setting and value, the engine trains the result.
 */
import type { RunConfig } from '../../protocol/runs';

export interface VariantValue {
  /** What the quick pick shows and the variant's name ends with. */
  label: string;
  /** The value's id within its setting (what `variantConfig` takes). */
  value: string;
  detail?: string;
}

export interface VariantSetting {
  setting: 'teacher-forcing' | 'attention' | 'activation' | 'cell' | 'embeddings';
  label: string;
  detail: string;
  /** The parent's value (its id), which the choices leave out. */
  current: string;
  values: VariantValue[];
}

/** A word-vector run that tag/classify variants can start from. */
export interface VectorRun {
  dir: string;
  name: string;
  /** Its vectors' dimension (an end-to-end variant of a run on them keeps it). */
  dim?: number;
}

const RECURRENT = ['rnn', 'lstm', 'gru'];

function teacherForcingOf(c: RunConfig): string {
  const ratio = Number(c.options['teacher-forcing'] ?? 1);
  const decay = Number(c.options['teacher-forcing-decay'] ?? 1);
  if (decay < 1) return 'decay';
  return ratio === 1 ? '1' : ratio === 0.5 ? '0.5' : String(ratio);
}

function attentionOf(c: RunConfig): string {
  return c.model === 'seq2seq' ? 'none' : String(c.options.attention ?? 'dot');
}

function embeddingsOf(c: RunConfig): string {
  if (!c.options.embeddings) return 'end-to-end';
  return `${c.options['freeze-embeddings'] ? 'frozen' : 'fine-tuned'}:${c.options.embeddings}`;
}

/** The settings a run can vary, each with the values it can take instead of its own. */
export function variantSettings(c: RunConfig, vectorRuns: VectorRun[] = []): VariantSetting[] {
  const out: VariantSetting[] = [];
  const without = (current: string, values: VariantValue[]) => values.filter((v) => v.value !== current);
  if (c.task === 'translate') {
    if (c.model !== 'transformer') {
      const tf = teacherForcingOf(c);
      out.push({
        setting: 'teacher-forcing',
        label: 'Teacher forcing',
        detail: 'how often the decoder is fed the reference word instead of its own guess while training',
        current: tf,
        values: without(tf, [
          { label: 'teacher forcing 1.0', value: '1', detail: 'always the reference word' },
          { label: 'teacher forcing 0.5', value: '0.5', detail: 'half the time its own previous guess' },
          { label: 'scheduled decay', value: 'decay', detail: 'from 1.0, × 0.8 each epoch (scheduled sampling)' },
        ]),
      });
      const att = attentionOf(c);
      out.push({
        setting: 'attention',
        label: 'Attention',
        detail: 'whether the decoder looks back at every encoder state, and how it scores them',
        current: att,
        values: without(att, [
          { label: 'one context vector', value: 'none', detail: 'no attention: the encoder’s last state only' },
          { label: 'dot attention', value: 'dot', detail: 'Luong: score = decoder state · encoder state' },
          { label: 'additive attention', value: 'additive', detail: 'Bahdanau: score = v · tanh(W s + U h)' },
        ]),
      });
    }
    return out;
  }
  if (c.task === 'word2vec' || !RECURRENT.includes(c.model)) return out;
  out.push({
    setting: 'cell',
    label: 'Cell type',
    detail: 'the recurrent cell',
    current: c.model,
    values: without(c.model, [
      { label: 'RNN', value: 'rnn', detail: 'the vanilla recurrence' },
      { label: 'LSTM', value: 'lstm', detail: 'gates and a memory cell' },
      { label: 'GRU', value: 'gru', detail: 'update and reset gates' },
    ]),
  });
  if (c.model === 'rnn') {
    const act = String(c.options.activation ?? 'tanh');
    out.push({
      setting: 'activation',
      label: 'RNN activation',
      detail: 'tanh keeps gradients alive longer than sigmoid (whose derivative is at most 0.25)',
      current: act,
      values: without(act, [
        { label: 'tanh', value: 'tanh' },
        { label: 'sigmoid', value: 'sigmoid' },
      ]),
    });
  }
  if (c.task === 'tag' || c.task === 'classify') {
    const emb = embeddingsOf(c);
    const values: VariantValue[] = [{ label: 'end to end', value: 'end-to-end', detail: 'the embedding learned with the rest of the model' }];
    for (const v of vectorRuns) {
      const dims = v.dim ? ` (${v.dim} dimensions)` : '';
      values.push({ label: `frozen ${v.name}`, value: `frozen:${v.dir}`, detail: `divide and train: word vectors trained first, then held fixed${dims}` });
      values.push({ label: `fine-tuned ${v.name}`, value: `fine-tuned:${v.dir}`, detail: `word vectors trained first, then trained on with the model${dims}` });
    }
    out.push({
      setting: 'embeddings',
      label: 'Embeddings',
      detail: vectorRuns.length ? 'pretrained word vectors (frozen or fine-tuned) vs an embedding learned end to end' : 'train a Word vectors run first to compare pretrained embeddings with end-to-end ones',
      current: emb,
      values: without(emb, values),
    });
  }
  return out;
}

/** The parent's config with one setting changed; throws on a setting or value it cannot take. */
export function variantConfig(parent: RunConfig, parentId: string, setting: string, value: string, vectorRuns: VectorRun[] = []): RunConfig {
  const named = value.includes(':') ? value.slice(value.indexOf(':') + 1) : undefined;
  const runs = named && !vectorRuns.some((r) => r.dir === named) ? [...vectorRuns, { dir: named, name: named.split(/[\\/]/).pop() ?? named }] : vectorRuns;
  const choices = variantSettings(parent, runs);
  const s = choices.find((x) => x.setting === setting);
  if (!s) throw new Error(`a ${parent.task} ${parent.model} run has no "${setting}" to vary (${choices.map((x) => x.setting).join(', ') || 'nothing'})`);
  const v = s.values.find((x) => x.value === value);
  if (!v) throw new Error(value === s.current ? `the run already has ${setting} ${value}` : `"${value}" is not a value of ${setting} (${s.values.map((x) => x.value).join(', ')})`);
  const options = { ...parent.options };
  let model = parent.model;
  switch (setting) {
    case 'teacher-forcing':
      delete options['teacher-forcing-decay'];
      if (value === 'decay') {
        options['teacher-forcing'] = 1;
        options['teacher-forcing-decay'] = 0.8;
      } else options['teacher-forcing'] = Number(value);
      break;
    case 'attention':
      if (value === 'none') {
        model = 'seq2seq';
        delete options.attention;
      } else {
        model = 'attention';
        options.attention = value;
      }
      break;
    case 'cell':
      model = value;
      if (value !== 'rnn') delete options.activation;
      break;
    case 'activation':
      options.activation = value;
      break;
    case 'embeddings': {
      delete options.embeddings;
      delete options['freeze-embeddings'];
      if (value !== 'end-to-end') {
        delete options.embedding; // the vectors' dimension is the embedding's
        const [how, ...dir] = value.split(':');
        options.embeddings = dir.join(':');
        if (how === 'frozen') options['freeze-embeddings'] = true;
      } else {
        // End to end with the embedding size the pretrained vectors had, so that only this differs.
        const dim = runs.find((r) => r.dir === parent.options.embeddings)?.dim;
        if (dim) options.embedding = dim;
      }
      break;
    }
  }
  return {
    ...parent,
    name: `${parent.name} · ${v.label}`,
    model,
    options,
    parent: { id: parentId, setting, from: s.current, to: value },
  };
}
