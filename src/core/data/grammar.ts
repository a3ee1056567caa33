/**
 * A small probabilistic grammar that generates the text the shipped default
 * language models are trained on. The project makes this text itself, so the
 * defaults carry no third-party data.
 *
 * It is built to show what recurrent networks learn:
 * - English subject–verb agreement across attractors ("the keys to the old
 *   cabinet are ..."): predicting "are" needs the number of "keys" carried
 *   over several words, a long-range dependency an LSTM keeps in its cell.
 * - Closing brackets and quotes after a clause: a unit that counts "open".
 * - Korean sentences in verb-final (SOV) order with particles chosen by the
 *   noun's final consonant (가/이, 를/을, 는/은), a second script and word order.
 */
import { Rng } from '../random';

interface Noun {
  sg: string;
  pl: string;
}

const ANIMATE: Noun[] = [
  { sg: 'dog', pl: 'dogs' },
  { sg: 'cat', pl: 'cats' },
  { sg: 'teacher', pl: 'teachers' },
  { sg: 'student', pl: 'students' },
  { sg: 'child', pl: 'children' },
  { sg: 'bird', pl: 'birds' },
  { sg: 'farmer', pl: 'farmers' },
  { sg: 'doctor', pl: 'doctors' },
  { sg: 'friend', pl: 'friends' },
  { sg: 'girl', pl: 'girls' },
  { sg: 'boy', pl: 'boys' },
];
const THINGS: Noun[] = [
  { sg: 'key', pl: 'keys' },
  { sg: 'book', pl: 'books' },
  { sg: 'table', pl: 'tables' },
  { sg: 'cabinet', pl: 'cabinets' },
  { sg: 'house', pl: 'houses' },
  { sg: 'garden', pl: 'gardens' },
  { sg: 'letter', pl: 'letters' },
  { sg: 'river', pl: 'rivers' },
  { sg: 'window', pl: 'windows' },
  { sg: 'apple', pl: 'apples' },
  { sg: 'song', pl: 'songs' },
];
const ADJECTIVES = ['old', 'small', 'big', 'red', 'quiet', 'happy', 'green', 'new', 'little', 'tired'];
const PREPOSITIONS = ['near', 'behind', 'beside', 'under', 'on', 'in'];
const PLACES = ['the table', 'the garden', 'the house', 'the river', 'the window', 'the cabinet'];

// Verbs: [3rd person singular, plural, past]
const INTRANSITIVE: Array<[string, string, string]> = [
  ['sleeps', 'sleep', 'slept'],
  ['runs', 'run', 'ran'],
  ['sings', 'sing', 'sang'],
  ['waits', 'wait', 'waited'],
  ['smiles', 'smile', 'smiled'],
];
const TRANSITIVE: Array<[string, string, string]> = [
  ['likes', 'like', 'liked'],
  ['sees', 'see', 'saw'],
  ['reads', 'read', 'read'],
  ['finds', 'find', 'found'],
  ['opens', 'open', 'opened'],
  ['carries', 'carry', 'carried'],
  ['wants', 'want', 'wanted'],
];
const BE: [string, string] = ['is', 'are'];
const BE_PAST: [string, string] = ['was', 'were'];

// Korean: nouns, verbs (present, past) in plain declarative style.
const KO_ANIMATE = ['고양이', '강아지', '학생', '선생님', '아이', '친구', '새', '농부', '의사'];
const KO_THINGS = ['책', '사과', '편지', '열쇠', '노래', '물', '빵', '꽃', '창문'];
const KO_PLACES = ['학교', '집', '공원', '도서관', '시장', '강'];
const KO_TRANSITIVE: Array<[string, string]> = [
  ['읽는다', '읽었다'],
  ['먹는다', '먹었다'],
  ['좋아한다', '좋아했다'],
  ['본다', '보았다'],
  ['찾는다', '찾았다'],
  ['연다', '열었다'],
];
const KO_INTRANSITIVE: Array<[string, string]> = [
  ['잔다', '잤다'],
  ['웃는다', '웃었다'],
  ['달린다', '달렸다'],
  ['노래한다', '노래했다'],
];
const KO_MOTION: Array<[string, string]> = [
  ['간다', '갔다'],
  ['온다', '왔다'],
];
const KO_ADVERBS = ['어제', '오늘', '매일', '천천히', '빨리'];

/** True when the last Hangul syllable of `word` ends in a consonant (batchim). */
export function hasFinalConsonant(word: string): boolean {
  const code = word.charCodeAt(word.length - 1);
  if (code < 0xac00 || code > 0xd7a3) return false;
  return (code - 0xac00) % 28 !== 0;
}

/** Attaches a particle pair [after a vowel, after a consonant], e.g. ['가', '이']. */
function particle(word: string, afterVowel: string, afterConsonant: string): string {
  return word + (hasFinalConsonant(word) ? afterConsonant : afterVowel);
}

export class SentenceGrammar {
  /** The grammatical number of the last English sentence's subject (read after english(); draws nothing). */
  lastSubjectPlural = false;

  constructor(private readonly rng: Rng) {}

