"""Time to solution of scikit-learn's GaussianMixture from the bench's initial parameters, for the
side-by-side rows of bench/time-to-solution.ts (run by it; not part of the package).

    python3 sklearn-time-to-solution.py DATA.f64 META.json

DATA.f64: the N x D matrix as raw little-endian float64, row-major (or DATA.npy, a NumPy file).
META.json: {"n", "d", "k", "covarianceType", "weights", "means", "covariances", "tolerance",
"maxIterations", "regCovar"}. Prints one JSON object: {"seconds", "importSeconds", "readSeconds",
"iterations", "converged", "logLikelihood", "sklearn"}.

`seconds` is the wall time of `fit` alone; `importSeconds` that of importing numpy and
scikit-learn, `readSeconds` that of reading the input (the bench times the whole process too);
scikit-learn's rule is its own: stop when the change of the mean log-likelihood per sample is below
`tol`. `logLikelihood` is the total log-likelihood at the returned parameters (score × n).
"""
import time

STARTED = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

import sklearn  # noqa: E402

from sklearn_start import read_input, started_mixture  # noqa: E402

IMPORTED = time.perf_counter()


def main():
    meta, x = read_input(sys.argv[1], sys.argv[2])
    read = time.perf_counter()
    n = meta["n"]
    model = started_mixture(meta, max_iter=int(meta["maxIterations"]), tol=float(meta["tolerance"]), reg_covar=float(meta["regCovar"]))
    start = time.perf_counter()
    model.fit(x)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "importSeconds": IMPORTED - STARTED,
                "readSeconds": read - IMPORTED,
                "iterations": int(model.n_iter_),
                "converged": bool(model.converged_),
                "logLikelihood": float(model.score(x) * n),
                "sklearn": sklearn.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
