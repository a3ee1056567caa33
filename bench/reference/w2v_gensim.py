"""gensim reference for the word2vec benchmark: skip-gram with negative sampling, the same
settings as SeqLens (dim 100, window 5, 5 negatives, sample 1e-3, min_count 5), one worker.
Reads a corpus of one sentence per line (tokens separated by spaces); prints
{"words_per_second": ..., "seconds": ..., "words": ...}; --save PATH writes word2vec text."""
import argparse, json, time
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence

p = argparse.ArgumentParser()
p.add_argument('corpus')
p.add_argument('--epochs', type=int, default=1)
p.add_argument('--seed', type=int, default=1)
p.add_argument('--workers', type=int, default=1)
p.add_argument('--save')
a = p.parse_args()
sentences = list(LineSentence(a.corpus))
words = sum(len(s) for s in sentences)
m = Word2Vec(vector_size=100, window=5, negative=5, sample=1e-3, min_count=5, sg=1, hs=0, workers=a.workers, seed=a.seed)
m.build_vocab(sentences)
t0 = time.perf_counter()
m.train(sentences, total_examples=len(sentences), epochs=a.epochs)
seconds = time.perf_counter() - t0
if a.save:
    m.wv.save_word2vec_format(a.save)
print(json.dumps({"words_per_second": words * a.epochs / seconds, "seconds": seconds, "words": words}))
