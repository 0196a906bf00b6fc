import { type ComponentFamily, InvalidDataError, InvalidParametersError, type JsonValue, type MStepContext, logGamma } from '@em/core';
import { checkFeatureCount, isSparse, shareCountMatrix, type CountMatrix } from './count-matrix.js';
import { multinomialComponentsFromRows, probabilityRows } from './multinomial-family.js';
import { checkPseudocount, checkTableShape, readMatrixJson } from './probability-table.js';
import { addRowProducts, addWeightedRows } from './sparse-kernels.js';
import { bernoulliParameterMap } from './bernoulli-parameter-map.js';

/** Default Beta pseudocount: prior Beta(1 + 0.01, 1 + 0.01) on every probability. */
export const DEFAULT_BERNOULLI_PSEUDOCOUNT = 0.01;

/** Parameters of K Bernoulli components over V binary features (plain data). */
export interface BernoulliComponents {
  /** K×V row-major: probabilities[k·V + v] = P(x_v = 1 | component k). */
  readonly probabilities: Float64Array;
  readonly components: number;
  readonly features: number;
}

/**
 * ones[v·K + k] = Σ_i w_ik x_iv (transposed, contiguous in k); totals[k] = Σ_i w_ik.
 */
export type BernoulliStatistics = { readonly ones: Float64Array; readonly totals: Float64Array };

/**
 * `log f_k(x) = Σ_v log(1 − p_kv) + Σ_{v: x_v = 1} [log p_kv − log(1 − p_kv)]`: the first sum is a
 * per-component constant, so a sparse row costs O(nnz_i·K). Probabilities of exactly 1 are kept
 * out of both sums and checked by counting (a row missing such a feature is impossible).
 */
export interface BernoulliPrepared {
  /** V×K: log p − log(1 − p) (0 where p = 1, −∞ where p = 0). */
  readonly logOdds: Float64Array;
  /** K: Σ_v log(1 − p_kv) over the features with p_kv < 1. */
  readonly constants: Float64Array;
  /** V×K: 1 where p_kv = 1. */
  readonly certain: Uint8Array;
  /** K: how many features have p_kv = 1. */
  readonly certainCounts: Int32Array;
  readonly anyCertain: boolean;
  readonly components: number;
  readonly features: number;
}

export interface BernoulliFamilyOptions {
  /**
   * Beta pseudocount a ≥ 0: a proper Beta(1 + a, 1 + a) prior on every probability, MAP estimate
   * p_kv = (n_kv + a) / (n_k + 2a). Default 0.01; 0 is plain maximum likelihood.
   */
  readonly pseudocount?: number;
  readonly update?: { readonly probabilities?: boolean };
}

export interface BernoulliFamilyConfig {
  readonly pseudocount: number;
  readonly updateProbabilities: boolean;
}

export type BernoulliFamily = ComponentFamily<BernoulliComponents, CountMatrix, BernoulliStatistics, BernoulliPrepared> & {
  readonly options: BernoulliFamilyConfig;
};

export function resolveBernoulliOptions(options: BernoulliFamilyOptions = {}): BernoulliFamilyConfig {
  const pseudocount = options.pseudocount ?? DEFAULT_BERNOULLI_PSEUDOCOUNT;
  checkPseudocount(pseudocount);
  return { pseudocount, updateProbabilities: options.update?.probabilities ?? true };
}

