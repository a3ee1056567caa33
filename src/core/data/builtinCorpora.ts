/**
 * The project's own corpora, made on demand from its grammars (no third-party data), so that
 * training works offline on first use. A run names one as `builtin:<id>`; it is generated
 * deterministically (the same text every time) in the format a user's file of that task has.
 */
import { Rng } from '../random';
import { detokenize, generateCorpus, grammarTagOf, SentenceGrammar } from './grammar';
import { generateLongRange } from './longRange';
import { generateTranslationPairs } from './translationGrammar';

export const BUILTIN_PREFIX = 'builtin:';

export interface BuiltinCorpus {
  id: string;
  task: 'translate' | 'lm' | 'tag' | 'classify' | 'word2vec';
  label: string;
  detail: string;
  make(): string;
}

const SEED = 20_261_203;

export const BUILTIN_CORPORA: readonly BuiltinCorpus[] = [
  {
    id: 'en-ko',
    task: 'translate',
    label: 'English → Korean pairs (the project grammar)',
    detail: '6,000 generated pairs; Korean puts the verb last, so attention crosses',
    make: () =>
      generateTranslationPairs(6000, SEED)
        .map((p) => `${p.source.join(' ')}\t${p.target.join(' ')}`)
        .join('\n') + '\n',
  },
  {
    id: 'grammar',
    task: 'lm',
    label: 'English and Korean sentences (the project grammar)',
    detail: '8,000 generated sentences with subject–verb agreement across attractors',
    make: () => generateCorpus(8000, SEED).map(detokenize).join('\n') + '\n',
  },
  {
    id: 'grammar-tags',
    task: 'tag',
    label: 'Part-of-speech tags (the project grammar)',
    detail: '3,000 tagged sentences: DET, ADJ, NOUN, VERB, PREP, … and Korean particles',
    make: () => {
      const tags = grammarTagOf();
      return generateCorpus(3000, SEED)
        .map((s) => s.map((w) => `${w}\t${tags.get(w) ?? 'X'}`).join('\n'))
        .join('\n\n') + '\n';
    },
  },
  {
    id: 'grammar-number',
    task: 'classify',
    label: 'Singular or plural subject (the project grammar)',
    detail: '4,000 English sentences labelled by their subject’s number, read from the last state',
    make: () => {
      const g = new SentenceGrammar(new Rng(SEED));
      const lines: string[] = [];
      for (let i = 0; i < 4000; i++) {
        const words = g.english();
        lines.push(`${g.lastSubjectPlural ? 'plural' : 'singular'}\t${detokenize(words)}`);
      }
      return lines.join('\n') + '\n';
    },
  },
  {
    id: 'long-range',
    task: 'classify',
    label: 'A long-range dependency: "I grew up in France … I speak fluent ___"',
    detail: '6,000 sentences: a country, 0–24 words that say nothing of it, then "so i speak fluent"; the label is the language',
    make: () =>
      generateLongRange(6000, SEED)
        .map((s) => `${s.language}\t${s.words.slice(0, s.words.lastIndexOf('fluent') + 1).join(' ')}`)
        .join('\n') + '\n',
  },
  {
    id: 'grammar-words',
    task: 'word2vec',
    label: 'English and Korean sentences for word vectors (the project grammar)',
    detail: '20,000 generated sentences',
    make: () => generateCorpus(20_000, SEED).map(detokenize).join('\n') + '\n',
  },
];

export function isBuiltin(spec: string): boolean {
  return spec.startsWith(BUILTIN_PREFIX);
}

/** The text of a built-in corpus, or undefined for an unknown id. */
export function builtinText(spec: string): string | undefined {
  return BUILTIN_CORPORA.find((c) => BUILTIN_PREFIX + c.id === spec)?.make();
}

/** The built-in corpus for a task. */
export function builtinFor(task: string): BuiltinCorpus | undefined {
  return BUILTIN_CORPORA.find((c) => c.task === task);
}
