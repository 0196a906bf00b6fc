// Template: src/<family>-family.ts — the one hand-written part of a model package. It holds a
// ComponentFamily that works end to end (a placeholder "independent exponential per column"
// family), its options and their config reader, how its parameters nest for users, and a source
// of valid random parameters; every place to replace is marked TODO(new-model).

/**
 * @param {import('../src/names.mjs').ModelNames} names
 * @param {{ familyOnly?: boolean }} [options]
 */
export function familySource(names, options = {}) {
  const { componentsFromPlain, componentsToPlain, componentsType, estimatorFile, familyClass, familyFile, familyName, familyOptionsType, modelFile, optionsFromConfig, packageName, plainComponentsType, preparedType, randomComponents, statisticsType } = names;
  const around = options.familyOnly
    ? '// use it with createMixtureModel from @em/core, or as an HMM emission family.'
    : `// the model (${modelFile}.ts) and the estimator (${estimatorFile}.ts) are generated around it.`;
  return `// ${familyFile}.ts — the family: what one component's density is, its statistics and M-step,
// and how its parameters look to users. It is the only part of ${packageName} written by hand;
${around}
// TODO(new-model): replace the placeholder family below with yours (and its tests in
// test/${familyFile}.test.ts). It models every column as an independent exponential
// distribution, f_k(x) = Π_d λ_kd · exp(−λ_kd · x_d) for x_d ≥ 0, so the package works end to end
// (fit, predict, sample, save, conformance) while you write the real one.
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

/**
 * Parameters of ALL K components together (so shared parameters, like a tied covariance, fit
 * naturally). Plain data only — numbers and Float64Arrays — because parameters are structured-cloned
 * to worker threads and serialised.
 * TODO(new-model): your parameters.
 */
export interface ${componentsType} {
  /** Number of columns D. */
  readonly dimension: number;
  /** Rate λ_kd > 0 of component k for column d, K×D row-major. */
  readonly rates: Float64Array;
}

/**
 * Expected sufficient statistics, as SUMS over the observations (sums add across chunks; means
 * do not). A type alias (not an interface) so it is assignable to core's \`Statistics\` tree.
 * TODO(new-model): your sufficient statistics. Keep every leaf a Float64Array (updated in place).
 */
export type ${statisticsType} = {
  /** Σ_i w_ik, length K. */
  readonly weightSums: Float64Array;
  /** Σ_i w_ik · x_id, K×D row-major. */
  readonly weightedSums: Float64Array;
};

/** What is worth computing once per E-step instead of once per row. TODO(new-model). */
export interface ${preparedType} {
  readonly dimension: number;
  readonly rates: Float64Array;
  readonly logRates: Float64Array;
}

/**
 * Options of the family, chosen once; the estimator and the model pass them through unchanged.
 * Regularisation is a PRIOR (it enters logPrior, so the objective still never decreases), not a
 * post-hoc fix-up of the M-step.
 * TODO(new-model): your options (and record them in \`config\`, read them in ${optionsFromConfig}).
 */
export interface ${familyOptionsType} {
  /**
   * Gamma(shape ≥ 1, rate > 0) prior on every λ_kd; the M-step is then its MAP estimate.
   * Default: none (maximum likelihood).
   */
  readonly ratePrior?: { readonly shape: number; readonly rate: number };
  /** Bytes the K×D parameter tables may take (number or '1GiB'; default @em/core's DEFAULT_MEMORY_BUDGET). */
  readonly memoryBudget?: number | string;
}

/**
 * Parameters as users see them (\`estimator.parameters\`, \`setParameters\`, \`initialParameters\`):
 * nested arrays, one entry per component. TODO(new-model): your nesting.
 */
export interface ${plainComponentsType} {
  readonly rates: readonly (readonly number[])[];
}

/** A component whose responsibility mass falls below this is left as it was (and reported). */
const EMPTY_COMPONENT_MASS = 1e-10;

/** K×D tables a fit holds at once: parameters, prepared copy, statistics, the M-step's output, the best restart's. */
const WORKING_TABLES = 5;

function recordOf(value: JsonValue | undefined, where: string): { readonly [key: string]: JsonValue } {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new FormatError(\`\${where} must be an object.\`, 'Pass the output of family.config or componentsToJSON unchanged.');
  }
  return value as { readonly [key: string]: JsonValue };
}

/** The options recorded in a family's \`config\` (saved models and worker threads rebuild the family from them). */
export function ${optionsFromConfig}(config: JsonValue | undefined): ${familyOptionsType} {
  const record = recordOf(config, 'The ${familyName} family config');
  const prior = record['ratePrior'];
  const budget = record['memoryBudget'];
  if (budget !== undefined && typeof budget !== 'number') throw new FormatError('memoryBudget in the ${familyName} family config must be a number.', 'Pass family.config unchanged.');
  const memoryBudget = budget === undefined ? {} : { memoryBudget: budget };
  if (prior === null || prior === undefined) return memoryBudget;
  const { shape, rate } = recordOf(prior, 'ratePrior');
  if (typeof shape !== 'number' || typeof rate !== 'number') throw new FormatError('ratePrior needs numeric "shape" and "rate".', 'Pass family.config unchanged.');
  return { ratePrior: { shape, rate }, ...memoryBudget };
}

/** Components as users see them. */
export function ${componentsToPlain}(components: ${componentsType}): { rates: number[][] } {
  const d = components.dimension;
  return { rates: Array.from({ length: components.rates.length / d }, (_, k) => Array.from(components.rates.subarray(k * d, (k + 1) * d))) };
}

/** Users' nested parameters as components (shape checked here; values by validateComponents). */
export function ${componentsFromPlain}(plain: ${plainComponentsType}): ${componentsType} {
  const rows = plain.rates;
  const d = Array.isArray(rows) && Array.isArray(rows[0]) ? rows[0].length : 0;
  if (d === 0 || rows.some((row) => !Array.isArray(row) || row.length !== d)) {
    throw new InvalidParametersError('rates must be K arrays (one per component) of the same length D ≥ 1.', 'Pass e.g. { rates: [[0.5, 3], [6, 1]] } for K = 2 components over D = 2 columns.', {
      parameter: 'rates',
    });
  }
  return { dimension: d, rates: Float64Array.from(rows.flat()) };
}

/**
 * Valid components drawn at random, k components over \`dimension\` columns. The generated
 * conformance test and benchmark draw parameters (and, through them, data) with it.
 * TODO(new-model): valid parameters of your family, spread enough that components differ.
 */
export function ${randomComponents}(k: number, dimension: number, random: Random): ${componentsType} {
  const rates = new Float64Array(k * dimension);
  for (let index = 0; index < rates.length; index++) rates[index] = 0.2 * Math.exp(3 * random.next());
  return { dimension, rates };
}

/**
 * stats += Σ_i Σ_k w[(i − start)·K + k] · T_k(x_i) for rows [start, end). One pass, row-major,
 * indices computed once per row, no allocation inside the loop.
 */
function accumulateRows(stats: ${statisticsType}, x: DenseMatrix, start: number, end: number, weights: Float64Array, k: number): void {
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

export class ${familyClass} implements ComponentFamily<${componentsType}, DenseMatrix, ${statisticsType}, ${preparedType}> {
  readonly name = '${familyName}';
  readonly config: JsonValue;
  readonly memoryBudget: number;
  private readonly priorShape: number;
  private readonly priorRate: number;

  /** Reads its own options and ignores the other keys (the model passes the whole options object). */
  constructor(options: ${familyOptionsType} = {}) {
    const prior = options.ratePrior;
    if (prior !== undefined && !(Number.isFinite(prior.shape) && prior.shape >= 1 && Number.isFinite(prior.rate) && prior.rate > 0)) {
      throw new InvalidOptionsError(
        \`ratePrior must have shape ≥ 1 and rate > 0 (a proper Gamma prior); got shape \${prior.shape}, rate \${prior.rate}.\`,
        'Use e.g. { ratePrior: { shape: 2, rate: 1 } }, or leave ratePrior out for maximum likelihood.',
        { option: 'ratePrior' },
      );
    }
    // shape 1, rate 0 is the flat "prior" of maximum likelihood (logPrior returns 0 for it).
    this.priorShape = prior?.shape ?? 1;
    this.priorRate = prior?.rate ?? 0;
    this.memoryBudget = resolveMemoryBudget(options.memoryBudget);
    // Everything needed to rebuild this family in a worker thread or from a saved model.
    this.config = {
      ratePrior: prior === undefined ? null : { shape: prior.shape, rate: prior.rate },
      ...(options.memoryBudget === undefined ? {} : { memoryBudget: this.memoryBudget }),
    };
  }

  /** Inverse of \`config\`. */
  static fromConfig(config: JsonValue | undefined): ${familyClass} {
    return new ${familyClass}(${optionsFromConfig}(config));
  }

  componentCount(components: ${componentsType}): number {
    return components.dimension === 0 ? 0 : components.rates.length / components.dimension;
  }

  observationCount(x: DenseMatrix): number {
    return x.rows;
  }

  sliceObservations(x: DenseMatrix, start: number, end: number): DenseMatrix {
    return x.sliceRows(start, end);
  }

  validateData(x: DenseMatrix, components?: ${componentsType}): void {
    // TODO(new-model): the support of your density. Messages name the row/column and the remedy.
    if (components !== undefined && x.cols !== components.dimension) {
      throw new InvalidDataError(
        \`The data has \${x.cols} columns but the model has \${components.dimension}.\`,
        'Pass data with the same columns, in the same order, as the data the model was fitted to.',
        { columns: x.cols, expected: components.dimension },
      );
    }
    x.validate({ nonNegative: true });
  }

  /** Refuses K×D parameter tables over the memory budget, before they are allocated. */
  checkTables(components: number, dimension: number): void {
    checkAllocation(
      float64Bytes(components, dimension) * WORKING_TABLES,
      this.memoryBudget,
      \`A \${components} × \${dimension} table of ${familyName} parameters in \${WORKING_TABLES} working copies\`,
      'Check the column count, or use fewer components',
    );
  }

  validateComponents(components: ${componentsType}): void {
    // TODO(new-model): check every parameter; name the component and the parameter in the message.
    const d = components.dimension;
    const rates = components.rates;
    if (!(rates instanceof Float64Array) || !Number.isInteger(d) || d < 1 || rates.length === 0 || rates.length % d !== 0) {
      throw new InvalidParametersError(
        \`rates must be a non-empty Float64Array of K × dimension entries (dimension \${d}).\`,
        'Give one rate per component and column, row-major (component by component).',
        { parameter: 'rates' },
      );
    }
    for (let index = 0; index < rates.length; index++) {
      const value = rates[index] as number;
      if (!Number.isFinite(value) || value <= 0) {
        const component = Math.floor(index / d);
        const column = index % d;
        throw new InvalidParametersError(
          \`rates of component \${component}, column \${column} = \${value} is not a finite positive number.\`,
          'Rates must be > 0; refit, or use a ratePrior to keep them finite.',
          { parameter: 'rates', component, column },
        );
      }
    }
  }

  prepare(components: ${componentsType}): ${preparedType} {
    const logRates = new Float64Array(components.rates.length);
    for (let index = 0; index < logRates.length; index++) logRates[index] = Math.log(components.rates[index] as number);
    return { dimension: components.dimension, rates: components.rates, logRates };
  }

  logDensities(prepared: ${preparedType}, x: DenseMatrix, start: number, end: number, out: Float64Array): void {
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

  zeroStatistics(components: ${componentsType}): ${statisticsType} {
    const k = this.componentCount(components);
    return { weightSums: new Float64Array(k), weightedSums: new Float64Array(k * components.dimension) };
  }

  accumulate(prepared: ${preparedType}, stats: ${statisticsType}, x: DenseMatrix, start: number, end: number, weights: Float64Array): void {
    accumulateRows(stats, x, start, end, weights, prepared.rates.length / prepared.dimension);
  }

  maximize(stats: ${statisticsType}, previous: ${componentsType}, context: MStepContext): ${componentsType} {
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
        rates[index] = mass <= EMPTY_COMPONENT_MASS || !(numerator > 0) || !(denominator > 0) ? (previous.rates[index] as number) : numerator / denominator;
      }
      if (mass <= EMPTY_COMPONENT_MASS) {
        context.report({
          type: 'degenerate-component',
          iteration: context.iteration,
          component: j,
          reason: 'vanishing-weight',
          message: \`Component \${j} received responsibility mass \${mass.toExponential(3)}; its rates were left unchanged.\`,
          action: 'kept-previous',
        });
      }
    }
    return { dimension: d, rates };
  }

  expectedLogDensity(components: ${componentsType}, stats: ${statisticsType}): number {
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

  logPrior(components: ${componentsType}): number {
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

  freeParameterCount(components: ${componentsType}): number {
    return components.rates.length;
  }

  initializeFromWeights(x: DenseMatrix, weights: Float64Array, k: number, context: MStepContext): ${componentsType} {
    const d = x.cols;
    this.checkTables(k, d);
    // Fallback rates (for components without mass): 1 / column mean of the whole data.
    const fallback = new Float64Array(k * d);
    for (let c = 0; c < d; c++) {
      let sum = 0;
      for (let i = 0; i < x.rows; i++) sum += x.data[i * d + c] as number;
      const rate = sum > 0 ? x.rows / sum : 1;
      for (let j = 0; j < k; j++) fallback[j * d + c] = rate;
    }
    const stats: ${statisticsType} = { weightSums: new Float64Array(k), weightedSums: new Float64Array(k * d) };
    accumulateRows(stats, x, 0, x.rows, weights, k);
    return this.maximize(stats, { dimension: d, rates: fallback }, context);
  }

  sample(components: ${componentsType}, k: number, random: Random, out: Float64Array): void {
    // TODO(new-model): one draw from component k. Every random choice goes through \`random\`.
    const d = components.dimension;
    for (let c = 0; c < d; c++) out[c] = -Math.log(random.nextOpen()) / (components.rates[k * d + c] as number);
  }

  sampleDimension(components: ${componentsType}): number {
    return components.dimension;
  }

  componentsToJSON(components: ${componentsType}): JsonValue {
    return { dimension: components.dimension, rates: Array.from(components.rates) };
  }

  componentsFromJSON(json: JsonValue): ${componentsType} {
    const { dimension, rates } = recordOf(json, '${familyName} components');
    if (typeof dimension !== 'number' || !Number.isInteger(dimension) || dimension < 1 || !Array.isArray(rates) || rates.some((value) => typeof value !== 'number')) {
      throw new FormatError('"dimension" must be an integer ≥ 1 and "rates" an array of numbers.', 'Pass the output of componentsToJSON.');
    }
    this.checkTables(Math.ceil(rates.length / dimension), dimension);
    return { dimension, rates: Float64Array.from(rates as number[]) };
  }

  shareData(x: DenseMatrix): DenseMatrix {
    return x.toShared();
  }
}
`;
}
