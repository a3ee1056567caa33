/**
 * A long-range dependency, the course's example: "I grew up in France … I speak fluent French."
 * Each sentence names a country, then a run of clauses that say nothing of it, then the cue
 * "so i speak fluent": a model that reads the sentence to its last state names the language
 * only if it remembers the country across the gap. Generated (the project's own data), the gap chosen per sentence.
 */
import { Rng } from '../random';

export const ORIGINS: ReadonlyArray<readonly [country: string, language: string]> = [
  ['france', 'french'],
  ['germany', 'german'],
  ['spain', 'spanish'],
  ['italy', 'italian'],
  ['japan', 'japanese'],
  ['korea', 'korean'],
  ['china', 'chinese'],
  ['russia', 'russian'],
];

/** Clauses that carry no hint of the country (the same ones follow every country). */
const CLAUSES = [
  'we moved to the city',
  'my father worked at the port',
  'i went to school by bus',
  'the winters were long',
  'my sister played the piano',
  'we had a small garden',
  'i read books every night',
  'our house was near the river',
  'my mother taught music',
  'we kept two old dogs',
  'i liked to draw maps',
  'the summers were hot',
  'my friends lived next door',
  'we walked to the market',
];

export interface LongRangeSentence {
  words: string[];
  country: string;
  language: string;
  /** Words between the country and the language's cue ("so i speak fluent"). */
  gap: number;
}

/** One sentence whose filler has at least `minGap` words (whole clauses, so a little more). */
export function longRangeSentence(rng: Rng, minGap: number): LongRangeSentence {
  const [country, language] = ORIGINS[rng.int(ORIGINS.length)];
  const filler: string[] = [];
  while (filler.length < minGap) {
    if (filler.length) filler.push('and');
    filler.push(...CLAUSES[rng.int(CLAUSES.length)].split(' '));
  }
  const words = ['i', 'grew', 'up', 'in', country, ...(filler.length ? [',', ...filler, ','] : []), 'so', 'i', 'speak', 'fluent', language, '.'];
  return { words, country, language, gap: filler.length ? filler.length + 2 : 0 };
}

/** `n` sentences, gaps spread evenly over 0 … maxGap words. */
export function generateLongRange(n: number, seed: number, maxGap = 24): LongRangeSentence[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => longRangeSentence(rng, rng.int(maxGap + 1)));
}
