"""Independent float64 reference for @em/hmm: log-space forward–backward and plain
maximum-likelihood Baum–Welch (the updates of hmmlearn 0.3 with all priors switched off:
startprob_prior = transmat_prior = emissionprob_prior = 1, means_weight = 0, covars_prior = 0).

Writes test/__fixtures__/reference-trajectories.json: data, initial parameters, the
log-likelihood at θ_0 … θ_n (hmmlearn's monitor history: totals over all sequences) and θ_n.
Run: python3 scripts/reference.py (numpy only).
"""
import json
import os

import numpy as np


def logsumexp(a, axis):
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(a - m), axis=axis))


def forward_backward(log_start, log_trans, log_b):
    t_len, k = log_b.shape
    log_alpha = np.empty((t_len, k))
    log_alpha[0] = log_start + log_b[0]
    for t in range(1, t_len):
        log_alpha[t] = logsumexp(log_alpha[t - 1][:, None] + log_trans, axis=0) + log_b[t]
    log_beta = np.zeros((t_len, k))
    for t in range(t_len - 2, -1, -1):
        log_beta[t] = logsumexp(log_trans + (log_b[t + 1] + log_beta[t + 1])[None, :], axis=1)
    log_l = logsumexp(log_alpha[-1], axis=0)
    gamma = np.exp(log_alpha + log_beta - log_l)
    xi = np.zeros((k, k))
    for t in range(t_len - 1):
        xi += np.exp(log_alpha[t][:, None] + log_trans + (log_b[t + 1] + log_beta[t + 1])[None, :] - log_l)
    return log_l, gamma, xi


def categorical_log_b(x, emission):
    return np.log(emission[:, x].T)


def gaussian_log_b(x, means, covs):
    t_len, d = x.shape
    out = np.empty((t_len, means.shape[0]))
    for k in range(means.shape[0]):
        chol = np.linalg.cholesky(covs[k])
        z = np.linalg.solve(chol, (x - means[k]).T)
        out[:, k] = -0.5 * np.sum(z * z, axis=0) - np.sum(np.log(np.diag(chol))) - 0.5 * d * np.log(2 * np.pi)
    return out


def baum_welch(kind, x, lengths, start, trans, emission, iterations):
    history = []
    k = start.shape[0]
    for it in range(iterations + 1):
        s_start = np.zeros(k)
        s_trans = np.zeros((k, k))
        total = 0.0
        gammas = []
        offset = 0
        with np.errstate(divide='ignore'):
            log_start, log_trans = np.log(start), np.log(trans)
        for length in lengths:
            xs = x[offset:offset + length]
            offset += length
            log_b = categorical_log_b(xs, emission) if kind == 'categorical' else gaussian_log_b(xs, *emission)
            log_l, gamma, xi = forward_backward(log_start, log_trans, log_b)
            total += log_l
            s_start += gamma[0]
            s_trans += xi
            gammas.append(gamma)
        history.append(total)
        if it == iterations:
            break
        gamma = np.concatenate(gammas)
        start = s_start / s_start.sum()
        trans = s_trans / s_trans.sum(axis=1, keepdims=True)
        if kind == 'categorical':
            m = emission.shape[1]
            counts = np.stack([gamma[x == s].sum(axis=0) for s in range(m)], axis=1)
            emission = counts / counts.sum(axis=1, keepdims=True)
        else:
            weights = gamma.sum(axis=0)
            means = (gamma.T @ x) / weights[:, None]
            covs = np.stack([((x - means[j]).T * gamma[:, j]) @ (x - means[j]) / weights[j] for j in range(k)])
            emission = (means, covs)
    return history, start, trans, emission


def sample_chain(rng, start, trans, length):
    z = np.empty(length, dtype=int)
    z[0] = rng.choice(len(start), p=start)
    for t in range(1, length):
        z[t] = rng.choice(len(start), p=trans[z[t - 1]])
    return z


def categorical_case(rng, lengths):
    start = np.array([0.5, 0.3, 0.2])
    trans = np.array([[0.90, 0.07, 0.03], [0.05, 0.90, 0.05], [0.10, 0.10, 0.80]])
    emit = np.array([[0.6, 0.2, 0.1, 0.1], [0.1, 0.6, 0.2, 0.1], [0.1, 0.1, 0.2, 0.6]])
    xs = []
    for length in lengths:
        z = sample_chain(rng, start, trans, length)
        xs.append(np.array([rng.choice(4, p=emit[s]) for s in z]))
    x = np.concatenate(xs)
    init_start = np.array([1 / 3, 1 / 3, 1 / 3])
    init_trans = np.array([[0.5, 0.25, 0.25], [0.25, 0.5, 0.25], [0.25, 0.25, 0.5]])
    init_emit = np.array([[0.4, 0.3, 0.2, 0.1], [0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4]])
    history, s, t, e = baum_welch('categorical', x, lengths, init_start, init_trans, init_emit, 25)
    return {
        'emission': 'categorical', 'symbols': 4, 'observations': x.tolist(), 'lengths': list(map(int, lengths)),
        'init': {'startProbabilities': init_start.tolist(), 'transitionMatrix': init_trans.tolist(), 'emissionProbabilities': init_emit.tolist()},
        'history': history,
        'final': {'startProbabilities': s.tolist(), 'transitionMatrix': t.tolist(), 'emissionProbabilities': e.tolist()},
    }


def gaussian_case(rng, lengths):
    start = np.array([0.6, 0.4, 0.0]) + 0.0
    start = np.array([0.5, 0.3, 0.2])
    trans = np.array([[0.85, 0.10, 0.05], [0.10, 0.80, 0.10], [0.05, 0.15, 0.80]])
    means = np.array([[0.0, 0.0], [3.0, 1.0], [-2.0, 3.0]])
    covs = np.array([[[1.0, 0.3], [0.3, 0.5]], [[0.6, -0.2], [-0.2, 0.8]], [[1.5, 0.0], [0.0, 1.0]]])
    xs = []
    for length in lengths:
        z = sample_chain(rng, start, trans, length)
        xs.append(np.stack([rng.multivariate_normal(means[s], covs[s]) for s in z]))
    x = np.concatenate(xs)
    init_start = np.array([1 / 3, 1 / 3, 1 / 3])
    init_trans = np.full((3, 3), 1 / 3)
    init_means = np.array([[0.5, 0.5], [2.0, 0.0], [-1.0, 2.0]])
    init_covs = np.stack([np.eye(2)] * 3)
    history, s, t, (m, c) = baum_welch('gaussian', x, lengths, init_start, init_trans, (init_means, init_covs), 20)
    return {
        'emission': 'gaussian', 'observations': x.tolist(), 'lengths': list(map(int, lengths)),
        'init': {'startProbabilities': init_start.tolist(), 'transitionMatrix': init_trans.tolist(), 'means': init_means.tolist(), 'covariances': init_covs.tolist()},
        'history': history,
        'final': {'startProbabilities': s.tolist(), 'transitionMatrix': t.tolist(), 'means': m.tolist(), 'covariances': c.tolist()},
    }


def main():
    rng = np.random.default_rng(20261121)
    cases = {
        'categoricalLong': categorical_case(rng, [4000]),
        'categoricalShort': categorical_case(rng, list(rng.integers(3, 30, size=150))),
        'gaussianLong': gaussian_case(rng, [1500]),
        'gaussianShort': gaussian_case(rng, list(rng.integers(3, 25, size=80))),
    }
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, '..', 'test', '__fixtures__', 'reference-trajectories.json'), 'w') as f:
        json.dump({'about': __doc__.strip(), 'cases': cases}, f)


if __name__ == '__main__':
    main()
