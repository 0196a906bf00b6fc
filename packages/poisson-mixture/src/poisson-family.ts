// poisson-family.ts — the per-component part of the model: every column an independent Poisson
// count, f_k(x) = Π_d λ_kd^x_d · exp(−λ_kd) / x_d!, optionally with a Gamma prior on the rates.
import {
  checkAllocation,
  float64Bytes,
  FormatError,
  InvalidDataError,
  InvalidOptionsError,
  InvalidParametersError,
  logGamma,
  resolveMemoryBudget,
  type ComponentFamily,
  type DenseMatrix,
  type JsonValue,
  type MStepContext,
  type Random,
} from '@em/core';
import { poissonParameterMap } from './poisson-parameter-map.js';

/**
 * Parameters of all K components: one rate per component and column. Plain data only (numbers and
 * Float64Arrays), because parameters are structured-cloned to worker threads and serialised.
 */
export interface PoissonComponents {
  /** Number of columns D. */
  readonly dimension: number;
  /** Rate λ_kd > 0 of component k for column d, K×D row-major. */
  readonly rates: Float64Array;
}

/** Expected sufficient statistics, as sums over the observations (sums add across chunks). */
export type PoissonStatistics = {
  /** Σ_i w_ik, length K. */
  readonly weightSums: Float64Array;
  /** Σ_i w_ik · x_id, K×D row-major. */
  readonly weightedSums: Float64Array;
};

/** What is computed once per E-step instead of once per row. */
export interface PoissonPrepared {
  readonly dimension: number;
  readonly rates: Float64Array;
  readonly logRates: Float64Array;
  /** Σ_d λ_kd per component: the −λ part of log f_k does not depend on the row. */
  readonly rateTotals: Float64Array;
}

/** Gamma(shape, rate) prior on every λ_kd, density ∝ λ^(shape − 1) e^(−rate·λ). */
export interface GammaRatePrior {
  /** shape ≥ 1 (so the posterior mode exists and log p stays bounded above). */
  readonly shape: number;
  /** rate > 0 (so the prior is proper). */
  readonly rate: number;
}

export interface PoissonFamilyOptions {
  /**
   * Gamma prior on the rates; the M-step is then its MAP estimate λ = (Σ w x + shape − 1) /
   * (Σ w + rate) and the prior enters the objective. Default: none (maximum likelihood).
   * hmmlearn's `lambdas_prior`, `lambdas_weight` are shape − 1 and rate.
   */
  readonly ratePrior?: GammaRatePrior;
  /**
   * Bytes the K×D rate tables may take (a number, or a string such as '1GiB'; default
   * DEFAULT_MEMORY_BUDGET of @em/core). Checked before the tables of a fit are allocated.
   */
  readonly memoryBudget?: number | string;
}

/**
 * A rate is never set below this. Under maximum likelihood a component that sees only zeros in a
 * column has λ̂ = 0, and log 0 would make every later nonzero count impossible for it; the M-step
 * is the maximiser over λ ≥ MINIMUM_RATE instead (Q is concave in λ, so clamping is exact).
 */
export const MINIMUM_RATE = 1e-10;

/** Under maximum likelihood, a component with less responsibility mass keeps its rates (and is reported). */
const EMPTY_COMPONENT_MASS = 1e-10;

/** K×D tables a fit holds at once: parameters, log-rates, statistics, the M-step's output and the best restart's. */
const WORKING_TABLES = 5;

/**
 * Valid components drawn at random, k components over `dimension` columns, rates between 0.2 and
 * 4 (the generated conformance test and benchmark draw parameters, and through them data, with it).
 */
export function randomPoissonComponents(k: number, dimension: number, random: Random): PoissonComponents {
  const rates = new Float64Array(k * dimension);
  for (let index = 0; index < rates.length; index++) rates[index] = 0.2 * Math.exp(3 * random.next());
  return { dimension, rates };
}

