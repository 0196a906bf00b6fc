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

/** Word counts: `rows` documents of 30 tokens over 8 features from 3 topics (seeded). */
function counts(core, seed, rows) {
  const random = new core.Random(seed);
  const topics = [
    [0.4, 0.3, 0.1, 0.05, 0.05, 0.04, 0.03, 0.03],
    [0.03, 0.05, 0.1, 0.4, 0.3, 0.05, 0.04, 0.03],
    [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.2],
  ];
  const values = new Float64Array(rows * 8);
  for (let i = 0; i < rows; i++) {
    const topic = topics[random.integer(3)];
    for (let token = 0; token < 30; token++) values[i * 8 + random.categorical(topic)] += 1;
  }
  return core.DenseMatrix.fromArray(values, rows, 8);
}

/** The occasionally dishonest casino: one long sequence of die rolls (symbols 0–5) and the hidden states. */
function casino(core, seed, length) {
  const random = new core.Random(seed);
  const fair = [1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6];
  const loaded = [0.1, 0.1, 0.1, 0.1, 0.1, 0.5];
  const rolls = [];
  let state = 0;
  for (let t = 0; t < length; t++) {
    rolls.push([random.categorical(state === 0 ? fair : loaded)]);
    if (random.next() < (state === 0 ? 0.05 : 0.1)) state = 1 - state;
  }
  return rolls;
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

  /** Multinomial mixture on dense and on sparse (CSR) counts: the two paths must agree too. */
  'multinomial-mixture: fitEm on dense and sparse counts'({ core, multinomial }) {
    const dense = counts(core, 5, 120);
    const out = {};
    for (const [layout, observations] of [
      ['dense', dense],
      ['sparse', core.CsrMatrix.fromDense(dense)],
    ]) {
      const model = multinomial.createMultinomialMixtureModel({ components: 3 });
      const data = { observations };
      const result = core.fitEm(model, data, { seed: 4, nInit: 2, maxIterations: 80, tolerance: 1e-10 });
      out[layout] = fitSummary(model, result, data);
    }
    return out;
  },

  /**
   * Baum–Welch on a categorical HMM. Discrete symbols make exact ties between Viterbi paths common
   * (swapping two states over two equal rolls gives the same product), and a tie is broken by the
   * last bit, so the path is compared through its log-probability; the posterior path is compared.
   */
  'hmm: categorical Baum–Welch, score, decoding'({ core, hmm }) {
    const rolls = casino(core, 9, 400);
    const model = new hmm.HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 6 }, seed: 2, nInit: 2, maxIterations: 60, tolerance: 1e-9 });
    const result = model.fit(rolls);
    const posterior = model.decode(rolls, { algorithm: 'map' });
    return {
      logLikelihood: result.logLikelihood,
      history: [...result.history],
      iterations: result.iterations,
      stopReason: result.stopReason,
      parameters: model.parameters,
      score: model.score(rolls),
      viterbiLogProbability: model.decode(rolls).logProbability,
      posterior: { states: Array.from(posterior.states), logProbability: posterior.logProbability },
    };
  },

  /** A Gaussian HMM on several continuous sequences (no ties): Baum–Welch and the Viterbi path. */
  'hmm: Gaussian emissions, several sequences, Viterbi'({ core, hmm }) {
    const random = new core.Random(12);
    const rows = [];
    const lengths = [60, 90, 50];
    for (const length of lengths) {
      let state = random.integer(3);
      for (let t = 0; t < length; t++) {
        rows.push([2.5 * state + 0.6 * random.normal(), -state + 0.4 * random.normal()]);
        if (random.next() < 0.08) state = random.integer(3);
      }
    }
    const model = new hmm.HiddenMarkovModel({ states: 3, emission: { type: 'gaussian', covariance: 'diagonal' }, seed: 5, maxIterations: 40, tolerance: 1e-9 });
    const result = model.fit({ observations: rows, lengths });
    const viterbi = model.decode({ observations: rows, lengths });
    return {
      logLikelihood: result.logLikelihood,
      history: [...result.history],
      iterations: result.iterations,
      stopReason: result.stopReason,
      parameters: model.parameters,
      viterbi: { states: Array.from(viterbi.states), logProbability: viterbi.logProbability },
    };
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
