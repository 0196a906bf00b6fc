"""Seconds per EM iteration of a vectorised NumPy + scipy.sparse multinomial mixture on the bench's
data, from the bench's initial parameters, for the side-by-side column of bench.ts (run by it; not
part of the package). The same EM as @em/multinomial-mixture's default model:

    E-step   L = X @ log(theta).T + log(weights)        (N x K, X a CSR matrix)
             log p(x_i) = logsumexp_k L[i, k];  R = exp(L - log p(x_i))
    M-step   weights = R.sum(0) / N                     (weightConcentration 1: maximum likelihood)
             theta[k] = (n_k + a) / (sum_v n_kv + V a),  n = (X.T @ R).T   (Dirichlet(1 + a) MAP)

The log-likelihood leaves out the multinomial coefficient, as the package's does.

    python3 numpy-reference.py FOLDER

FOLDER holds indptr.i32, indices.i32 (little-endian int32), values.f64, theta.f64 (K x V,
row-major), weights.f64 (little-endian float64) and meta.json: {"rows", "cols", "k", "pseudocount",
"iterations", "fits"}. Prints one JSON object: {"secondsPerIteration" (per fit, its median wall-clock seconds per
iteration, E-step + M-step, as the package's FitResult.secondsPerIteration), "cpuSecondsPerIteration"
(per fit, its process CPU seconds / (iterations + 1) E-steps, the final evaluation included, as
bench.ts counts ours), "iterationCpuSeconds" (per fit, the CPU seconds of its iterations /
iterations: E-step + M-step without set-up or final evaluation), "logLikelihoods" (log p(X; theta_t) for t = 0 ... iterations, of
the first fit), "numpy", "scipy"}.
"""
import json
import os
import sys
import time

import numpy as np
import scipy
import scipy.sparse


def e_step(x, log_weights, theta):
    """Log-likelihood and responsibilities at (weights, theta)."""
    with np.errstate(divide="ignore"):
        log_theta = np.log(theta)
    joint = x @ log_theta.T
    joint += log_weights
    top = joint.max(axis=1, keepdims=True)
    log_norm = top + np.log(np.exp(joint - top).sum(axis=1, keepdims=True))
    return float(log_norm.sum()), np.exp(joint - log_norm)


def m_step(x, responsibilities, pseudocount):
    counts = (x.T @ responsibilities).T  # K x V expected counts
    totals = counts.sum(axis=1, keepdims=True)
    theta = (counts + pseudocount) / (totals + x.shape[1] * pseudocount)
    weights = responsibilities.sum(axis=0) / x.shape[0]
    return weights, theta


def fit(x, weights, theta, pseudocount, iterations):
    """`iterations` EM steps from (weights, theta): per-iteration wall seconds, CPU seconds of the
    iterations and of the whole fit (the final evaluation included), log-likelihoods."""
    seconds = []
    history = []
    cpu_start = time.process_time()
    for _ in range(iterations):
        start = time.perf_counter()
        with np.errstate(divide="ignore"):
            log_weights = np.log(weights)
        log_likelihood, responsibilities = e_step(x, log_weights, theta)
        weights, theta = m_step(x, responsibilities, pseudocount)
        seconds.append(time.perf_counter() - start)
        history.append(log_likelihood)
    loop_cpu = time.process_time() - cpu_start
    with np.errstate(divide="ignore"):
        history.append(e_step(x, np.log(weights), theta)[0])
    return seconds, loop_cpu, time.process_time() - cpu_start, history


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "meta.json")) as handle:
        meta = json.load(handle)
    rows, cols, k = int(meta["rows"]), int(meta["cols"]), int(meta["k"])
    read = lambda name, kind: np.fromfile(os.path.join(folder, name), dtype=kind)
    x = scipy.sparse.csr_matrix((read("values.f64", "<f8"), read("indices.i32", "<i4"), read("indptr.i32", "<i4")), shape=(rows, cols))
    theta = read("theta.f64", "<f8").reshape(k, cols)
    weights = read("weights.f64", "<f8")
    iterations = max(1, int(meta["iterations"]))
    walls, loop_cpus, cpus, first = [], [], [], None
    for _ in range(max(1, int(meta["fits"]))):
        seconds, loop_cpu, cpu, history = fit(x, weights.copy(), theta.copy(), float(meta["pseudocount"]), iterations)
        walls.append(float(np.median(seconds)))
        loop_cpus.append(loop_cpu / iterations)
        cpus.append(cpu / (iterations + 1))
        first = history if first is None else first
    print(json.dumps({
        "secondsPerIteration": walls,
        "iterationCpuSeconds": loop_cpus,
        "cpuSecondsPerIteration": cpus,
        "logLikelihoods": first,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }))


if __name__ == "__main__":
    main()