/** stats += Σ_i Σ_k w[(i − start)·K + k] · (1, x_i) for rows [start, end); one row-major pass. */
function accumulateRows(stats: PoissonStatistics, x: DenseMatrix, start: number, end: number, weights: Float64Array, k: number): void {
  const d = x.cols;
  const values = x.data;
  const { weightSums, weightedSums } = stats;
  for (let i = start; i < end; i++) {
    const row = i * d;
    const weightRow = (i - start) * k;
    for (let j = 0; j < k; j++) {
      const w = weights[weightRow + j] as number;
      if (w === 0) continue;
      weightSums[j] = (weightSums[j] as number) + w;
      const target = j * d;
      for (let c = 0; c < d; c++) weightedSums[target + c] = (weightedSums[target + c] as number) + w * (values[row + c] as number);
    }
  }
}

/** One Poisson(λ) draw: multiplication of uniforms for small λ, PTRS transformed rejection (Hörmann 1993) above. */
export function samplePoisson(rate: number, random: Random): number {
  if (rate < 10) {
    const limit = Math.exp(-rate);
    let count = 0;
    for (let product = random.nextOpen(); product > limit; product *= random.nextOpen()) count++;
    return count;
  }
  const root = Math.sqrt(rate);
  const logRate = Math.log(rate);
  const b = 0.931 + 2.53 * root;
  const a = -0.059 + 0.02483 * b;
  const inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const acceptSquare = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = random.next() - 0.5;
    const v = random.nextOpen();
    const us = 0.5 - Math.abs(u);
    const count = Math.floor(((2 * a) / us + b) * u + rate + 0.43);
    if (us >= 0.07 && v <= acceptSquare) return count;
    if (count < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(inverseAlpha) - Math.log(a / (us * us) + b) <= -rate + count * logRate - logGamma(count + 1)) return count;
  }
}

function recordOf(value: JsonValue | undefined, where: string): { readonly [key: string]: JsonValue } {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new FormatError(`${where} must be an object.`, 'Pass the config of a Poisson family (family.config) or of a saved model.');
  }
  return value as { readonly [key: string]: JsonValue };
}

/** The options recorded in a family's `config`. */
export function poissonOptionsFromConfig(config: JsonValue | undefined): PoissonFamilyOptions {
  const record = recordOf(config, 'The Poisson family config');
  const prior = record['ratePrior'];
  const budget = record['memoryBudget'];
  if (budget !== undefined && typeof budget !== 'number') throw new FormatError('memoryBudget in the Poisson family config must be a number.', 'Pass family.config unchanged.');
  const memoryBudget = budget === undefined ? {} : { memoryBudget: budget };
  if (prior === null || prior === undefined) return memoryBudget;
  const priorRecord = recordOf(prior, 'ratePrior');
  const shape = priorRecord['shape'];
  const rate = priorRecord['rate'];
  if (typeof shape !== 'number' || typeof rate !== 'number') throw new FormatError('ratePrior needs numeric "shape" and "rate".', 'Pass family.config unchanged.');
  return { ratePrior: { shape, rate }, ...memoryBudget };
}

/** The components as users see them: one array of D rates per component. */
export interface PlainPoissonComponents {
  readonly rates: readonly (readonly number[])[];
}

export function poissonComponentsToPlain(components: PoissonComponents): { rates: number[][] } {
  const d = components.dimension;
  return { rates: Array.from({ length: components.rates.length / d }, (_, k) => Array.from(components.rates.subarray(k * d, (k + 1) * d))) };
}

/** Users' nested rates as components (shape checked here; values by validateComponents). */
export function poissonComponentsFromPlain(plain: PlainPoissonComponents): PoissonComponents {
  const rows = plain.rates;
  const d = Array.isArray(rows) && Array.isArray(rows[0]) ? rows[0].length : 0;
  if (d === 0 || rows.some((row) => !Array.isArray(row) || row.length !== d)) {
    throw new InvalidParametersError('rates must be K arrays (one per component) of the same length D ≥ 1.', 'Pass e.g. { rates: [[0.5, 3], [6, 1]] } for K = 2 components over D = 2 columns.', {
      parameter: 'rates',
    });
  }
  return { dimension: d, rates: Float64Array.from(rows.flat()) };
}

