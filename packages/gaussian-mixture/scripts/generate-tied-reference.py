#!/usr/bin/env python3
"""Writes tied-covariance EM reference trajectories (test/__fixtures__/tied-reference.json).

An independent, accurate float64 EM for a Gaussian mixture with one shared (tied) covariance,
written for the regression tests of the tied update (issue 10: the tied covariance never
updated on separated, correlated clusters). It is two-pass and centred throughout:

  E-step   log N(x | mu_k, S) by a Cholesky solve of (x - mu_k), log-sum-exp over components;
  M-step   n_k = sum_i r_ik;  mu_k = s + sum_i r_ik (x_i - s) / n_k  (s: the column means, so
           a large offset costs no digits);  S = sum_k sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / n,
           the scatter taken about the *new* means (no X^T X - n mu mu^T cancellation).

Sums of products are accumulated in extended precision (numpy.longdouble, 64-bit mantissa on
x86-64) and rounded once, so the reference is more accurate than either implementation under
test. reg_covar = 0, tol = 0, a fixed number of iterations from given start parameters.

Data sets (generated deterministically from fixed seeds):
  separated-correlated  2-D, three clusters 30 apart along x, shared correlation 0.9999,
                        start covariance = identity (the case that stalled);
  ill-conditioned       3-D, three clusters ~20 apart, shared covariance of condition ~1e6;
  magnitudes            3-D, columns scaled by 1e8 and 1e-6 and one offset by 1e6.

With --sklearn it also runs scikit-learn (reg_covar=0, same start) on each case and prints its
largest relative log-likelihood difference from this reference (not written to the fixture:
the tests do not depend on scikit-learn).

Run: /usr/bin/python3 packages/gaussian-mixture/scripts/generate-tied-reference.py [--sklearn]
"""
import json
import os
import sys

import numpy as np
from scipy.linalg import cholesky, solve_triangular

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "__fixtures__", "tied-reference.json")
LONG = np.longdouble


def log_densities(x, means, cov):
    """n x K log N(x_i | mu_k, cov)."""
    n, d = x.shape
    factor = cholesky(cov, lower=True)
    log_det = 2.0 * np.sum(np.log(np.diag(factor)))
    out = np.empty((n, means.shape[0]))
    for k, mu in enumerate(means):
        y = solve_triangular(factor, (x - mu).T, lower=True)
        out[:, k] = -0.5 * d * np.log(2 * np.pi) - 0.5 * log_det - 0.5 * np.sum(y * y, axis=0)
    return out


def e_step(x, weights, means, cov):
    joint = log_densities(x, means, cov) + np.log(weights)
    top = joint.max(axis=1, keepdims=True)
    row = top[:, 0] + np.log(np.exp(joint - top).sum(axis=1))
    responsibilities = np.exp(joint - row[:, None])
    return float(np.sum(row.astype(LONG))), responsibilities


def m_step(x, responsibilities):
    n, d = x.shape
    shift = x.mean(axis=0)
    centred = (x - shift).astype(LONG)
    r = responsibilities.astype(LONG)
    counts = r.sum(axis=0)
    means = np.array([shift + np.asarray((r[:, k] @ centred) / counts[k], dtype=np.float64) for k in range(r.shape[1])])
    scatter = np.zeros((d, d), dtype=LONG)
    for k in range(r.shape[1]):
        deviation = (x - means[k]).astype(LONG)
        scatter += (deviation * r[:, k][:, None]).T @ deviation
    cov = np.asarray(scatter / counts.sum(), dtype=np.float64)
    cov = 0.5 * (cov + cov.T)
    weights = np.asarray(counts / counts.sum(), dtype=np.float64)
    return weights, means, cov


def run(x, weights, means, cov, iterations):
    lls = []
    for _ in range(iterations):
        ll, resp = e_step(x, weights, means, cov)
        lls.append(ll)
        weights, means, cov = m_step(x, resp)
    lls.append(e_step(x, weights, means, cov)[0])
    return lls, weights, means, cov


