"""Reference for the UMAP and t-SNE benchmarks: umap-learn (Debian's umap-learn package) or
scikit-learn's Barnes-Hut TSNE on the same float32 vectors (argv: method, raw file, n, d, coords
out), cosine metric, defaults otherwise (umap-learn: 15 neighbours, min_dist 0.1, spectral start;
TSNE: perplexity 30, PCA start, 1000 iterations), one thread. umap-learn compiles with numba on
its first call: the first run is reported as cold, a second as warm (TSNE runs once). Writes the warm run's
coordinates (float32) and prints {"cold_s", "warm_s"} or {"missing": "..."}."""
import json, os, sys, time
import numpy as np

method, raw, n, d, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
x = np.fromfile(raw, dtype=np.float32).reshape(n, d)

def run():
    if method == "umap":
        import umap
        return umap.UMAP(n_neighbors=15, min_dist=0.1, metric="cosine", random_state=1, n_jobs=1).fit_transform(x)
    from sklearn.manifold import TSNE
    return TSNE(n_components=2, perplexity=30, metric="cosine", init="pca", learning_rate="auto", method="barnes_hut", random_state=1, n_jobs=1).fit_transform(x)

try:
    if method == "umap":
        import umap  # noqa: F401
    else:
        import sklearn.manifold  # noqa: F401
except ImportError as e:
    print(json.dumps({"missing": str(e)}))
    sys.exit(0)
t0 = time.perf_counter(); y = run(); cold = time.perf_counter() - t0
warm = cold
if method == "umap":
    t0 = time.perf_counter(); y = run(); warm = time.perf_counter() - t0
np.asarray(y, dtype=np.float32).tofile(out)
print(json.dumps({"cold_s": cold, "warm_s": warm}))
