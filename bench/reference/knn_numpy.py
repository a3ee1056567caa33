"""numpy reference for the nearest-neighbour benchmark: cosine top-10 over a 400,000 x 300
float32 matrix of unit rows, one thread (M @ q, then argpartition). Prints {"median_ms": ...}."""
import json, os, statistics, time
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np

N, D = 400_000, 300
rng = np.random.default_rng(1)
M = rng.standard_normal((N, D), dtype=np.float32)
M /= np.linalg.norm(M, axis=1, keepdims=True)
queries = M[rng.integers(0, N, 30)]
times = []
for q in queries:
    t0 = time.perf_counter()
    s = M @ q
    top = np.argpartition(-s, 10)[:10]
    top = top[np.argsort(-s[top])]
    times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"median_ms": statistics.median(times[5:])}))