export class PoissonFamily implements ComponentFamily<PoissonComponents, DenseMatrix, PoissonStatistics, PoissonPrepared> {
  readonly name = 'poisson';
  readonly config: JsonValue;
  /** Rates ↔ log-rates, for accelerated fits (acceleration: 'squarem'). */
  readonly parameterMap = poissonParameterMap;
  readonly ratePrior: GammaRatePrior | undefined;
  readonly memoryBudget: number;
  /** log p(λ) = shape·log rate − logΓ(shape) + (shape − 1)·log λ − rate·λ: the part without λ. */
  private readonly priorConstant: number;

  constructor(options: PoissonFamilyOptions = {}) {
    const prior = options.ratePrior;
    if (prior !== undefined && !(Number.isFinite(prior.shape) && prior.shape >= 1 && Number.isFinite(prior.rate) && prior.rate > 0)) {
      throw new InvalidOptionsError(
        `ratePrior must have shape ≥ 1 and rate > 0 (a proper Gamma prior); got shape ${prior.shape}, rate ${prior.rate}.`,
        'Use e.g. { ratePrior: { shape: 2, rate: 1 } }, or leave ratePrior out for maximum likelihood.',
        { option: 'ratePrior' },
      );
    }
    this.ratePrior = prior === undefined ? undefined : { shape: prior.shape, rate: prior.rate };
    this.memoryBudget = resolveMemoryBudget(options.memoryBudget);
    this.priorConstant = prior === undefined ? 0 : prior.shape * Math.log(prior.rate) - logGamma(prior.shape);
    // Everything needed to rebuild this family in a worker thread or from a saved model.
    this.config = {
      ratePrior: prior === undefined ? null : { shape: prior.shape, rate: prior.rate },
      ...(options.memoryBudget === undefined ? {} : { memoryBudget: this.memoryBudget }),
    };
  }

  /** Inverse of `config` (worker threads, saved models and the HMM's emission registry use it). */
  static fromConfig(config: JsonValue | undefined): PoissonFamily {
    return new PoissonFamily(poissonOptionsFromConfig(config));
  }

  componentCount(components: PoissonComponents): number {
    return components.dimension === 0 ? 0 : components.rates.length / components.dimension;
  }

  observationCount(x: DenseMatrix): number {
    return x.rows;
  }

  sliceObservations(x: DenseMatrix, start: number, end: number): DenseMatrix {
    return x.sliceRows(start, end);
  }

  validateData(x: DenseMatrix, components?: PoissonComponents): void {
    if (components !== undefined && x.cols !== components.dimension) {
      throw new InvalidDataError(
        `The data has ${x.cols} columns but the model has ${components.dimension}.`,
        'Pass counts with the same columns, in the same order, as the data the model was fitted to.',
        { columns: x.cols, expected: components.dimension },
      );
    }
    x.validate({ name: 'counts', nonNegative: true, integer: true });
  }

  /** Refuses K×D rate tables over the memory budget, before they are allocated. */
  checkTables(components: number, dimension: number): void {
    checkAllocation(
      float64Bytes(components, dimension) * WORKING_TABLES,
      this.memoryBudget,
      `A ${components} × ${dimension} table of Poisson rates in ${WORKING_TABLES} working copies`,
      'Check the column count, drop columns that are always zero, or use fewer components',
    );
  }

  validateComponents(components: PoissonComponents): void {
    const d = components.dimension;
    const rates = components.rates;
    if (!(rates instanceof Float64Array) || !Number.isInteger(d) || d < 1 || rates.length === 0 || rates.length % d !== 0) {
      throw new InvalidParametersError(
        `rates must be a non-empty Float64Array of K × dimension entries; got ${rates instanceof Float64Array ? rates.length : typeof rates} entries with dimension ${d}.`,
        'Give one rate per component and column, row-major (component by component).',
        { parameter: 'rates' },
      );
    }
    for (let index = 0; index < rates.length; index++) {
      const value = rates[index] as number;
      if (!Number.isFinite(value) || value <= 0) {
        const component = Math.floor(index / d);
        const column = index % d;
        throw new InvalidParametersError(`rates of component ${component}, column ${column} = ${value} is not a finite positive number.`, 'Poisson rates must be finite and > 0.', {
          parameter: 'rates',
          component,
          column,
        });
      }
    }
  }