/** Bernoulli components over binary vectors (dense or CSR); sparse E-step O(nnz·K + N·K). */
export function bernoulliFamily(options: BernoulliFamilyOptions = {}): BernoulliFamily {
  const resolved = resolveBernoulliOptions(options);
  const { pseudocount, updateProbabilities } = resolved;

  function estimate(stats: BernoulliStatistics, previous: BernoulliComponents, context: MStepContext): BernoulliComponents {
    const k = previous.components;
    const v = previous.features;
    const probabilities = new Float64Array(k * v);
    for (let j = 0; j < k; j++) {
      // max(0, ·): statistics a caller builds by subtraction (addScaled(s, t, −1)) can hold −1e-17 where the true sum is 0 (core's loops re-sum instead).
      const total = Math.max(0, stats.totals[j] as number);
      const denominator = total + 2 * pseudocount;
      const out = j * v;
      if (!(denominator > 0)) {
        probabilities.set(previous.probabilities.subarray(out, out + v), out);
        context.report({
          type: 'degenerate-component',
          iteration: context.iteration,
          component: j,
          reason: 'vanishing-weight',
          message: `Component ${j} received no responsibility; its probabilities were kept.`,
          action: 'kept-previous',
        });
        continue;
      }
      for (let f = 0; f < v; f++) {
        // min(1, ·): round-off may put Σ w·x a hair above Σ w.
        probabilities[out + f] = Math.min(1, (Math.max(0, stats.ones[f * k + j] as number) + pseudocount) / denominator);
      }
    }
    return { probabilities, components: k, features: v };
  }

  function accumulateInto(stats: BernoulliStatistics, k: number, x: CountMatrix, start: number, end: number, weights: Float64Array): void {
    const { ones, totals } = stats;
    for (let i = start; i < end; i++) {
      const wBase = (i - start) * k;
      for (let j = 0; j < k; j++) totals[j] = (totals[j] as number) + (weights[wBase + j] as number);
    }
    addWeightedRows(ones, k, x, start, end, weights);
  }

  return {
    name: 'bernoulli',
    parameterMap: bernoulliParameterMap(updateProbabilities),
    options: resolved,
    config: { ...resolved },
    componentCount: (c) => c.components,
    observationCount: (x) => x.rows,
    sliceObservations: (x, start, end) => x.sliceRows(start, end),

    validateData(x, components) {
      if (x.cols < 1) throw new InvalidDataError('The data has no columns.', 'Pass one column per binary feature.');
      if (isSparse(x)) {
        x.validate({ name: 'data' });
        const { indptr, indices, values } = x;
        for (let i = 0; i < x.rows; i++) {
          for (let p = indptr[i] as number, e = indptr[i + 1] as number; p < e; p++) {
            const value = values[p] as number;
            if (value !== 0 && value !== 1) throw notBinary(i, indices[p] as number, value);
          }
        }
      } else {
        x.validate({ name: 'data' });
        const { data, cols } = x;
        for (let index = 0; index < data.length; index++) {
          const value = data[index] as number;
          if (value !== 0 && value !== 1) throw notBinary(Math.floor(index / cols), index % cols, value);
        }
      }
      if (components !== undefined) checkFeatureCount(x, components.features, 'probability vectors');
    },

    validateComponents(c) {
      checkTableShape(c, 'Bernoulli probabilities', 'Give one vector of V probabilities per component.');
      for (let i = 0; i < c.probabilities.length; i++) {
        const p = c.probabilities[i] as number;
        if (!(p >= 0 && p <= 1)) {
          const component = Math.floor(i / c.features);
          const feature = i % c.features;
          throw new InvalidParametersError(`probabilities[${component}][${feature}] = ${p} is not a probability in [0, 1].`, 'Give each P(x_v = 1) as a number between 0 and 1.', {
            component,
            feature,
          });
        }
      }
    },

    prepare(c) {
      const k = c.components;
      const v = c.features;
      const logOdds = new Float64Array(v * k);
      const constants = new Float64Array(k);
      const certain = new Uint8Array(v * k);
      const certainCounts = new Int32Array(k);
      let anyCertain = false;
      for (let j = 0; j < k; j++) {
        let constant = 0;
        for (let f = 0; f < v; f++) {
          const p = c.probabilities[j * v + f] as number;
          if (p === 1) {
            certain[f * k + j] = 1;
            certainCounts[j] = (certainCounts[j] as number) + 1;
            anyCertain = true;
            continue; // logOdds stays 0, and log(1 − p) is left out of the constant
          }
          const log1m = Math.log1p(-p);
          constant += log1m;
          logOdds[f * k + j] = Math.log(p) - log1m;
        }
        constants[j] = constant;
      }
      return { logOdds, constants, certain, certainCounts, anyCertain, components: k, features: v };
    },

    logDensities(prepared, x, start, end, out) {
      const { logOdds, constants, certain, certainCounts, anyCertain } = prepared;
      const k = prepared.components;
      for (let i = start; i < end; i++) {
        const base = (i - start) * k;
        for (let j = 0; j < k; j++) out[base + j] = constants[j] as number;
      }
      if (!anyCertain) {
        addRowProducts(logOdds, k, x, start, end, out);
        return;
      }
      const sparse = isSparse(x);
      // With certain features, `hits` counts how many of them a row has (per component).
      const hits = anyCertain ? new Int32Array(k) : undefined;
      for (let i = start; i < end; i++) {
        const base = (i - start) * k;
        if (hits !== undefined) hits.fill(0);
        if (sparse) {
          const { indptr, indices, values } = x;
          for (let p = indptr[i] as number, e = indptr[i + 1] as number; p < e; p++) {
            if ((values[p] as number) === 0) continue;
            const row = (indices[p] as number) * k;
            for (let j = 0; j < k; j++) out[base + j] = (out[base + j] as number) + (logOdds[row + j] as number);
            if (hits !== undefined) for (let j = 0; j < k; j++) hits[j] = (hits[j] as number) + (certain[row + j] as number);
          }
        } else {
          const { data, cols } = x;
          const xBase = i * cols;
          for (let f = 0; f < cols; f++) {
            if ((data[xBase + f] as number) === 0) continue;
            const row = f * k;
            for (let j = 0; j < k; j++) out[base + j] = (out[base + j] as number) + (logOdds[row + j] as number);
            if (hits !== undefined) for (let j = 0; j < k; j++) hits[j] = (hits[j] as number) + (certain[row + j] as number);
          }
        }
        if (hits !== undefined) for (let j = 0; j < k; j++) if ((hits[j] as number) < (certainCounts[j] as number)) out[base + j] = -Infinity;
      }
    },

    zeroStatistics: (c) => ({ ones: new Float64Array(c.features * c.components), totals: new Float64Array(c.components) }),

    accumulate(prepared, stats, x, start, end, weights) {
      accumulateInto(stats, prepared.components, x, start, end, weights);
    },

    maximize(stats, previous, context) {
      return updateProbabilities ? estimate(stats, previous, context) : previous;
    },

    expectedLogDensity(c, stats) {
      const k = c.components;
      const v = c.features;
      let q = 0;
      for (let f = 0; f < v; f++) {
        for (let j = 0; j < k; j++) {
          const p = c.probabilities[j * v + f] as number;
          const ones = Math.max(0, stats.ones[f * k + j] as number);
          const zeros = Math.max(0, (stats.totals[j] as number) - ones);
          if (ones > 0) q += ones * Math.log(p);
          if (zeros > 0) q += zeros * Math.log1p(-p);
        }
      }
      return q;
    },

    logPrior(c) {
      if (pseudocount === 0 || !updateProbabilities) return 0;
      const a = pseudocount;
      const normalizer = logGamma(2 + 2 * a) - 2 * logGamma(1 + a);
      let value = c.probabilities.length * normalizer;
      for (let i = 0; i < c.probabilities.length; i++) {
        const p = c.probabilities[i] as number;
        value += a * (Math.log(p) + Math.log1p(-p));
      }
      return value;
    },

    freeParameterCount: (c) => (updateProbabilities ? c.components * c.features : 0),

    initializeFromWeights(x, weights, k, context) {
      const v = x.cols;
      const stats = { ones: new Float64Array(v * k), totals: new Float64Array(k) };
      accumulateInto(stats, k, x, 0, x.rows, weights);
      return estimate(stats, { probabilities: new Float64Array(k * v).fill(0.5), components: k, features: v }, context);
    },

    sample(c, k, random, out) {
      const v = c.features;
      for (let f = 0; f < v; f++) out[f] = random.next() < (c.probabilities[k * v + f] as number) ? 1 : 0;
    },

    sampleDimension: (c) => c.features,

    componentsToJSON: (c) => ({ probabilities: probabilityRows(c.probabilities, c.components, c.features) }),

    componentsFromJSON(json) {
      const record = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as { readonly [key: string]: JsonValue }) : {};
      return multinomialComponentsFromRows(readMatrixJson(record['probabilities'], 'probabilities'));
    },

    shareData: shareCountMatrix,
  };
}

function notBinary(row: number, column: number, value: number): InvalidDataError {
  return new InvalidDataError(`data[${row}][${column}] = ${value} is not 0 or 1.`, 'Binarise the data first (e.g. x > 0 → 1), or use the multinomial family for counts.', {
    row,
    column,
    value,
  });
}
