#!/usr/bin/env python3
"""Independent float64 EM for a mixture of independent Poissons, in NumPy (no code shared with
the TypeScript package). Writes test/__fixtures__/reference-em.json: seeded data, a fixed start,
and per-iteration log-likelihoods, objectives and final parameters, for two runs — maximum
likelihood, and MAP with a Gamma(shape, rate) prior on every rate.

    /usr/bin/python3 packages/poisson-mixture/scripts/reference-em.py

Conventions: log-likelihood is the total Σ_i log p(x_i; θ) including the −log x! terms; the
objective adds log p(λ) (Gamma densities, normalised); history entry t is at θ_t, t = 0 … n.
"""
import json
import os

import numpy as np
from scipy.special import gammaln, logsumexp

SEED = 20261206
ROWS, COLUMNS, COMPONENTS = 400, 3, 3
ITERATIONS = 60
MINIMUM_RATE = 1e-10  # the package's floor; never reached on this data (checked below)


def log_likelihood_terms(x, weights, rates):
    """n×K matrix of log π_k + log f_k(x_i)."""
    log_factorials = gammaln(x + 1.0).sum(axis=1, keepdims=True)
    return np.log(weights)[None, :] + x @ np.log(rates).T - rates.sum(axis=1)[None, :] - log_factorials


def log_prior(rates, prior):
    if prior is None:
        return 0.0
    a, b = prior
    return float(np.sum(a * np.log(b) - gammaln(a) + (a - 1.0) * np.log(rates) - b * rates))


def run(x, weights, rates, prior):
    log_likelihoods, objectives = [], []
    for iteration in range(ITERATIONS + 1):
        terms = log_likelihood_terms(x, weights, rates)
        totals = logsumexp(terms, axis=1)
        log_likelihood = float(totals.sum())
        log_likelihoods.append(log_likelihood)
        objectives.append(log_likelihood + log_prior(rates, prior))
        if iteration == ITERATIONS:
            break
        responsibilities = np.exp(terms - totals[:, None])
        mass = responsibilities.sum(axis=0)
        sums = responsibilities.T @ x
        weights = mass / mass.sum()
        if prior is None:
            rates = sums / mass[:, None]
        else:
            a, b = prior
            rates = (sums + a - 1.0) / (mass[:, None] + b)
        assert rates.min() > MINIMUM_RATE
    return {
        "logLikelihoodHistory": log_likelihoods,
        "objectiveHistory": objectives,
        "weights": weights.tolist(),
        "rates": rates.ravel().tolist(),
    }


def main():
    rng = np.random.default_rng(SEED)
    true_weights = np.array([0.5, 0.3, 0.2])
    true_rates = np.array([[0.7, 3.0, 10.0], [6.0, 0.4, 2.0], [15.0, 8.0, 0.2]])
    labels = rng.choice(COMPONENTS, size=ROWS, p=true_weights)
    x = rng.poisson(true_rates[labels]).astype(np.float64)
    start_weights = np.array([0.3, 0.4, 0.3])
    start_rates = np.array([[2.0, 2.0, 5.0], [5.0, 1.0, 3.0], [9.0, 5.0, 1.0]])
    prior = (2.5, 0.5)
    fixture = {
        "source": "packages/poisson-mixture/scripts/reference-em.py (NumPy %s, SciPy gammaln/logsumexp), seed %d" % (np.__version__, SEED),
        "conventions": "total log-likelihood including -log x!; objective = log-likelihood + Gamma log-prior; history[t] at theta_t, t = 0..iterations",
        "rows": ROWS,
        "columns": COLUMNS,
        "components": COMPONENTS,
        "iterations": ITERATIONS,
        "data": x.ravel().astype(int).tolist(),
        "start": {"weights": start_weights.tolist(), "rates": start_rates.ravel().tolist()},
        "maximumLikelihood": run(x, start_weights, start_rates, None),
        "gammaPrior": {"shape": prior[0], "rate": prior[1], **run(x, start_weights, start_rates, prior)},
    }
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "__fixtures__", "reference-em.json")
    with open(target, "w") as handle:
        json.dump(fixture, handle, indent=1)
        handle.write("\n")
    print("wrote", os.path.normpath(target))


if __name__ == "__main__":
    main()
