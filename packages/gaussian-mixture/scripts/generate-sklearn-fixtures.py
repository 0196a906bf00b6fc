#!/usr/bin/env python3
"""Writes scikit-learn reference trajectories for the agreement tests.

For each data set and covariance type, starting from the same given parameters
(weights_init / means_init / precisions_init), with reg_covar=0 and tol=0, it records the
total log-likelihood at theta_0 ... theta_T and the parameters at theta_T.

scikit-learn's lower_bound_ after a fit with max_iter=t is the mean log-likelihood at the
parameters *before* the t-th M-step, so the trajectory is gathered by refitting from the same
start with max_iter = 1 .. T and reading score(X) * n (the log-likelihood at theta_t), plus
lower_bound_ of the max_iter=1 fit for theta_0.

Run with the Debian interpreter that has python3-sklearn:
    /usr/bin/python3 packages/gaussian-mixture/scripts/generate-sklearn-fixtures.py
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "__fixtures__", "sklearn-trajectories.json")
FAITHFUL = "/work/shared/data/faithful.csv"
ITERATIONS = 15
TYPES = ["full", "tied", "diag", "spherical"]
OUR_NAMES = {"full": "full", "tied": "tied", "diag": "diagonal", "spherical": "spherical"}


def load_faithful():
    return np.loadtxt(FAITHFUL, delimiter=",", skiprows=1)


def synthetic_3d():
    rng = np.random.default_rng(20240601)
    centers = np.array([[0.0, 0.0, 0.0], [4.0, 1.0, -2.0], [-3.0, 3.0, 2.0]])
    scales = [np.array([[1.0, 0.3, 0.0], [0.0, 0.8, 0.2], [0.0, 0.0, 0.5]]),
              np.array([[0.6, 0.0, 0.0], [0.2, 1.2, 0.0], [0.1, 0.0, 0.7]]),
              np.array([[0.9, 0.0, 0.0], [0.0, 0.4, 0.0], [0.3, 0.3, 1.1]])]
    parts = [rng.standard_normal((40, 3)) @ s + c for s, c in zip(scales, centers)]
    # Near the origin: scikit-learn's tied and diagonal M-steps subtract large second moments
    # (X^T X - n mu mu^T), so far from the origin they lose digits themselves; translation
    # invariance far from the origin is tested separately against our own fit.
    return np.round(np.vstack(parts), 6)


def initial_parameters(X, k, covariance_type):
    n, d = X.shape
    idx = np.linspace(0, n - 1, k).astype(int)
    order = np.argsort(X[:, 0])
    means = X[order[idx]].copy()
    weights = np.full(k, 1.0 / k)
    cov = np.cov(X.T, bias=True).reshape(d, d)
    if covariance_type == "full":
        covariances = np.array([cov * (1.0 + 0.1 * j) for j in range(k)])
        precisions = np.array([np.linalg.inv(c) for c in covariances])
    elif covariance_type == "tied":
        covariances = cov
        precisions = np.linalg.inv(cov)
    elif covariance_type == "diag":
        covariances = np.array([np.diag(cov) * (1.0 + 0.1 * j) for j in range(k)])
        precisions = 1.0 / covariances
    else:
        covariances = np.array([np.mean(np.diag(cov)) * (1.0 + 0.1 * j) for j in range(k)])
        precisions = 1.0 / covariances
    return weights, means, covariances, precisions


def trajectory(X, k, covariance_type):
    weights, means, covariances, precisions = initial_parameters(X, k, covariance_type)
    n = X.shape[0]
    lls = []
    final = None
    for t in range(1, ITERATIONS + 1):
        gm = GaussianMixture(n_components=k, covariance_type=covariance_type, reg_covar=0.0, tol=0.0,
                             max_iter=t, n_init=1, weights_init=weights, means_init=means,
                             precisions_init=precisions, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gm.fit(X)
        if t == 1:
            lls.append(float(gm.lower_bound_ * n))
        lls.append(float(gm.score(X) * n))
        final = gm
    return {
        "covarianceType": OUR_NAMES[covariance_type],
        "components": k,
        "iterations": ITERATIONS,
        "init": {"weights": weights.tolist(), "means": means.tolist(), "covariances": covariances.tolist()},
        "logLikelihood": lls,
        "final": {
            "weights": final.weights_.tolist(),
            "means": final.means_.tolist(),
            "covariances": final.covariances_.tolist(),
        },
    }


def main():
    datasets = {"faithful": (load_faithful(), 2), "synthetic3d": (synthetic_3d(), 3)}
    out = {
        "about": "scikit-learn GaussianMixture trajectories from given initial parameters (reg_covar=0, tol=0); "
                 "logLikelihood[t] is the total log-likelihood at theta_t, t = 0..iterations. "
                 "Written by scripts/generate-sklearn-fixtures.py.",
        "sklearnVersion": sklearn.__version__,
        "numpyVersion": np.__version__,
        "note": "" if sklearn.__version__ == "1.2.1" else f"generated with scikit-learn {sklearn.__version__}, not 1.2.1",
        "datasets": {},
    }
    for name, (X, k) in datasets.items():
        out["datasets"][name] = {
            "data": X.tolist(),
            "cases": [trajectory(X, k, t) for t in TYPES],
        }
    with open(OUT, "w") as f:
        json.dump(out, f)
    print(f"wrote {OUT} (scikit-learn {sklearn.__version__})")


if __name__ == "__main__":
    main()
