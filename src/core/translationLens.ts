/**
 * The seq2seq lens: a translation read step by step. For one source sentence and a
 * translation model, everything the translate panel and `seqlens translate --json`
 * show about the decoder:
 *
 *   steps    per output step (the closing </s> included): the word written, its
 *            probability, the k likeliest words, the attention row and the context
 *            vector the step used (without attention: the one context vector, the
 *            encoder's last state, the same at every step);
 *   forced   with a reference: the decoder fed the reference (teacher forcing, as in
 *            training) next to the decoder fed its own words, with the probability of
 *            each reference word under both, so an early error that compounds shows;
 *   beam     with K > 1: every step's kept hypotheses and the ones that ended, a tree;
 *   what-if  at one step, the attention forced onto one source word, and the decoding
 *            continued from there on the model's own words;
 *   unknown  source positions outside the model's vocabulary (read as <unk>).
 */
import { detokenizeFor } from './detokenize';
import { pairTokens } from './data/pairs';
import { Seq2Seq } from './models/seq2seq';
import type { TranslationModel } from './training/trainTranslation';
import { EOS, SPECIALS, UNK_ID, Vocab } from './vocab';
import type { BeamViewNode, DecoderStep, ForcedView, TranslationView } from '../protocol/translate';

export type { BeamViewNode, DecoderStep, ForcedView, TranslationView };

export class TranslationLensError extends Error {}

export interface TranslationViewOptions {
  topK?: number;
  reference?: string;
  beam?: number;
  forceAttention?: { step: number; position: number };
}

/** Source words as ids, trying the lowercased word where the word as written is unknown. */
export function sourceIds(vocab: Vocab, words: readonly string[]): { ids: number[]; unknown: number[]; caseFolded: number[] } {
  const unknown: number[] = [];
  const caseFolded: number[] = [];
  const ids = words.map((w, i) => {
    if (vocab.has(w)) return vocab.id(w);
    const lower = w.toLowerCase();
    if (lower !== w && vocab.has(lower)) {
      caseFolded.push(i);
      return vocab.id(lower);
    }
    unknown.push(i);
    return UNK_ID;
  });
  return { ids, unknown, caseFolded };
}

export const DEFAULT_TOP_K = 5;

/** Parses `STEP:POS` (1-based, as the panel and the help show them) into 0-based positions. */
export function parseForceAttention(spec: string): { step: number; position: number } {
  const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(spec);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new TranslationLensError(`--force-attention wants STEP:POS, two numbers from 1 (got "${spec}")`);
  return { step: Number(m[1]) - 1, position: Number(m[2]) - 1 };
}

