// poisson-family.ts — the per-component part of the model (what one component's density is).
// TODO(new-model): replace the placeholder family below with yours. It models every column as an
// independent exponential distribution, f_k(x) = Π_d λ_kd · exp(−λ_kd · x_d) for x_d ≥ 0, so the
// package works end to end (fit, sample, serialise, conformance) while you write the real one.
import {
  FormatError,
  InvalidDataError,
  InvalidOptionsError,
  InvalidParametersError,
  logGamma,
  type ComponentFamily,
  type DenseMatrix,
  type JsonValue,
  type MStepContext,
  type Random,
} from '@em/core';

/**
 * Parameters of ALL K components together (so shared parameters, like a tied covariance, fit
 * naturally). Plain data only — numbers and Float64Arrays — because parameters are structured-cloned
 * to worker threads and serialised.
 * TODO(new-model): your parameters.
 */
export interface PoissonComponents {
  /** Number of columns D. */
  readonly dimension: number;
  /** Rate λ_kd > 0 of component k for column d, K×D row-major. */
  readonly rates: Float64Array;
}

/**
 * Expected sufficient statistics, as SUMS over the observations (sums add across chunks; means
 * do not). A type alias (not an interface) so it is assignable to core's `Statistics` tree.
 * TODO(new-model): your sufficient statistics. Keep every leaf a Float64Array (updated in place).
 */
export type PoissonStatistics = {
  /** Σ_i w_ik, length K. */
  readonly weightSums: Float64Array;
  /** Σ_i w_ik · x_id, K×D row-major. */
  readonly weightedSums: Float64Array;
};

/** What is worth computing once per E-step instead of once per row. TODO(new-model). */
export interface PoissonPrepared {
  readonly dimension: number;
  readonly rates: Float64Array;
  readonly logRates: Float64Array;
}

/**
 * Options of the family, chosen once. Regularisation is a PRIOR (it enters logPrior, so the
 * objective still never decreases), not a post-hoc fix-up of the M-step.
 * TODO(new-model): your options.
 */
export interface PoissonFamilyOptions {
  /**
   * Gamma(shape, rate) prior on every λ_kd. The default { shape: 1, rate: 0 } is plain maximum
   * likelihood; e.g. { shape: 2, rate: 1 } keeps rates finite when a component sees only zeros.
   */
  readonly ratePrior?: { readonly shape: number; readonly rate: number };
}

/** A component whose responsibility mass falls below this is left as it was (and reported). */
const EMPTY_COMPONENT_MASS = 1e-10;

/**
 * stats += Σ_i Σ_k w[(i − start)·K + k] · T_k(x_i) for rows [start, end). One pass, row-major,
 * indices computed once per row, no allocation inside the loop.
 */
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

export class PoissonFamily implements ComponentFamily<PoissonComponents, DenseMatrix, PoissonStatistics, PoissonPrepared> {
  readonly name = 'poisson';
  readonly config: JsonValue;
  private readonly priorShape: number;
  private readonly priorRate: number;

  constructor(options: PoissonFamilyOptions = {}) {
    const shape = options.ratePrior?.shape ?? 1;
    const rate = options.ratePrior?.rate ?? 0;
    if (!Number.isFinite(shape) || shape < 1 || !Number.isFinite(rate) || rate < 0 || (rate === 0 && shape !== 1)) {
      throw new InvalidOptionsError(
        `ratePrior must have shape ≥ 1 and rate > 0 (or be { shape: 1, rate: 0 } for maximum likelihood); got shape ${shape}, rate ${rate}.`,
        'Use e.g. { ratePrior: { shape: 2, rate: 1 } }, or leave ratePrior out.',
        { option: 'ratePrior' },
      );
    }
    this.priorShape = shape;
    this.priorRate = rate;
    // Everything needed to rebuild this family in a worker thread or from a saved model.
    this.config = { ratePrior: { shape, rate } };
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
    // TODO(new-model): the support of your density. Messages name the row/column and the remedy.
    x.validate({ nonNegative: true });
    if (components !== undefined && x.cols !== components.dimension) {
      throw new InvalidDataError(
        `The data has ${x.cols} columns but the model was fitted to ${components.dimension}.`,
        'Pass data with the same columns, in the same order, as the data the model was fitted to.',
        { columns: x.cols, expected: components.dimension },
      );
    }
  }

