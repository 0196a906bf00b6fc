#!/usr/bin/env python3
"""Baum-Welch reference for Poisson emissions (hmmlearn's PoissonHMM updates, priors off).

Independent float64 log-space forward-backward over several sequences; M-step: start = summed
first-step posteriors, normalised; transitions = summed expected transitions, row-normalised;
rates lambda_kd = sum_t g_tk x_td / sum_t g_tk. Three states, two columns of counts, three
sequences drawn from a seeded chain.

Writes test/__fixtures__/poisson-reference.json (data, lengths, start parameters, the
log-likelihood at theta_0 ... theta_n, theta_n). Run: /usr/bin/python3 packages/hmm/scripts/poisson-reference.py
"""
import json
import os

import numpy as np
from scipy.special import gammaln, logsumexp

SEED = 61206
ITERATIONS = 40
LENGTHS = [300, 120, 80]


def log_emissions(x, rates):
    return x @ np.log(rates).T - rates.sum(axis=1)[None, :] - gammaln(x + 1.0).sum(axis=1, keepdims=True)


def forward_backward(log_start, log_trans, log_b):
    t_len, k = log_b.shape
    alpha = np.empty((t_len, k))
    beta = np.zeros((t_len, k))
    alpha[0] = log_start + log_b[0]
    for t in range(1, t_len):
        alpha[t] = logsumexp(alpha[t - 1][:, None] + log_trans, axis=0) + log_b[t]
    for t in range(t_len - 2, -1, -1):
        beta[t] = logsumexp(log_trans + (log_b[t + 1] + beta[t + 1])[None, :], axis=1)
    log_likelihood = logsumexp(alpha[-1])
    gamma = np.exp(alpha + beta - log_likelihood)
    xi = np.zeros((k, k))
    for t in range(t_len - 1):
        xi += np.exp(alpha[t][:, None] + log_trans + (log_b[t + 1] + beta[t + 1])[None, :] - log_likelihood)
    return log_likelihood, gamma, xi


def main():
    rng = np.random.default_rng(SEED)
    true_start = np.array([0.6, 0.3, 0.1])
    true_trans = np.array([[0.9, 0.07, 0.03], [0.05, 0.9, 0.05], [0.1, 0.1, 0.8]])
    true_rates = np.array([[1.0, 6.0], [5.0, 0.5], [12.0, 9.0]])
    sequences = []
    for length in LENGTHS:
        state = rng.choice(3, p=true_start)
        rows = []
        for _ in range(length):
            rows.append(rng.poisson(true_rates[state]))
            state = rng.choice(3, p=true_trans[state])
        sequences.append(np.array(rows, dtype=np.float64))
    start = np.array([0.4, 0.3, 0.3])
    trans = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
    rates = np.array([[2.0, 4.0], [4.0, 2.0], [8.0, 8.0]])
    init = {"startProbabilities": start.tolist(), "transitionMatrix": trans.tolist(), "rates": rates.tolist()}
    history = []
    for iteration in range(ITERATIONS + 1):
        total, start_sum, trans_sum = 0.0, np.zeros(3), np.zeros((3, 3))
        weight_sum, weighted = np.zeros(3), np.zeros((3, 2))
        for x in sequences:
            log_likelihood, gamma, xi = forward_backward(np.log(start), np.log(trans), log_emissions(x, rates))
            total += log_likelihood
            start_sum += gamma[0]
            trans_sum += xi
            weight_sum += gamma.sum(axis=0)
            weighted += gamma.T @ x
        history.append(float(total))
        if iteration == ITERATIONS:
            break
        start = start_sum / start_sum.sum()
        trans = trans_sum / trans_sum.sum(axis=1, keepdims=True)
        rates = weighted / weight_sum[:, None]
    fixture = {
        "source": "packages/hmm/scripts/poisson-reference.py (NumPy %s), seed %d" % (np.__version__, SEED),
        "observations": np.concatenate(sequences).astype(int).tolist(),
        "lengths": LENGTHS,
        "init": init,
        "history": history,
        "final": {"startProbabilities": start.tolist(), "transitionMatrix": trans.tolist(), "rates": rates.tolist()},
    }
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "__fixtures__", "poisson-reference.json")
    with open(target, "w") as handle:
        json.dump(fixture, handle)
        handle.write("\n")
    print("wrote", os.path.normpath(target), "final log-likelihood", history[-1])


if __name__ == "__main__":
    main()
