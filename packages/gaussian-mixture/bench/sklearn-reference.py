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

import numpy as np
import sklearn

from sklearn_start import read_input, started_mixture


def main():
    meta, x = read_input(sys.argv[1], sys.argv[2])
    extra = max(1, int(meta["iterations"]))

    model = started_mixture(meta, max_iter=1, tol=0, reg_covar=1e-6)
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