  validateComponents(components: PoissonComponents): void {
    // TODO(new-model): check every parameter; name the component and the parameter in the message.
    const d = components.dimension;
    if (!Number.isInteger(d) || d < 1 || components.rates.length % d !== 0) {
      throw new InvalidParametersError(
        `rates has ${components.rates.length} entries, which is not K × dimension (dimension ${d}).`,
        'Give one rate per component and column, row-major (component by component).',
        { parameter: 'rates' },
      );
    }
    for (let index = 0; index < components.rates.length; index++) {
      const value = components.rates[index] as number;
      if (!Number.isFinite(value) || value <= 0) {
        const component = Math.floor(index / d);
        const column = index % d;
        throw new InvalidParametersError(
          `rates of component ${component}, column ${column} = ${value} is not a finite positive number.`,
          'Rates must be > 0; refit, or use a ratePrior to keep them finite.',
          { parameter: 'rates', component, column },
        );
      }
    }
  }

  prepare(components: PoissonComponents): PoissonPrepared {
    const logRates = new Float64Array(components.rates.length);
    for (let index = 0; index < logRates.length; index++) logRates[index] = Math.log(components.rates[index] as number);
    return { dimension: components.dimension, rates: components.rates, logRates };
  }

  logDensities(prepared: PoissonPrepared, x: DenseMatrix, start: number, end: number, out: Float64Array): void {
    // TODO(new-model): out[(i − start)·K + k] = log f_k(x_i). Here log f_k(x) = Σ_d (log λ_kd − λ_kd x_d).
    const d = prepared.dimension;
    const k = prepared.rates.length / d;
    const values = x.data;
    const { rates, logRates } = prepared;
    for (let i = start; i < end; i++) {
      const row = i * d;
      const outRow = (i - start) * k;
      for (let j = 0; j < k; j++) {
        const parameterRow = j * d;
        let value = 0;
        for (let c = 0; c < d; c++) value += (logRates[parameterRow + c] as number) - (rates[parameterRow + c] as number) * (values[row + c] as number);
        out[outRow + j] = value;
      }
    }
  }

  zeroStatistics(components: PoissonComponents): PoissonStatistics {
    const k = this.componentCount(components);
    return { weightSums: new Float64Array(k), weightedSums: new Float64Array(k * components.dimension) };
  }

  accumulate(prepared: PoissonPrepared, stats: PoissonStatistics, x: DenseMatrix, start: number, end: number, weights: Float64Array): void {
    accumulateRows(stats, x, start, end, weights, prepared.rates.length / prepared.dimension);
  }

  maximize(stats: PoissonStatistics, previous: PoissonComponents, context: MStepContext): PoissonComponents {
    // TODO(new-model): argmax of Σ_k E[log f_k] + log p(C). Here the Gamma-prior MAP estimate
    // λ_kd = (N_k + shape − 1) / (S_kd + rate); pure — never mutate stats or previous.
    const d = previous.dimension;
    const k = this.componentCount(previous);
    const rates = new Float64Array(k * d);
    for (let j = 0; j < k; j++) {
      const mass = stats.weightSums[j] as number;
      const numerator = mass + this.priorShape - 1;
      for (let c = 0; c < d; c++) {
        const index = j * d + c;
        const denominator = (stats.weightedSums[index] as number) + this.priorRate;
        if (mass <= EMPTY_COMPONENT_MASS || !(numerator > 0) || !(denominator > 0)) {
          rates[index] = previous.rates[index] as number;
          continue;
        }
        rates[index] = numerator / denominator;
      }
      if (mass <= EMPTY_COMPONENT_MASS) {
        context.report({
          type: 'degenerate-component',
          iteration: context.iteration,
          component: j,
          reason: 'vanishing-weight',
          message: `Component ${j} received responsibility mass ${mass.toExponential(3)}; its rates were left unchanged.`,
          action: 'kept-previous',
        });
      }
    }
    return { dimension: d, rates };
  }

