// The fits the smoke test runs twice — in headless Chromium (from the served dist/ files) and in
// Node (from the same dist/ files) — and compares. Plain, browser-safe JavaScript: it receives the
// package namespaces, so each side imports them its own way. Results are plain data.

/** Data drawn with the portable generator: `clusters` Gaussian blobs in 2-D, `perCluster` rows each. */
function blobs(core, seed, clusters, perCluster) {
  const random = new core.Random(seed);
  const n = clusters * perCluster;
  const values = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const cluster = i % clusters;
    const angle = (2 * Math.PI * cluster) / clusters;
    values[2 * i] = 1.5 * Math.cos(angle) + (0.5 + 0.3 * cluster) * random.normal();
    values[2 * i + 1] = 1.5 * Math.sin(angle) + 0.6 * random.normal() + 0.3 * values[2 * i];
  }
  return core.DenseMatrix.fromArray(values, n, 2);
}

/** What is compared of a fit: every number the user sees. */
function fitSummary(model, result, data) {
  return {
    logLikelihood: result.logLikelihood,
    objective: result.objective,
    history: [...result.history],
    iterations: result.iterations,
    stopReason: result.stopReason,
    bic: result.bic,
    aic: result.aic,
    bestRun: result.bestRun,
    parameters: model.parametersToJSON(result.parameters),
    labels: Array.from(model.predict(result.parameters, data)),
  };
}

/** @type {Record<string, (modules: Record<string, any>) => unknown>} */
export const SCENARIOS = {
  /** The portable generator: the same stream of numbers on every platform. */
  'core: Random streams'({ core }) {
    const random = new core.Random(2026);
    const uniforms = Array.from({ length: 8 }, () => random.next());
    const normals = Array.from({ length: 8 }, () => random.normal());
    const gammas = Array.from({ length: 4 }, () => random.gamma(2.5));
    const dirichlet = Array.from(random.dirichlet([1, 2, 3]));
    const categorical = Array.from({ length: 8 }, () => random.categorical([0.2, 0.5, 0.3]));
    const forked = random.fork();
    return { uniforms, normals, gammas, dirichlet, categorical, forked: [forked.next(), forked.next()] };
  },

  /** Batch EM with restarts, every covariance type. */
  'gaussian-mixture: fitEm, every covariance type'({ core, gaussian }) {
    const observations = blobs(core, 7, 3, 80);
    const data = { observations };
    const out = {};
    for (const covariance of gaussian.COVARIANCE_TYPES) {
      const model = gaussian.gaussianMixtureModel({ components: 3, covariance });
      const result = core.fitEm(model, data, { seed: 11, nInit: 2, maxIterations: 60, tolerance: 1e-10 });
      out[covariance] = fitSummary(model, result, data);
    }
    return out;
  },

  /** Incremental EM over chunks, and the per-row scores. */
  'gaussian-mixture: fitEmIncremental, scoreSamples'({ core, gaussian }) {
    const observations = blobs(core, 8, 2, 100);
    const data = { observations };
    const model = gaussian.gaussianMixtureModel({ components: 2, covariance: 'full' });
    const result = core.fitEmIncremental(model, data, { seed: 3, chunks: 4, maxIterations: 30, tolerance: 1e-10 });
    return { ...fitSummary(model, result, data), scores: Array.from(model.scoreSamples(result.parameters, data)) };
  },
};

/** Runs every scenario; a failing one is reported as { error } so the other comparisons still run. */
export function runScenarios(modules) {
  const results = {};
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    try {
      results[name] = { value: scenario(modules) };
    } catch (error) {
      results[name] = { error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error) };
    }
  }
  return results;
}
