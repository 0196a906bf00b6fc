import {
  type ComponentFamily,
  InvalidDataError,
  InvalidOptionsError,
  InvalidParametersError,
  type JsonValue,
  type MStepContext,
  type Random,
  logGamma,
} from '@em/core';
import { checkFeatureCount, isSparse, shareCountMatrix, type CountMatrix } from './count-matrix.js';
import { checkPseudocount, checkTableShape, readMatrixJson, validateProbabilityVector } from './probability-table.js';
import { addRowProducts, addWeightedRows } from './sparse-kernels.js';
import { multinomialParameterMap } from './multinomial-parameter-map.js';

/** Default Dirichlet pseudocount: prior α = 1 + 0.01 on every probability (a tiny additive smoothing). */
export const DEFAULT_PSEUDOCOUNT = 0.01;

/** Parameters of K multinomial components over V features (plain data). */
export interface MultinomialComponents {
  /** K×V row-major: probabilities[k·V + v] = p_kv; each row sums to 1. */
  readonly probabilities: Float64Array;
  /** K. */
  readonly components: number;
  /** V (vocabulary size). */
  readonly features: number;
}

/**
 * Expected counts, stored transposed (V×K) so the inner loop over components is contiguous:
 * expectedCounts[v·K + k] = Σ_i w_ik x_iv.
 */
export type MultinomialStatistics = { readonly expectedCounts: Float64Array };

/** Per-E-step precomputation: log p transposed, logProbabilities[v·K + k] = log p_kv. */
export interface MultinomialPrepared {
  readonly logProbabilities: Float64Array;
  readonly components: number;
  readonly features: number;
}

export interface MultinomialFamilyOptions {
  /**
   * Dirichlet pseudocount a ≥ 0 on each component's probability vector: a proper Dirichlet(1 + a)
   * prior whose MAP estimate is p_kv = (n_kv + a) / (n_k + V·a). Default 0.01; 0 is plain
   * maximum likelihood (probabilities of unseen features can then be exactly 0).
   */
  readonly pseudocount?: number;
  /** Which parameters to fit (default all); `{ probabilities: false }` keeps them at their initial values. */
  readonly update?: { readonly probabilities?: boolean };
  /**
   * Accept non-integer counts (e.g. tf–idf weights; the "likelihood" is then a quasi-likelihood and
   * the multinomial coefficient uses Γ). Default false: non-integer counts are an error.
   */
  readonly allowNonInteger?: boolean;
  /** Tokens per document drawn by `sample` (default 100). */
  readonly documentLength?: number;
}

/** The resolved options (what `config` records). */
export interface MultinomialFamilyConfig {
  readonly pseudocount: number;
  readonly updateProbabilities: boolean;
  readonly allowNonInteger: boolean;
  readonly documentLength: number;
}

export type MultinomialFamily = ComponentFamily<MultinomialComponents, CountMatrix, MultinomialStatistics, MultinomialPrepared> & {
  readonly options: MultinomialFamilyConfig;
};

/** Resolves and checks options once. */
export function resolveMultinomialOptions(options: MultinomialFamilyOptions = {}): MultinomialFamilyConfig {
  const pseudocount = options.pseudocount ?? DEFAULT_PSEUDOCOUNT;
  checkPseudocount(pseudocount);
  const documentLength = options.documentLength ?? 100;
  if (!Number.isInteger(documentLength) || documentLength < 0) {
    throw new InvalidOptionsError(`documentLength must be an integer ≥ 0; got ${String(documentLength)}.`, 'Pass the number of tokens per sampled document.', {
      option: 'documentLength',
    });
  }
  return {
    pseudocount,
    updateProbabilities: options.update?.probabilities ?? true,
    allowNonInteger: options.allowNonInteger ?? false,
    documentLength,
  };
}

/**
 * Multinomial components over count vectors of length V (bag-of-words documents). Input is a
 * DenseMatrix or a CsrMatrix of counts; the sparse path costs O(nnz·K) per E-step.
 *
 * log f_k(x) = Σ_v x_v log p_kv — WITHOUT the multinomial coefficient log(n!/∏ x_v!), which does
 * not depend on θ (see `logMultinomialCoefficient`). Empty rows (all zero) have log f_k = 0 for
 * every k: they carry no information, and their responsibilities equal the weights.
 */
