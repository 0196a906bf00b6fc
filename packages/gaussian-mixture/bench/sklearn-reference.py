"""Seconds per EM iteration of scikit-learn's GaussianMixture on the bench's data, from the bench's
initial parameters, for the side-by-side column of bench.ts (run by it; not part of the package).

    python3 sklearn-reference.py DATA.f64 META.json

DATA.f64: the N x D matrix as raw little-endian float64, row-major. META.json: {"n", "d", "k",
"covarianceType" (full|tied|diagonal|spherical), "weights", "means", "covariances", "iterations"}.
Prints one JSON object: {"secondsPerIteration", "sklearn", "numpy"}.

Time per iteration: the median over m iterations of scikit-learn's own EM step, timed one by one
as its fit loop runs it (`_e_step`, then `_m_step`; private methods of scikit-learn 1.2) after a
one-iteration fit has set the model up from the given initial parameters — the same statistic as
the bench's (median seconds per iteration), and unaffected by set-up time.
"""
import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

warnings.filterwarnings("ignore", category=ConvergenceWarning)


def precisions_of(covariance_type, covariances):
    c = np.asarray(covariances, dtype=float)
    if covariance_type in ("full", "tied"):
        return np.linalg.inv(c)
    return 1.0 / c


def main():
    data_path, meta_path = sys.argv[1], sys.argv[2]
    with open(meta_path) as handle:
        meta = json.load(handle)
    n, d = meta["n"], meta["d"]
    x = np.fromfile(data_path, dtype="<f8").reshape(n, d)
    kind = {"full": "full", "tied": "tied", "diagonal": "diag", "spherical": "spherical"}[meta["covarianceType"]]
    extra = max(1, int(meta["iterations"]))

    model = GaussianMixture(
        n_components=meta["k"],
        covariance_type=kind,
        max_iter=1,
        tol=0,
        reg_covar=1e-6,
        weights_init=np.asarray(meta["weights"]),
        means_init=np.asarray(meta["means"]),
        precisions_init=precisions_of(meta["covarianceType"], meta["covariances"]),
        # The given initial parameters are used either way; 'random' keeps scikit-learn from
        # running k-means for initial responsibilities it then ignores.
        init_params="random",
        random_state=0,
    )
    model.fit(x)
    times = []
    for _ in range(extra):
        start = time.perf_counter()
        _, log_resp = model._e_step(x)
        model._m_step(x, log_resp)
        times.append(time.perf_counter() - start)
    print(json.dumps({"secondsPerIteration": float(np.median(times)), "sklearn": sklearn.__version__, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