  prepare(components: PoissonComponents): PoissonPrepared {
    const { dimension, rates } = components;
    const k = this.componentCount(components);
    const logRates = new Float64Array(rates.length);
    const rateTotals = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let total = 0;
      for (let c = 0; c < dimension; c++) {
        const rate = rates[j * dimension + c] as number;
        logRates[j * dimension + c] = Math.log(rate);
        total += rate;
      }
      rateTotals[j] = total;
    }
    return { dimension, rates, logRates, rateTotals };
  }

  logDensities(prepared: PoissonPrepared, x: DenseMatrix, start: number, end: number, out: Float64Array): void {
    // log f_k(x) = Σ_d x_d log λ_kd − Σ_d λ_kd − Σ_d log x_d!
    const d = prepared.dimension;
    const { logRates, rateTotals } = prepared;
    const k = rateTotals.length;
    const values = x.data;
    for (let i = start; i < end; i++) {
      const row = i * d;
      let logFactorials = 0;
      for (let c = 0; c < d; c++) {
        const count = values[row + c] as number;
        if (count > 1) logFactorials += logGamma(count + 1);
      }
      const outRow = (i - start) * k;
      for (let j = 0; j < k; j++) {
        const parameterRow = j * d;
        let value = -(rateTotals[j] as number) - logFactorials;
        for (let c = 0; c < d; c++) value += (values[row + c] as number) * (logRates[parameterRow + c] as number);
        out[outRow + j] = value;
      }
    }
  }

  /** Pair-list kernel for sparse E-steps: out[q] = log f_{components[q]}(x_{rows[q]}) for q in [from, to). */
  logDensitiesAtPairs(prepared: PoissonPrepared, x: DenseMatrix, rows: Int32Array, components: Int32Array, from: number, to: number, out: Float64Array): void {
    const d = prepared.dimension;
    const { logRates, rateTotals } = prepared;
    const values = x.data;
    for (let q = from; q < to; q++) {
      const component = components[q] as number;
      const parameterRow = component * d;
      const row = (rows[q] as number) * d;
      let value = -(rateTotals[component] as number);
      for (let c = 0; c < d; c++) {
        const count = values[row + c] as number;
        if (count === 0) continue;
        value += count * (logRates[parameterRow + c] as number);
        if (count > 1) value -= logGamma(count + 1);
      }
      out[q] = value;
    }
  }

  /** Pair-list kernel for sparse E-steps: stats += Σ_q weights[q] · (1, x_{rows[q]}) for component components[q]. */
  accumulateAtPairs(_prepared: PoissonPrepared, stats: PoissonStatistics, x: DenseMatrix, rows: Int32Array, components: Int32Array, from: number, to: number, weights: Float64Array): void {
    const d = x.cols;
    const values = x.data;
    const { weightSums, weightedSums } = stats;
    for (let q = from; q < to; q++) {
      const w = weights[q] as number;
      if (w === 0) continue;
      const component = components[q] as number;
      weightSums[component] = (weightSums[component] as number) + w;
      const target = component * d;
      const row = (rows[q] as number) * d;
      for (let c = 0; c < d; c++) weightedSums[target + c] = (weightedSums[target + c] as number) + w * (values[row + c] as number);
    }
  }

  zeroStatistics(components: PoissonComponents): PoissonStatistics {
    const k = this.componentCount(components);
    return { weightSums: new Float64Array(k), weightedSums: new Float64Array(k * components.dimension) };
  }

  accumulate(prepared: PoissonPrepared, stats: PoissonStatistics, x: DenseMatrix, start: number, end: number, weights: Float64Array): void {
    accumulateRows(stats, x, start, end, weights, prepared.rateTotals.length);
  }

  maximize(stats: PoissonStatistics, previous: PoissonComponents, context: MStepContext): PoissonComponents {
    // λ_kd = (S_kd + shape − 1) / (N_k + rate), the MAP estimate (S/N without a prior), at least MINIMUM_RATE.
    const d = previous.dimension;
    const k = this.componentCount(previous);
    const extraCount = this.ratePrior === undefined ? 0 : this.ratePrior.shape - 1;
    const extraMass = this.ratePrior === undefined ? 0 : this.ratePrior.rate;
    const rates = new Float64Array(k * d);
    for (let j = 0; j < k; j++) {
      const mass = stats.weightSums[j] as number;
      if (this.ratePrior === undefined && mass <= EMPTY_COMPONENT_MASS) {
        for (let c = 0; c < d; c++) rates[j * d + c] = previous.rates[j * d + c] as number;
        context.report({
          type: 'degenerate-component',
          iteration: context.iteration,
          component: j,
          reason: 'vanishing-weight',
          message: `Component ${j} received responsibility mass ${mass.toExponential(3)}; its rates were left unchanged.`,
          action: 'kept-previous',
        });
        continue;
      }
      const denominator = mass + extraMass;
      for (let c = 0; c < d; c++) rates[j * d + c] = Math.max(MINIMUM_RATE, ((stats.weightedSums[j * d + c] as number) + extraCount) / denominator);
    }
    return { dimension: d, rates };
  }

  expectedLogDensity(components: PoissonComponents, stats: PoissonStatistics): number {
    // Σ_k Σ_d S_kd log λ_kd − N_k λ_kd; Σ_i w_i log x_i! does not depend on the rates and is left out.
    const d = components.dimension;
    const k = this.componentCount(components);
    let total = 0;
    for (let j = 0; j < k; j++) {
      const mass = stats.weightSums[j] as number;
      for (let c = 0; c < d; c++) {
        const rate = components.rates[j * d + c] as number;
        const sum = stats.weightedSums[j * d + c] as number;
        total += (sum === 0 ? 0 : sum * Math.log(rate)) - mass * rate;
      }
    }
    return total;
  }

  logPrior(components: PoissonComponents): number {
    const prior = this.ratePrior;
    if (prior === undefined) return 0;
    let total = 0;
    for (let index = 0; index < components.rates.length; index++) {
      const rate = components.rates[index] as number;
      total += this.priorConstant + (prior.shape - 1) * Math.log(rate) - prior.rate * rate;
    }
    return total;
  }

  freeParameterCount(components: PoissonComponents): number {
    return components.rates.length;
  }

  initializeFromWeights(x: DenseMatrix, weights: Float64Array, k: number, context: MStepContext): PoissonComponents {
    const d = x.cols;
    this.checkTables(k, d);
    // Components without mass start from the column means of the whole data (at least MINIMUM_RATE).
    const fallback = new Float64Array(k * d);
    for (let c = 0; c < d; c++) {
      let sum = 0;
      for (let i = 0; i < x.rows; i++) sum += x.data[i * d + c] as number;
      const rate = Math.max(MINIMUM_RATE, x.rows > 0 ? sum / x.rows : 1);
      for (let j = 0; j < k; j++) fallback[j * d + c] = rate;
    }
    const stats: PoissonStatistics = { weightSums: new Float64Array(k), weightedSums: new Float64Array(k * d) };
    accumulateRows(stats, x, 0, x.rows, weights, k);
    return this.maximize(stats, { dimension: d, rates: fallback }, context);
  }

  sample(components: PoissonComponents, k: number, random: Random, out: Float64Array): void {
    const d = components.dimension;
    for (let c = 0; c < d; c++) out[c] = samplePoisson(components.rates[k * d + c] as number, random);
  }

  sampleDimension(components: PoissonComponents): number {
    return components.dimension;
  }

  componentsToJSON(components: PoissonComponents): JsonValue {
    return { dimension: components.dimension, rates: Array.from(components.rates) };
  }

  componentsFromJSON(json: JsonValue): PoissonComponents {
    const record = recordOf(json, 'Poisson components');
    const dimension = record['dimension'];
    const rates = record['rates'];
    if (typeof dimension !== 'number' || !Number.isInteger(dimension) || dimension < 1 || !Array.isArray(rates) || rates.some((value) => typeof value !== 'number')) {
      throw new FormatError('Poisson components need an integer "dimension" ≥ 1 and "rates", an array of numbers.', 'Pass the output of componentsToJSON.');
    }
    this.checkTables(Math.ceil(rates.length / dimension), dimension);
    return { dimension, rates: Float64Array.from(rates as number[]) };
  }

  shareData(x: DenseMatrix): DenseMatrix {
    return x.toShared();
  }
}
