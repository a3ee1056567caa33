"""Reference for the PCA benchmark: 400,000 x 300 float32 with the same planted spectrum (variance
1/(1+i) per dimension), projected to 2D the way numpy users do it: centre, the 300 x 300 covariance
X^T X, numpy.linalg.eigh, the top two eigenvectors, X V. scikit-learn's randomized PCA too when it is
installed. One thread. Prints {"numpy_s": ..., "sklearn_s": ... or null}."""
import json, os, statistics, time
import numpy as np

rng = np.random.default_rng(5)
n, d = 400_000, 300
x = (rng.standard_normal((n, d), dtype=np.float32) / np.sqrt(1 + np.arange(d, dtype=np.float32))).astype(np.float32)

def numpy_pca():
    c = x - x.mean(axis=0)
    w, v = np.linalg.eigh(c.T @ c)
    return c @ v[:, ::-1][:, :2]

def timed(f):
    ts = []
    for _ in range(3):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    return statistics.median(ts)

out = {"numpy_s": timed(numpy_pca), "sklearn_s": None}
try:
    from sklearn.decomposition import PCA
    out["sklearn_s"] = timed(lambda: PCA(n_components=2, svd_solver="randomized", random_state=0).fit_transform(x))
except ImportError:
    pass
print(json.dumps(out))
