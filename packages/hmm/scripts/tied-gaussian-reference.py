#!/usr/bin/env python3
"""Baum-Welch reference for Gaussian emissions with one shared (tied) covariance.

Regression data for issue 10 (the tied covariance update was deferred at every iteration on
separated, correlated states): 2-D, three states whose means lie 30 apart along x, shared
correlation 0.9999, start covariance = identity. Independent float64 log-space forward-backward;
M-step two-pass and centred: mu_k = sum_t g_tk x_t / n_k, then
S = sum_k sum_t g_tk (x_t - mu_k)(x_t - mu_k)^T / sum_k n_k about the new means (extended-precision
sums, numpy.longdouble). No priors.

Writes test/__fixtures__/tied-gaussian-reference.json (data, start parameters, the log-likelihood
at theta_0 ... theta_n, theta_n). Run: /usr/bin/python3 packages/hmm/scripts/tied-gaussian-reference.py
"""
import json
import os

import numpy as np
from scipy.linalg import cholesky, solve_triangular

LONG = np.longdouble
ITERATIONS = 25


def logsumexp(a, axis):
    m = np.max(a, axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(a - m), axis=axis))


def log_emissions(x, means, cov):
    d = x.shape[1]
    factor = cholesky(cov, lower=True)
    log_det = 2.0 * np.sum(np.log(np.diag(factor)))
    out = np.empty((x.shape[0], means.shape[0]))
    for k, mu in enumerate(means):
        y = solve_triangular(factor, (x - mu).T, lower=True)
        out[:, k] = -0.5 * d * np.log(2 * np.pi) - 0.5 * log_det - 0.5 * np.sum(y * y, axis=0)
    return out


def forward_backward(log_start, log_trans, log_b):
    t_len, k = log_b.shape
    alpha = np.empty((t_len, k))
    alpha[0] = log_start + log_b[0]
    for t in range(1, t_len):
        alpha[t] = logsumexp(alpha[t - 1][:, None] + log_trans, axis=0) + log_b[t]
    beta = np.zeros((t_len, k))
    for t in range(t_len - 2, -1, -1):
        beta[t] = logsumexp(log_trans + (log_b[t + 1] + beta[t + 1])[None, :], axis=1)
    log_l = logsumexp(alpha[-1], axis=0)
    gamma = np.exp(alpha + beta - log_l)
    xi = np.zeros((k, k))
    for t in range(t_len - 1):
        xi += np.exp(alpha[t][:, None] + log_trans + (log_b[t + 1] + beta[t + 1])[None, :] - log_l)
    return log_l, gamma, xi


def baum_welch(x, start, trans, means, cov, iterations):
    history = []
    for it in range(iterations + 1):
        with np.errstate(divide="ignore"):
            log_l, gamma, xi = forward_backward(np.log(start), np.log(trans), log_emissions(x, means, cov))
        history.append(float(log_l))
        if it == iterations:
            break
        start = gamma[0] / gamma[0].sum()
        trans = xi / xi.sum(axis=1, keepdims=True)
        g = gamma.astype(LONG)
        counts = g.sum(axis=0)
        shift = x.mean(axis=0)
        centred = (x - shift).astype(LONG)
        means = np.array([shift + np.asarray((g[:, k] @ centred) / counts[k], dtype=np.float64) for k in range(g.shape[1])])
        scatter = np.zeros((x.shape[1], x.shape[1]), dtype=LONG)
        for k in range(g.shape[1]):
            deviation = (x - means[k]).astype(LONG)
            scatter += (deviation * g[:, k][:, None]).T @ deviation
        cov = np.asarray(scatter / counts.sum(), dtype=np.float64)
        cov = 0.5 * (cov + cov.T)
    return history, start, trans, means, cov


def main():
    rng = np.random.default_rng(404)
    rho = 0.9999
    factor = np.linalg.cholesky(np.array([[1.0, rho], [rho, 1.0]]))
    true_means = np.array([[0.0, 0.0], [30.0, 0.0], [60.0, 0.0]])
    true_trans = np.array([[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]])
    states = [0]
    for _ in range(399):
        states.append(int(rng.choice(3, p=true_trans[states[-1]])))
    x = true_means[states] + rng.standard_normal((400, 2)) @ factor.T
    start = np.full(3, 1 / 3)
    trans = np.full((3, 3), 1 / 3)
    means = true_means + np.array([[0.5, -0.3], [-0.4, 0.2], [0.3, 0.4]])
    cov = np.eye(2)
    history, s, t, m, c = baum_welch(x, start, trans, means, cov, ITERATIONS)
    print(f"log-likelihood {history[0]:.6f} -> {history[-1]:.6f}; final covariance {c.tolist()}")
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "test", "__fixtures__", "tied-gaussian-reference.json"), "w") as f:
        json.dump({
            "generator": "scripts/tied-gaussian-reference.py",
            "observations": x.tolist(),
            "lengths": [len(x)],
            "init": {"startProbabilities": start.tolist(), "transitionMatrix": trans.tolist(), "means": means.tolist(), "covariance": cov.tolist()},
            "history": history,
            "final": {"startProbabilities": s.tolist(), "transitionMatrix": t.tolist(), "means": m.tolist(), "covariance": c.tolist()},
        }, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