export function multinomialFamily(options: MultinomialFamilyOptions = {}): MultinomialFamily {
  const resolved = resolveMultinomialOptions(options);
  const { pseudocount, updateProbabilities, allowNonInteger, documentLength } = resolved;

  function estimate(stats: MultinomialStatistics, previous: MultinomialComponents, context: MStepContext): MultinomialComponents {
    const k = previous.components;
    const v = previous.features;
    const counts = stats.expectedCounts;
    const totals = new Float64Array(k);
    for (let f = 0; f < v; f++) {
      const row = f * k;
      // max(0, ·): statistics a caller builds by subtraction (addScaled(s, t, −1)) can hold −1e-17 where the true sum is 0 (core's loops re-sum instead).
      for (let j = 0; j < k; j++) totals[j] = (totals[j] as number) + Math.max(0, counts[row + j] as number);
    }
    const probabilities = new Float64Array(k * v);
    for (let j = 0; j < k; j++) {
      const denominator = (totals[j] as number) + v * pseudocount;
      const out = j * v;
      if (!(denominator > 0)) {
        // No counts reached this component (and no prior): keep its previous probabilities.
        probabilities.set(previous.probabilities.subarray(out, out + v), out);
        context.report({
          type: 'degenerate-component',
          iteration: context.iteration,
          component: j,
          reason: 'vanishing-weight',
          message: `Component ${j} received no counts (only empty documents or no responsibility); its probabilities were kept.`,
          action: 'kept-previous',
        });
        continue;
      }
      const inverse = 1 / denominator;
      for (let f = 0; f < v; f++) probabilities[out + f] = (Math.max(0, counts[f * k + j] as number) + pseudocount) * inverse;
    }
    return { probabilities, components: k, features: v };
  }

  return {
    name: 'multinomial',
    parameterMap: multinomialParameterMap(updateProbabilities),
    options: resolved,
    config: { ...resolved },
    componentCount: (c) => c.components,
    observationCount: (x) => x.rows,
    sliceObservations: (x, start, end) => x.sliceRows(start, end),

    validateData(x, components) {
      if (x.cols < 1) throw new InvalidDataError('The data has no columns.', 'Pass one column per feature (word).');
      if (isSparse(x)) x.validate({ name: 'counts', nonNegative: true, integer: !allowNonInteger });
      else x.validate({ name: 'counts', nonNegative: true, integer: !allowNonInteger });
      if (components !== undefined) checkFeatureCount(x, components.features, 'probability vectors');
    },

    validateComponents(c) {
      checkTableShape(c, 'Multinomial probabilities', 'Give one probability vector of length V per component.');
      for (let j = 0; j < c.components; j++) validateProbabilityVector(c.probabilities, j * c.features, c.features, `component ${j}`, { component: j });
    },

    prepare(c) {
      const k = c.components;
      const v = c.features;
      const logProbabilities = new Float64Array(v * k);
      for (let j = 0; j < k; j++) for (let f = 0; f < v; f++) logProbabilities[f * k + j] = Math.log(c.probabilities[j * v + f] as number);
      return { logProbabilities, components: k, features: v };
    },

    logDensities(prepared, x, start, end, out) {
      out.fill(0, 0, (end - start) * prepared.components);
      addRowProducts(prepared.logProbabilities, prepared.components, x, start, end, out);
    },

    zeroStatistics: (c) => ({ expectedCounts: new Float64Array(c.features * c.components) }),

    accumulate(prepared, stats, x, start, end, weights) {
      addWeightedRows(stats.expectedCounts, prepared.components, x, start, end, weights);
    },

    maximize(stats, previous, context) {
      return updateProbabilities ? estimate(stats, previous, context) : previous;
    },

    expectedLogDensity(c, stats) {
      const k = c.components;
      const v = c.features;
      const counts = stats.expectedCounts;
      let q = 0;
      for (let f = 0; f < v; f++) {
        for (let j = 0; j < k; j++) {
          const n = counts[f * k + j] as number;
          if (n > 0) q += n * Math.log(c.probabilities[j * v + f] as number);
        }
      }
      return q;
    },

    logPrior(c) {
      if (pseudocount === 0 || !updateProbabilities) return 0;
      return dirichletLogPrior(c.probabilities, c.components, c.features, pseudocount);
    },

    freeParameterCount: (c) => (updateProbabilities ? c.components * (c.features - 1) : 0),

    initializeFromWeights(x, weights, k, context) {
      const v = x.cols;
      const stats = { expectedCounts: new Float64Array(v * k) };
      addWeightedRows(stats.expectedCounts, k, x, 0, x.rows, weights);
      const uniform = new Float64Array(k * v).fill(1 / v);
      return estimate(stats, { probabilities: uniform, components: k, features: v }, context);
    },

    sample(c, k, random, out) {
      sampleMultinomial(c.probabilities, k * c.features, c.features, documentLength, random, out);
    },

    sampleDimension: (c) => c.features,

    componentsToJSON: (c) => ({ probabilities: probabilityRows(c.probabilities, c.components, c.features) }),

    componentsFromJSON(json) {
      const record = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as { readonly [key: string]: JsonValue }) : {};
      const rows = readMatrixJson(record['probabilities'], 'probabilities');
      return multinomialComponentsFromRows(rows);
    },

    shareData: shareCountMatrix,
  };
}

