import type { JsonValue, MStepContext } from '../contract.js';
import { mixtureFamilyParameterMap } from './mixture-parameter-map.js';
import { InvalidOptionsError, InvalidParametersError } from '../errors.js';
import type { ComponentFamily } from '../family.js';
import { logDirichletDensity, xLogY } from '../numerics/log-sum-exp.js';
import { negligibleLogRatio } from './exponential.js';
import { addLogWeights, exponentiateRow } from './mixture-model.js';
import type { Random } from '../random.js';
import type { Statistics } from '../statistics/algebra.js';

/**
 * Components of a mixture family: K outer components, each a mixture of M inner components.
 * The inner family holds K·M components; outer component k owns inner components k·M … k·M + M − 1.
 */
export interface MixtureFamilyComponents<C> {
  /** K×M row-major mixing weights; each row sums to 1. */
  readonly weights: Float64Array;
  /** The inner family's parameters for all K·M components. */
  readonly inner: C;
}

/** Statistics: Σ_i w_ik r_ikm per sub-component, and the inner family's statistics. */
export interface MixtureFamilyStatistics<FS> {
  readonly weightSums: Float64Array;
  readonly inner: FS;
  readonly [key: string]: Float64Array | FS;
}

/** Per-E-step precomputation: the inner family's, log-weights and a scratch buffer. */
export interface MixtureFamilyPrepared<P> {
  readonly inner: P;
  readonly logWeights: Float64Array;
  readonly outer: number;
  /** Scratch for block × K·M inner log-densities / sub-weights (grown on demand). */
  scratch: Float64Array;
}

export interface MixtureFamilyOptions {
  /** M ≥ 1: inner components per outer component. */
  readonly components: number;
  /**
   * Symmetric Dirichlet concentration α ≥ 1 on each row of weights, as a proper prior; the MAP
   * weight is (N_km + α − 1) / (N_k + M(α − 1)). 1 (the default) is plain maximum likelihood.
   */
  readonly weightConcentration?: number;
  /** Fit the mixing weights (default true). */
  readonly updateWeights?: boolean;
}

/** Rows per block when the inner log-densities are staged (bounds the scratch buffer). */
const BLOCK_ROWS = 1024;

/**
 * A component family whose every component is itself a finite mixture of M components of an
 * `inner` family (e.g. Gaussian-mixture emissions of an HMM):
 *   log f_k(x) = log Σ_m w_km f_{k·M+m}(x),
 * computed with log-sum-exp; `accumulate` splits each row's weight among the sub-components by
 * their sub-responsibilities and hands the result to the inner family.
 */
