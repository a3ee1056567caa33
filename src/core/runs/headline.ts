/**
 * The headline number of a run, from its state.json metrics: test BLEU for translation,
 * accuracy for tagging and classification, perplexity for a language model, words for word
 * vectors. Pure (the Runs view and the dashboard page both show it).
 */
export function headline(metrics: Record<string, number | string>): string {
  const n = (k: string) => (typeof metrics[k] === 'number' && Number.isFinite(metrics[k]) ? (metrics[k] as number) : undefined);
  if (n('testBleu') !== undefined) return `BLEU ${n('testBleu')!.toFixed(1)}`;
  if (n('accuracy') !== undefined) return `acc ${(n('accuracy')! * 100).toFixed(1)}%`;
  if (n('perplexity') !== undefined) return `ppl ${n('perplexity')!.toFixed(2)}`;
  if (n('words') !== undefined) return `${n('words')} words`;
  return '';
}