  /** English noun phrase; returns words and grammatical number. */
  private nounPhrase(nouns: Noun[], allowModifier: boolean): { words: string[]; plural: boolean } {
    const r = this.rng;
    const noun = r.pick(nouns);
    const plural = r.next() < 0.5;
    const words = [plural ? r.pick(['the', 'the', 'some', 'two']) : r.pick(['the', 'the', 'a', 'one'])];
    if (words[0] === 'a' && r.next() < 0.5) words.push(r.pick(ADJECTIVES.filter((a) => !/^[aeiou]/.test(a))));
    else if (words[0] !== 'a' && r.next() < 0.4) words.push(r.pick(ADJECTIVES));
    words.push(plural ? noun.pl : noun.sg);
    if (allowModifier && r.next() < 0.45) {
      // An attractor: a prepositional phrase whose noun often has the other number.
      const attractor = this.nounPhrase([...THINGS, ...ANIMATE], false);
      words.push(r.pick(['of', 'near', 'with', 'beside', 'behind', 'to']), ...attractor.words);
    } else if (allowModifier && r.next() < 0.2) {
      const other = this.nounPhrase(ANIMATE, false);
      const verb = r.pick(TRANSITIVE);
      words.push('that', ...other.words, other.plural ? verb[1] : verb[0]);
    }
    return { words, plural };
  }

  english(): string[] {
    const r = this.rng;
    const subject = this.nounPhrase(r.next() < 0.7 ? ANIMATE : THINGS, true);
    this.lastSubjectPlural = subject.plural;
    const past = r.next() < 0.3;
    const n = subject.plural ? 1 : 0;
    const words = [...subject.words];
    const kind = r.next();
    if (kind < 0.35) {
      words.push(past ? BE_PAST[n] : BE[n]);
      if (r.next() < 0.5) words.push(r.pick(ADJECTIVES));
      else words.push(r.pick(PREPOSITIONS), ...r.pick(PLACES).split(' '));
    } else if (kind < 0.6) {
      const v = r.pick(INTRANSITIVE);
      words.push(past ? v[2] : v[n]);
      if (r.next() < 0.4) words.push(r.pick(PREPOSITIONS), ...r.pick(PLACES).split(' '));
    } else {
      const v = r.pick(TRANSITIVE);
      words.push(past ? v[2] : v[n], ...this.nounPhrase(r.next() < 0.6 ? THINGS : ANIMATE, false).words);
    }
    if (r.next() < 0.12) {
      // A bracketed aside: the network must remember to close it.
      const inner = this.nounPhrase(ANIMATE, false);
      const v = r.pick(INTRANSITIVE);
      const open = r.pick(['(', '"']);
      words.push(open, ...inner.words, inner.plural ? v[1] : v[0], open === '(' ? ')' : '"');
    }
    words.push(r.next() < 0.9 ? '.' : '!');
    return words;
  }

  korean(): string[] {
    const r = this.rng;
    const words: string[] = [];
    if (r.next() < 0.3) words.push(r.pick(KO_ADVERBS));
    const subject = r.pick(KO_ANIMATE);
    const topic = r.next() < 0.4;
    words.push(topic ? particle(subject, '는', '은') : particle(subject, '가', '이'));
    const past = r.next() < 0.5 ? 1 : 0;
    const kind = r.next();
    if (kind < 0.5) {
      words.push(particle(r.pick(KO_THINGS), '를', '을'), r.pick(KO_TRANSITIVE)[past]);
    } else if (kind < 0.75) {
      words.push(r.pick(KO_PLACES) + '에', r.pick(KO_MOTION)[past]);
    } else {
      if (r.next() < 0.5) words.push(r.pick(KO_PLACES) + '에서');
      words.push(r.pick(KO_INTRANSITIVE)[past]);
    }
    words.push('.');
    return words;
  }

  sentence(): string[] {
    return this.rng.next() < 0.7 ? this.english() : this.korean();
  }
}

/** `count` sentences from the grammar with a fixed seed: the default training corpus. */
export function generateCorpus(count: number, seed: number): string[][] {
  const grammar = new SentenceGrammar(new Rng(seed));
  const out: string[][] = [];
  for (let i = 0; i < count; i++) out.push(grammar.sentence());
  return out;
}

/** Joins tokens back into readable text (no space before punctuation). */
export function detokenize(words: readonly string[]): string {
  let s = '';
  for (const w of words) {
    if (s === '' || /^[.,!?)]$/.test(w) || s.endsWith('(')) s += w;
    else s += ' ' + w;
  }
  return s;
}

/**
 * The part of speech of every word the grammar uses (Korean words by the
 * particle they carry), for the tagging head's default task.
 */
export function grammarTagOf(): Map<string, string> {
  const tags = new Map<string, string>();
  const put = (words: Iterable<string>, tag: string) => {
    for (const w of words) if (!tags.has(w)) tags.set(w, tag);
  };
  put(['the', 'a', 'one', 'some', 'two'], 'DET');
  put(ADJECTIVES, 'ADJ');
  put([...ANIMATE, ...THINGS].flatMap((n) => [n.sg, n.pl]), 'NOUN');
  put([...INTRANSITIVE, ...TRANSITIVE].flat(), 'VERB');
  put([...BE, ...BE_PAST], 'VERB');
  put([...PREPOSITIONS, 'of', 'with', 'to'], 'PREP');
  put(['that'], 'PRON');
  put(['.', '!', '(', ')', '"'], 'PUNCT');
  for (const n of [...KO_ANIMATE, ...KO_THINGS]) {
    put([particle(n, '가', '이')], 'SUBJ');
    put([particle(n, '는', '은')], 'TOPIC');
    put([particle(n, '를', '을')], 'OBJ');
  }
  put(KO_PLACES.flatMap((p) => [p + '에', p + '에서']), 'LOC');
  put([...KO_TRANSITIVE, ...KO_INTRANSITIVE, ...KO_MOTION].flat(), 'VERB');
  put(KO_ADVERBS, 'ADV');
  return tags;
}
