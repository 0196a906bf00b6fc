"""Time to solution of scikit-learn's GaussianMixture from the bench's initial parameters, for the
side-by-side rows of bench/time-to-solution.ts (run by it; not part of the package).

    python3 sklearn-time-to-solution.py DATA.f64 META.json

DATA.f64: the N x D matrix as raw little-endian float64, row-major. META.json: {"n", "d", "k",
"covarianceType", "weights", "means", "covariances", "tolerance", "maxIterations", "regCovar"}.
Prints one JSON object: {"seconds", "iterations", "converged", "logLikelihood", "sklearn"}.

`seconds` is the wall time of `fit` alone (the interpreter's start and imports are not counted);
scikit-learn's rule is its own: stop when the change of the mean log-likelihood per sample is below
`tol`. `logLikelihood` is the total log-likelihood at the returned parameters (score × n).
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
    model = GaussianMixture(
        n_components=meta["k"],
        covariance_type=kind,
        max_iter=int(meta["maxIterations"]),
        tol=float(meta["tolerance"]),
        reg_covar=float(meta["regCovar"]),
        weights_init=np.asarray(meta["weights"]),
        means_init=np.asarray(meta["means"]),
        precisions_init=precisions_of(meta["covarianceType"], meta["covariances"]),
        init_params="random",
        random_state=0,
    )
    start = time.perf_counter()
    model.fit(x)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "iterations": int(model.n_iter_),
                "converged": bool(model.converged_),
                "logLikelihood": float(model.score(x) * n),
                "sklearn": sklearn.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
