// A small program in the demo workspace: "SeqLens: Train Word Vectors on Workspace"
// splits its identifiers (wordCount → word count, MAX_WORD_LENGTH → max word length)
// and learns vectors from them together with the text files around it.

const MAX_WORD_LENGTH = 40;

export function countWords(text: string): Map<string, number> {
  const wordCount = new Map<string, number>();
  for (const rawWord of text.toLowerCase().split(/\s+/)) {
    const word = rawWord.slice(0, MAX_WORD_LENGTH);
    if (word) wordCount.set(word, (wordCount.get(word) ?? 0) + 1);
  }
  return wordCount;
}

export function mostFrequentWords(wordCount: Map<string, number>, limit: number): string[] {
  return [...wordCount.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([word]) => word);
}