  expectedLogDensity(components: PoissonComponents, stats: PoissonStatistics): number {
    // TODO(new-model): Σ_i Σ_k w_ik log f_k(x_i; C) from the statistics alone: Σ_kd N_k log λ_kd − λ_kd S_kd.
    const d = components.dimension;
    const k = this.componentCount(components);
    let total = 0;
    for (let j = 0; j < k; j++) {
      const mass = stats.weightSums[j] as number;
      for (let c = 0; c < d; c++) {
        const rate = components.rates[j * d + c] as number;
        total += mass * Math.log(rate) - rate * (stats.weightedSums[j * d + c] as number);
      }
    }
    return total;
  }

  logPrior(components: PoissonComponents): number {
    // TODO(new-model): log p(C), or 0 without a prior. Gamma(a, b): a·log b − logΓ(a) + (a − 1)·log λ − b·λ.
    if (this.priorRate === 0) return 0;
    const a = this.priorShape;
    const b = this.priorRate;
    const constant = a * Math.log(b) - logGamma(a);
    let total = 0;
    for (let index = 0; index < components.rates.length; index++) {
      const rate = components.rates[index] as number;
      total += constant + (a - 1) * Math.log(rate) - b * rate;
    }
    return total;
  }

  freeParameterCount(components: PoissonComponents): number {
    return components.rates.length;
  }

  initializeFromWeights(x: DenseMatrix, weights: Float64Array, k: number, context: MStepContext): PoissonComponents {
    // Fallback rates (for components without mass): 1 / column mean of the whole data.
    const d = x.cols;
    const fallback = new Float64Array(k * d);
    for (let c = 0; c < d; c++) {
      let sum = 0;
      for (let i = 0; i < x.rows; i++) sum += x.data[i * d + c] as number;
      const rate = sum > 0 ? x.rows / sum : 1;
      for (let j = 0; j < k; j++) fallback[j * d + c] = rate;
    }
    const stats: PoissonStatistics = { weightSums: new Float64Array(k), weightedSums: new Float64Array(k * d) };
    accumulateRows(stats, x, 0, x.rows, weights, k);
    return this.maximize(stats, { dimension: d, rates: fallback }, context);
  }

  sample(components: PoissonComponents, k: number, random: Random, out: Float64Array): void {
    // TODO(new-model): one draw from component k. Every random choice goes through `random`.
    const d = components.dimension;
    for (let c = 0; c < d; c++) out[c] = -Math.log(random.nextOpen()) / (components.rates[k * d + c] as number);
  }

  sampleDimension(components: PoissonComponents): number {
    return components.dimension;
  }

  componentsToJSON(components: PoissonComponents): JsonValue {
    return { dimension: components.dimension, rates: Array.from(components.rates) };
  }

  componentsFromJSON(json: JsonValue): PoissonComponents {
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new FormatError('poisson components must be an object with "dimension" and "rates".', 'Pass the output of componentsToJSON.');
    }
    const record = json as { readonly [key: string]: JsonValue };
    const dimension = record['dimension'];
    const rates = record['rates'];
    if (typeof dimension !== 'number' || !Array.isArray(rates) || rates.some((value) => typeof value !== 'number')) {
      throw new FormatError('"dimension" must be a number and "rates" an array of numbers.', 'Pass the output of componentsToJSON.');
    }
    return { dimension, rates: Float64Array.from(rates as number[]) };
  }

  shareData(x: DenseMatrix): DenseMatrix {
    return x.toShared();
  }
}
