/**
 * Public corpora SeqLens can download: Tatoeba sentence pairs (English and
 * another language), as packaged by manythings.org/anki, one zip per language
 * with a tab-separated file: English, the translation, and the attribution.
 */
export const TATOEBA_LICENCE =
  'Sentence pairs from the Tatoeba Project (https://tatoeba.org), licensed CC-BY 2.0 FR (https://creativecommons.org/licenses/by/2.0/fr/); ' +
  'selected and packaged by https://www.manythings.org/anki/. The third column of every line names the sentences and their authors: keep it when you share the data.';

export const TATOEBA_DEFAULT_URL = 'https://www.manythings.org/anki/';

/** Languages paired with English, by ISO 639-3 code (the archive names). */
export const TATOEBA_LANGUAGES: ReadonlyArray<{ code: string; name: string }> = [
  { code: 'fra', name: 'French' },
  { code: 'deu', name: 'German' },
  { code: 'spa', name: 'Spanish' },
  { code: 'ita', name: 'Italian' },
  { code: 'por', name: 'Portuguese' },
  { code: 'nld', name: 'Dutch' },
  { code: 'rus', name: 'Russian' },
  { code: 'tur', name: 'Turkish' },
  { code: 'kor', name: 'Korean' },
  { code: 'jpn', name: 'Japanese' },
  { code: 'cmn', name: 'Mandarin Chinese' },
  { code: 'ara', name: 'Arabic' },
  { code: 'heb', name: 'Hebrew' },
  { code: 'pol', name: 'Polish' },
  { code: 'ukr', name: 'Ukrainian' },
];

export function tatoebaArchiveUrl(base: string, code: string): string {
  if (!/^[a-z]{3}$/.test(code)) throw new Error(`not a language code: "${code}"`);
  return new URL(`${code}-eng.zip`, base.endsWith('/') ? base : `${base}/`).toString();
}
