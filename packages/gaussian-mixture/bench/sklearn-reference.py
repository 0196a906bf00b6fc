"""Seconds per EM iteration of scikit-learn's GaussianMixture on the bench's data, from the bench's
initial parameters, for the side-by-side column of bench.ts (run by it; not part of the package).

    python3 sklearn-reference.py DATA.f64 META.json

DATA.f64: the N x D matrix as raw little-endian float64, row-major. META.json: {"n", "d", "k",
"covarianceType" (full|tied|diagonal|spherical), "weights", "means", "covariances", "iterations"}.
Prints one JSON object: {"secondsPerIteration", "sklearn", "numpy"}.

Time per iteration = (time of a fit with 1 + m iterations - time of a fit with 1) / m, so the
set-up (validation, precision Cholesky of the initial parameters) is not counted; the smaller of
two such differences is reported.
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

    def fit_seconds(iterations):
        model = GaussianMixture(
            n_components=meta["k"],
            covariance_type=kind,
            max_iter=iterations,
            tol=0,
            reg_covar=1e-6,
            weights_init=np.asarray(meta["weights"]),
            means_init=np.asarray(meta["means"]),
            precisions_init=precisions_of(meta["covarianceType"], meta["covariances"]),
            # The given initial parameters are used either way; 'random' keeps scikit-learn from
            # running k-means first for initial responsibilities it then ignores (that k-means
            # took a different time in each fit and swamped the difference).
            init_params="random",
            random_state=0,
        )
        start = time.perf_counter()
        model.fit(x)
        return time.perf_counter() - start

    per_iteration = min((fit_seconds(1 + extra) - fit_seconds(1)) / extra for _ in range(2))
    print(json.dumps({"secondsPerIteration": per_iteration, "sklearn": sklearn.__version__, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