export async function translationView(model: TranslationModel, sourceVocab: Vocab, targetVocab: Vocab, text: string, options: TranslationViewOptions = {}): Promise<TranslationView> {
  const source = sourceVocab.pieces(pairTokens(text));
  if (!source.length) throw new TranslationLensError('the text has no words to translate');
  const { ids, unknown, caseFolded } = sourceIds(sourceVocab, source);
  const k = Math.max(1, Math.min(options.topK ?? DEFAULT_TOP_K, 20));
  const beamWidth = options.beam ?? 1;
  const recurrent = model instanceof Seq2Seq;
  const attentionKind = recurrent ? (model as Seq2Seq).config.attention : 'transformer';
  if (!recurrent && beamWidth > 1) throw new TranslationLensError('beam search is available for the recurrent models; the Transformer decodes greedily');
  if (options.forceAttention) {
    if (!recurrent) throw new TranslationLensError('forcing attention is available for the recurrent models (the Transformer has many heads in every layer)');
    if (attentionKind === 'none') throw new TranslationLensError('this model has no attention to force: its decoder reads one context vector');
    if (beamWidth > 1) throw new TranslationLensError('forcing attention decodes greedily; leave the beam at 1');
    if (options.forceAttention.position >= source.length) throw new TranslationLensError(`the source has ${source.length} words; position ${options.forceAttention.position + 1} is past its end`);
  }
  const word = (id: number) => targetVocab.word(id);
  const topWords = (row: Array<{ id: number; p: number }> | undefined) => (row ?? []).map((c) => ({ word: word(c.id), p: c.p }));

  const fa = options.forceAttention;
  const reference = options.reference !== undefined ? targetVocab.pieces(pairTokens(options.reference)) : undefined;
  if (reference && !reference.length) throw new TranslationLensError('the reference has no words');
  const refIds = reference?.map((w) => targetVocab.id(w));
  const oneHot = fa ? { forceAttention: { step: fa.step, weights: source.map((_, i) => (i === fa.position ? 1 : 0)) } } : {};
  const probe = refIds ? { probeIds: refIds } : {};

  // The output, and every step of it with its top-k, attention and context, and (with a reference)
  // the probability of the reference's word at each step given the model's own words before it.
  // Greedy and what-if: one free-running decoding that records it all. A beam: the search, then
  // its best path read teacher-forced, which recomputes exactly the numbers the search had.
  let outIds: number[];
  let beam: BeamViewNode[][] | undefined;
  let unforcedOutput: string[] | undefined;
  let path: Awaited<ReturnType<TranslationModel['decode']>>;
  if (beamWidth > 1) {
    const b = await (model as Seq2Seq).beamSearch(ids, beamWidth, { trace: true });
    outIds = b.ids;
    beam = b.beam!.map((nodes) => nodes.map((n) => ({ tokens: n.ids.map(word), logProb: n.logProb, score: n.score, parent: n.parent, finished: n.finished })));
    path = await (model as Seq2Seq).decode(ids, { forced: outIds, topK: k, includeEnd: true, ...probe });
  } else if (recurrent) {
    if (fa) {
      const plain = await model.decode(ids);
      unforcedOutput = plain.ids.map(word);
      if (fa.step > plain.ids.length) throw new TranslationLensError(`the translation has ${plain.ids.length + 1} steps (its words and </s>); step ${fa.step + 1} is past its end`);
    }
    path = await (model as Seq2Seq).decode(ids, { topK: k, includeEnd: true, ...probe, ...oneHot });
    outIds = path.ids;
  } else {
    // The Transformer: greedy, then its cross-attention for the output (decode() reads it so).
    path = await model.decode(ids, { topK: k, ...probe });
    outIds = path.ids;
  }
  // A decoding cut at its length limit has no </s> step.
  const ended = path.stepLogProbs!.length > outIds.length;
  const words = ended ? [...outIds.map(word), EOS] : outIds.map(word);
  const steps: DecoderStep[] = words.map((w, t) => ({
    word: w,
    p: Math.exp(path.stepLogProbs![t]),
    topk: topWords(path.topk?.[t]),
    attention: path.attention[t] ?? [],
    context: path.contexts[t] ?? [],
  }));

  let forced: ForcedView | undefined;
  if (reference && refIds) {
    const referenceUnknown = refIds.flatMap((id, i) => (id === UNK_ID ? [i] : []));
    const teacher = recurrent ? await (model as Seq2Seq).teacherForced(ids, refIds) : await model.decode(ids, { forced: refIds });
    const freeReferenceP = [...refIds, 0].map((_, t) => (t < words.length ? path.probed![t] : null));
    let firstDivergence: number | null = null;
    for (let t = 0; t <= Math.max(outIds.length, refIds.length) && firstDivergence === null; t++) if ((outIds[t] ?? -1) !== (refIds[t] ?? -1)) firstDivergence = t;
    forced = { reference, referenceUnknown, referenceLogProb: teacher.stepLogProbs!, predicted: teacher.predicted!.map(word), attention: teacher.attention, freeReferenceP, firstDivergence };
  }

  const output = outIds.map(word);
  const written = detokenizeFor(output, targetVocab);
  return {
    kind: recurrent ? 'seq2seq' : 'transformer',
    attentionKind,
    source,
    unknown,
    caseFolded,
    knownWords: sourceVocab.size - SPECIALS.length,
    output,
    text: written.text,
    outputOffsets: written.offsets,
    attention: path.attention.slice(0, outIds.length),
    steps,
    beamWidth,
    ...(beam ? { beam } : {}),
    ...(forced ? { forced } : {}),
    ...(fa ? { forcedAttention: fa, unforcedOutput } : {}),
  };
}