def separated_correlated():
    rng = np.random.default_rng(101)
    rho = 0.9999
    shared = np.array([[1.0, rho], [rho, 1.0]])
    factor = np.linalg.cholesky(shared)
    centers = np.array([[0.0, 0.0], [30.0, 0.0], [60.0, 0.0]])
    x = np.vstack([rng.standard_normal((100, 2)) @ factor.T + c for c in centers])
    start = {
        "weights": [1 / 3, 1 / 3, 1 / 3],
        "means": (centers + np.array([[0.5, -0.3], [-0.4, 0.2], [0.3, 0.4]])).tolist(),
        "covariances": np.eye(2).tolist(),
    }
    return x, start, 30


def rotation(rng, d):
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def ill_conditioned_base(seed):
    """3-D, three separated clusters sharing a covariance of condition 1e6 (eigenvalues 1, 1e-3, 1e-6)."""
    rng = np.random.default_rng(seed)
    q = rotation(rng, 3)
    shared = q @ np.diag([1.0, 1e-3, 1e-6]) @ q.T
    factor = np.linalg.cholesky(shared)
    centers = 12.0 * np.array([[0.0, 0.0, 0.0], [1.5, -1.0, 0.5], [-1.0, 1.5, 1.0]])
    x = np.vstack([rng.standard_normal((120, 3)) @ factor.T + c for c in centers])
    start_means = centers + 0.3 * rng.standard_normal((3, 3))
    return x, start_means, np.cov(x.T, bias=True)


def ill_conditioned():
    x, start_means, _ = ill_conditioned_base(202)
    start = {"weights": [0.3, 0.3, 0.4], "means": start_means.tolist(), "covariances": np.eye(3).tolist()}
    return x, start, 40


def magnitudes():
    """A correlated, separated 3-D mixture with column 0 x 1e8, column 1 x 1e-6, column 2 + 1e6."""
    rng = np.random.default_rng(303)
    shared = np.array([[1.0, 0.95, 0.3], [0.95, 1.0, 0.2], [0.3, 0.2, 1.0]])
    factor = np.linalg.cholesky(shared)
    centers = np.array([[0.0, 0.0, 0.0], [6.0, 1.0, -2.0], [-3.0, 5.0, 3.0]])
    z = np.vstack([rng.standard_normal((100, 3)) @ factor.T + c for c in centers])
    scale = np.array([1e8, 1e-6, 1.0])
    offset = np.array([0.0, 0.0, 1e6])
    x = z * scale + offset
    start_means = (centers + np.array([[0.4, -0.2, 0.1], [-0.3, 0.3, 0.2], [0.2, 0.1, -0.4]])) * scale + offset
    start = {"weights": [1 / 3, 1 / 3, 1 / 3], "means": start_means.tolist(), "covariances": np.diag(scale * scale).tolist()}
    return x, start, 30


CASES = {"separated-correlated": separated_correlated, "ill-conditioned": ill_conditioned, "magnitudes": magnitudes}


def sklearn_trajectory(x, start, iterations):
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    precisions = np.linalg.inv(np.array(start["covariances"]))
    lls = []
    for t in range(1, iterations + 1):
        gm = GaussianMixture(n_components=len(start["weights"]), covariance_type="tied", reg_covar=0.0, tol=0.0, max_iter=t,
                             weights_init=start["weights"], means_init=start["means"], precisions_init=precisions)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gm.fit(x)
        if t == 1:
            lls.append(gm.lower_bound_ * x.shape[0])
        lls.append(gm.score(x) * x.shape[0])
    return lls


def main():
    fixture = {"generator": "scripts/generate-tied-reference.py", "numpy": np.__version__, "cases": {}}
    for name, make in CASES.items():
        x, start, iterations = make()
        lls, weights, means, cov = run(x, np.array(start["weights"]), np.array(start["means"]), np.array(start["covariances"]), iterations)
        fixture["cases"][name] = {
            "data": x.tolist(),
            "init": start,
            "iterations": iterations,
            "logLikelihood": lls,
            "final": {"weights": weights.tolist(), "means": means.tolist(), "covariance": cov.tolist()},
        }
        print(f"{name}: log-likelihood {lls[0]:.6f} -> {lls[-1]:.6f}, final covariance condition {np.linalg.cond(cov):.3g}")
        if "--sklearn" in sys.argv:
            theirs = sklearn_trajectory(x, start, iterations)
            worst = max(abs(a - b) / abs(b) for a, b in zip(theirs, lls))
            print(f"  scikit-learn (reg_covar=0, same start): max relative log-likelihood difference {worst:.2e}, final {theirs[-1]:.6f}")
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