/** Σ_k log Dirichlet(p_k; 1 + a, …, 1 + a), normaliser included. */
export function dirichletLogPrior(probabilities: Float64Array, k: number, v: number, pseudocount: number): number {
  const normalizer = logGamma(v * (1 + pseudocount)) - v * logGamma(1 + pseudocount);
  let value = k * normalizer;
  for (let i = 0; i < k * v; i++) value += pseudocount * Math.log(probabilities[i] as number);
  return value;
}

/** Nested K×V rows of a flat K×V table. */
export function probabilityRows(probabilities: Float64Array, k: number, v: number): number[][] {
  const rows: number[][] = [];
  for (let j = 0; j < k; j++) rows.push(Array.from(probabilities.subarray(j * v, (j + 1) * v)));
  return rows;
}

/** Components from nested rows (shape only; call validateComponents for the simplex check). */
export function multinomialComponentsFromRows(rows: ReadonlyArray<ArrayLike<number>>): MultinomialComponents {
  const k = rows.length;
  const v = k === 0 ? 0 : (rows[0] as ArrayLike<number>).length;
  const probabilities = new Float64Array(k * v);
  rows.forEach((row, j) => {
    if (row.length !== v) {
      throw new InvalidParametersError(`probabilities row ${j} has ${row.length} entries but row 0 has ${v}.`, 'Give every component a vector of the vocabulary size.', {
        component: j,
      });
    }
    for (let f = 0; f < v; f++) probabilities[j * v + f] = row[f] as number;
  });
  return { probabilities, components: k, features: v };
}

/** Draws `trials` tokens from probabilities[offset .. offset + v) into `out` (counts). */
export function sampleMultinomial(probabilities: Float64Array, offset: number, v: number, trials: number, random: Random, out: Float64Array): void {
  out.fill(0, 0, v);
  if (scratch.length < v) scratch = new Float64Array(v);
  let total = 0;
  for (let f = 0; f < v; f++) {
    total += probabilities[offset + f] as number;
    scratch[f] = total;
  }
  // Each token: inverse-CDF by binary search on the cumulative sums (O(log V) per token).
  for (let t = 0; t < trials; t++) {
    const u = random.next() * total;
    let low = 0;
    let high = v - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((scratch[mid] as number) > u) high = mid;
      else low = mid + 1;
    }
    out[low] = (out[low] as number) + 1;
  }
}

/** Reused cumulative-sum buffer for sampling (sampling is never re-entered concurrently in one thread). */
let scratch = new Float64Array(0);
