/**
 * English → Korean sentence pairs from a small grammar, for the embedded
 * translation model. Korean puts the verb last and the time and place early,
 * so attention has to cross:
 *
 *   the small cat ate the bread in the park yesterday .
 *   어제 작은 고양이가 공원에서 빵을 먹었다 .
 *
 * Each pair carries its true word alignment (target position → source
 * positions), so tests can check that the model's attention finds it.
 * Deterministic for a seed. Korean particles follow the noun's last syllable:
 * 이/가 (subject), 을/를 (object); places take 에서.
 */
import { Rng } from '../random';
import { hasFinalConsonant } from './grammar';

interface Noun {
  en: string;
  ko: string;
}

const ANIMATE: Noun[] = [
  { en: 'cat', ko: '고양이' },
  { en: 'dog', ko: '강아지' },
  { en: 'student', ko: '학생' },
  { en: 'teacher', ko: '선생님' },
  { en: 'child', ko: '아이' },
  { en: 'friend', ko: '친구' },
  { en: 'bird', ko: '새' },
  { en: 'farmer', ko: '농부' },
  { en: 'doctor', ko: '의사' },
];

const THINGS: Noun[] = [
  { en: 'book', ko: '책' },
  { en: 'apple', ko: '사과' },
  { en: 'letter', ko: '편지' },
  { en: 'key', ko: '열쇠' },
  { en: 'song', ko: '노래' },
  { en: 'water', ko: '물' },
  { en: 'bread', ko: '빵' },
  { en: 'flower', ko: '꽃' },
  { en: 'window', ko: '창문' },
];

const PLACES: Noun[] = [
  { en: 'school', ko: '학교' },
  { en: 'house', ko: '집' },
  { en: 'park', ko: '공원' },
  { en: 'library', ko: '도서관' },
  { en: 'market', ko: '시장' },
  { en: 'garden', ko: '정원' },
];

const ADJECTIVES: Noun[] = [
  { en: 'small', ko: '작은' },
  { en: 'big', ko: '큰' },
  { en: 'old', ko: '오래된' },
  { en: 'quiet', ko: '조용한' },
  { en: 'happy', ko: '행복한' },
  { en: 'red', ko: '빨간' },
];

interface Verb {
  present: string;
  past: string;
  koPresent: string;
  koPast: string;
  /** Objects it takes (English nouns), or every noun. */
  objects?: string[];
}

const VERBS: Verb[] = [
  { present: 'eats', past: 'ate', koPresent: '먹는다', koPast: '먹었다', objects: ['apple', 'bread'] },
  { present: 'reads', past: 'read', koPresent: '읽는다', koPast: '읽었다', objects: ['book', 'letter'] },
  { present: 'sees', past: 'saw', koPresent: '본다', koPast: '보았다' },
  { present: 'finds', past: 'found', koPresent: '찾는다', koPast: '찾았다', objects: ['book', 'letter', 'key', 'apple', 'flower', 'cat', 'dog', 'bird'] },
  { present: 'likes', past: 'liked', koPresent: '좋아한다', koPast: '좋아했다' },
  { present: 'drinks', past: 'drank', koPresent: '마신다', koPast: '마셨다', objects: ['water'] },
  { present: 'writes', past: 'wrote', koPresent: '쓴다', koPast: '썼다', objects: ['letter', 'book', 'song'] },
  { present: 'opens', past: 'opened', koPresent: '연다', koPast: '열었다', objects: ['window', 'book', 'letter'] },
  { present: 'sings', past: 'sang', koPresent: '부른다', koPast: '불렀다', objects: ['song'] },
  { present: 'buys', past: 'bought', koPresent: '산다', koPast: '샀다', objects: ['apple', 'bread', 'book', 'flower'] },
];

const TIMES: Array<{ en: string; ko: string; tense: 'past' | 'present' | 'any' }> = [
  { en: 'yesterday', ko: '어제', tense: 'past' },
  { en: 'today', ko: '오늘', tense: 'any' },
  { en: 'every day', ko: '매일', tense: 'present' },
];

export interface TranslationPair {
  source: string[];
  target: string[];
  /** For each target token, the source token positions it translates. */
  alignment: number[][];
}

/** One English → Korean pair with its alignment. */
export function generatePair(rng: Rng): TranslationPair {
  const source: string[] = [];
  const target: string[] = [];
  const alignment: number[][] = [];
  const phrase = (noun: Noun, particle: [string, string] | null): { en: number[]; ko: Array<[string, number[]]> } => {
    const adj = rng.next() < 0.4 ? rng.pick(ADJECTIVES) : undefined;
    const at = source.length;
    source.push('the');
    const en: number[] = [at];
    const ko: Array<[string, number[]]> = [];
    if (adj) {
      source.push(adj.en);
      en.push(at + 1);
      ko.push([adj.ko, [at + 1]]);
    }
    source.push(noun.en);
    const n = source.length - 1;
    en.push(n);
    // The noun with its particle, aligned to the noun and its determiner.
    ko.push([particle ? noun.ko + (hasFinalConsonant(noun.ko) ? particle[1] : particle[0]) : noun.ko, [at, n]]);
    return { en, ko };
  };
  const verb = rng.pick(VERBS);
  const subject = phrase(rng.pick(ANIMATE), ['가', '이']);
  const time = rng.next() < 0.4 ? rng.pick(TIMES) : undefined;
  const past = time?.tense === 'past' || (time?.tense !== 'present' && rng.next() < 0.5);
  source.push(past ? verb.past : verb.present);
  const verbAt = source.length - 1;
  const objects = verb.objects ? [...ANIMATE, ...THINGS].filter((x) => verb.objects!.includes(x.en)) : [...ANIMATE, ...THINGS];
  const object = phrase(rng.pick(objects), ['를', '을']);
  let place: { ko: Array<[string, number[]]> } | undefined;
  if (rng.next() < 0.4) {
    const p = rng.pick(PLACES);
    const inAt = source.length;
    source.push(p.en === 'school' || p.en === 'house' ? 'at' : 'in');
    const np = phrase(p, null);
    place = { ko: np.ko.map(([w, src], i) => (i === np.ko.length - 1 ? [`${w}에서`, [inAt, ...src]] : [w, src])) };
  }
  let timeAt = -1;
  if (time) {
    timeAt = source.length;
    source.push(...time.en.split(' '));
  }
  source.push('.');
  const emit = (w: string, src: number[]) => {
    target.push(w);
    alignment.push(src);
  };
  if (time) emit(time.ko, time.en.split(' ').map((_, i) => timeAt + i));
  for (const [w, src] of subject.ko) emit(w, src);
  if (place) for (const [w, src] of place.ko) emit(w, src);
  for (const [w, src] of object.ko) emit(w, src);
  emit(past ? verb.koPast : verb.koPresent, [verbAt]);
  emit('.', [source.length - 1]);
  return { source, target, alignment };
}

/** `count` pairs for a seed (repeats allowed, as a corpus has them). */
export function generateTranslationPairs(count: number, seed: number): TranslationPair[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => generatePair(rng));
}