export function mixtureFamily<C, X, FS extends Statistics, P>(
  inner: ComponentFamily<C, X, FS, P>,
  options: MixtureFamilyOptions,
): ComponentFamily<MixtureFamilyComponents<C>, X, MixtureFamilyStatistics<FS>, MixtureFamilyPrepared<P>> {
  const m = options.components;
  if (!Number.isInteger(m) || m < 1) {
    throw new InvalidOptionsError(`components must be an integer ≥ 1; got ${String(m)}.`, 'Pass the number of inner mixture components per state, e.g. { components: 2 }.', {
      option: 'components',
    });
  }
  /** Sub-component terms below this are dropped, as in the mixture E-step (exponential.ts). */
  const threshold = negligibleLogRatio(m);
  const alpha = options.weightConcentration ?? 1;
  if (!Number.isFinite(alpha) || alpha < 1) {
    throw new InvalidOptionsError(`weightConcentration must be ≥ 1; got ${String(alpha)}.`, 'Use 1 for plain maximum likelihood or a value > 1 to pull weights towards equality.', {
      option: 'weightConcentration',
    });
  }
  const updateWeights = options.updateWeights ?? true;
  const outerCount = (c: MixtureFamilyComponents<C>): number => c.weights.length / m;

  /** Inner log-densities of rows [start, end) into scratch, (i − start)·K·M + j. */
  function innerBlock(prepared: MixtureFamilyPrepared<P>, x: X, start: number, end: number): Float64Array {
    const size = (end - start) * prepared.outer * m;
    if (prepared.scratch.length < size) prepared.scratch = new Float64Array(size);
    inner.logDensities(prepared.inner, x, start, end, prepared.scratch);
    return prepared.scratch;
  }

  return {
    name: 'mixture',
    ...(inner.parameterMap === undefined ? {} : { parameterMap: mixtureFamilyParameterMap(inner.parameterMap, m, updateWeights) }),
    config: { components: m, weightConcentration: alpha, updateWeights, inner: { name: inner.name, config: inner.config } },
    componentCount: outerCount,
    observationCount: (x) => inner.observationCount(x),
    sliceObservations: (x, start, end) => inner.sliceObservations(x, start, end),
    validateData(x, components) {
      inner.validateData(x, components?.inner);
    },
    validateComponents(components) {
      const w = components.weights;
      if (w.length % m !== 0 || w.length === 0) {
        throw new InvalidParametersError(`weights has ${w.length} entries, not a positive multiple of ${m} components.`, `Give K rows of ${m} weights.`, {
          parameter: 'weights',
        });
      }
      const k = w.length / m;
      for (let row = 0; row < k; row++) {
        let sum = 0;
        for (let j = 0; j < m; j++) {
          const v = w[row * m + j] as number;
          if (!Number.isFinite(v) || v < 0) {
            throw new InvalidParametersError(`weights[${row}][${j}] = ${v} is not a probability.`, 'Mixing weights must be finite and ≥ 0.', { parameter: 'weights', row });
          }
          sum += v;
        }
        if (Math.abs(sum - 1) > 1e-8) {
          throw new InvalidParametersError(`weights[${row}] sums to ${sum}, not 1.`, 'Normalise each row of mixing weights.', { parameter: 'weights', row, sum });
        }
      }
      const count = inner.componentCount(components.inner);
      if (count !== k * m) {
        throw new InvalidParametersError(`The inner family has ${count} components; ${k} × ${m} = ${k * m} are needed.`, 'Give M inner components per outer component, in order.', {
          parameter: 'inner',
        });
      }
      inner.validateComponents(components.inner);
    },

    prepare(components) {
      const logWeights = new Float64Array(components.weights.length);
      for (let j = 0; j < logWeights.length; j++) logWeights[j] = Math.log(components.weights[j] as number);
      return { inner: inner.prepare(components.inner), logWeights, outer: outerCount(components), scratch: new Float64Array(0) };
    },

    logDensities(prepared, x, start, end, out) {
      const k = prepared.outer;
      const logWeights = prepared.logWeights;
      for (let blockStart = start; blockStart < end; blockStart += BLOCK_ROWS) {
        const blockEnd = Math.min(end, blockStart + BLOCK_ROWS);
        const scratch = innerBlock(prepared, x, blockStart, blockEnd);
        for (let i = blockStart; i < blockEnd; i++) {
          const base = (i - blockStart) * k * m;
          for (let state = 0; state < k; state++) {
            const offset = base + state * m;
            // The staged block is recomputed per call, so it can be overwritten here.
            const max = addLogWeights(scratch, offset, m, logWeights, state * m);
            out[(i - start) * k + state] = max > -Infinity && max < Infinity ? max + Math.log(exponentiateRow(scratch, offset, m, max, threshold)) : max;
          }
        }
      }
    },

    zeroStatistics(components) {
      return { weightSums: new Float64Array(components.weights.length), inner: inner.zeroStatistics(components.inner) };
    },

    accumulate(prepared, stats, x, start, end, weights) {
      const k = prepared.outer;
      const logWeights = prepared.logWeights;
      const sums = stats.weightSums;
      for (let blockStart = start; blockStart < end; blockStart += BLOCK_ROWS) {
        const blockEnd = Math.min(end, blockStart + BLOCK_ROWS);
        const scratch = innerBlock(prepared, x, blockStart, blockEnd);
        // Turn the staged log-densities into sub-weights w_ik · r_ikm in place.
        for (let i = blockStart; i < blockEnd; i++) {
          const base = (i - blockStart) * k * m;
          for (let state = 0; state < k; state++) {
            const offset = base + state * m;
            const w = weights[(i - start) * k + state] as number;
            const max = addLogWeights(scratch, offset, m, logWeights, state * m);
            if (w === 0 || !(max > -Infinity)) {
              scratch.fill(0, offset, offset + m);
              continue;
            }
            const scale = w / exponentiateRow(scratch, offset, m, max, threshold);
            for (let j = 0; j < m; j++) {
              const r = (scratch[offset + j] as number) * scale;
              scratch[offset + j] = r;
              sums[state * m + j] = (sums[state * m + j] as number) + r;
            }
          }
        }
        inner.accumulate(prepared.inner, stats.inner, x, blockStart, blockEnd, scratch);
      }
    },

    maximize(stats, previous, context) {
      const k = outerCount(previous);
      const innerContext: MStepContext = {
        iteration: context.iteration,
        report: (event) =>
          context.report(
            event.type === 'degenerate-component'
              ? { ...event, component: Math.floor(event.component / m), message: `Sub-component ${event.component % m} of component ${Math.floor(event.component / m)}: ${event.message}` }
              : event,
          ),
      };
      const innerComponents = inner.maximize(stats.inner, previous.inner, innerContext);
      if (!updateWeights) return { weights: previous.weights, inner: innerComponents };
      const a = alpha - 1;
      const weights = new Float64Array(k * m);
      for (let state = 0; state < k; state++) {
        let total = 0;
        for (let j = 0; j < m; j++) total += stats.weightSums[state * m + j] as number;
        const denominator = total + m * a;
        if (!(denominator > 0)) {
          weights.set(previous.weights.subarray(state * m, (state + 1) * m), state * m);
          context.report({
            type: 'degenerate-component',
            iteration: context.iteration,
            component: state,
            reason: 'vanishing-weight',
            message: `Component ${state} received no weight; its mixing weights were kept.`,
            action: 'kept-previous',
          });
          continue;
        }
        for (let j = 0; j < m; j++) weights[state * m + j] = ((stats.weightSums[state * m + j] as number) + a) / denominator;
      }
      return { weights, inner: innerComponents };
    },

    expectedLogDensity(components, stats) {
      let q = 0;
      for (let j = 0; j < components.weights.length; j++) q += xLogY(stats.weightSums[j] as number, components.weights[j] as number);
      return q + inner.expectedLogDensity(components.inner, stats.inner);
    },

    logPrior(components) {
      let value = inner.logPrior(components.inner);
      if (alpha !== 1 && updateWeights && m > 1) {
        const concentration = new Float64Array(m).fill(alpha);
        const k = outerCount(components);
        for (let state = 0; state < k; state++) value += logDirichletDensity(components.weights, concentration, state * m);
      }
      return value;
    },

    freeParameterCount(components) {
      return (updateWeights ? outerCount(components) * (m - 1) : 0) + inner.freeParameterCount(components.inner);
    },

    initializeFromWeights(x, weights, k, context) {
      // Split each row's weight for component k onto one of its M sub-components, chosen by a
      // fixed hash of the row index: a deterministic random partition, so the sub-components
      // start from different subsets of the data.
      const n = inner.observationCount(x);
      const sub = new Float64Array(n * k * m);
      for (let i = 0; i < n; i++) {
        for (let state = 0; state < k; state++) {
          const j = m === 1 ? 0 : hashIndex(i * k + state) % m;
          sub[i * k * m + state * m + j] = weights[i * k + state] as number;
        }
      }
      const innerComponents = inner.initializeFromWeights(x, sub, k * m, context);
      const mixing = new Float64Array(k * m);
      for (let state = 0; state < k; state++) {
        let total = 0;
        for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) total += sub[i * k * m + state * m + j] as number;
        for (let j = 0; j < m; j++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += sub[i * k * m + state * m + j] as number;
          mixing[state * m + j] = total > 0 ? s / total : 1 / m;
        }
      }
      return { weights: mixing, inner: innerComponents };
    },

    sample(components, k, random: Random, out) {
      const j = random.categorical(components.weights, k * m, (k + 1) * m);
      inner.sample(components.inner, k * m + j, random, out);
    },
    sampleDimension: (components) => inner.sampleDimension(components.inner),

    componentsToJSON(components) {
      const k = outerCount(components);
      const rows: number[][] = [];
      for (let state = 0; state < k; state++) rows.push(Array.from(components.weights.subarray(state * m, (state + 1) * m)));
      return { weights: rows, inner: inner.componentsToJSON(components.inner) };
    },
    componentsFromJSON(json: JsonValue) {
      if (json === null || typeof json !== 'object' || Array.isArray(json)) {
        throw new InvalidParametersError('Mixture components must be an object with "weights" and "inner".', 'Pass the output of componentsToJSON.');
      }
      const record = json as { readonly [key: string]: JsonValue };
      const rows = record['weights'];
      if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row) || row.length !== m || row.some((v) => typeof v !== 'number'))) {
        throw new InvalidParametersError(`"weights" must be rows of ${m} numbers.`, `Give K rows of ${m} mixing weights.`, { parameter: 'weights' });
      }
      return { weights: Float64Array.from((rows as number[][]).flat()), inner: inner.componentsFromJSON(record['inner'] ?? null) };
    },
    ...(inner.shareData === undefined ? {} : { shareData: (x: X) => (inner.shareData as (y: X) => X).call(inner, x) }),
    // Each row of weights sums to 1, so a mixture of positive densities is positive.
    ...(inner.positiveDensities === true ? { positiveDensities: true } : {}),
  };
}

/** A fixed integer hash (splitmix-style finaliser) for the deterministic initial partition. */
function hashIndex(i: number): number {
  let z = (i + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
