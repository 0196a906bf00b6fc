import type { EmModel, EStepResult, JsonValue, MStepContext, ModelConfig, ParameterMap, SparseEStepper } from '../contract.js';
import { MixtureSparseEStepper } from './sparse-estep.js';
import { mixtureParameterMap } from './mixture-parameter-map.js';
import { silentContext } from '../contract.js';
import { ImpossibleObservationError, InvalidDataError, InvalidOptionsError, InvalidParametersError, NumericalError, type EmError } from '../errors.js';
import type { ComponentFamily } from '../family.js';
import { logDirichletDensity, xLogY } from '../numerics/log-sum-exp.js';
import { negligibleLogRatio, responsibilityTerm } from './exponential.js';
import { acquireResponsibilityArena, releaseResponsibilityArena, type ResponsibilityArena } from './responsibilities-simd.js';
import type { Random } from '../random.js';
import { splitRange } from '../data/sequences.js';
import type { Statistics } from '../statistics/algebra.js';

/** Parameters of a finite mixture: weights on the simplex and the family's components. */
export interface MixtureParameters<C> {
  readonly weights: Float64Array;
  readonly components: C;
}

/** Statistics of a finite mixture: Σ_i w_i r_ik per component, and the family's statistics. */
export interface MixtureStatistics<FS> {
  readonly weightSums: Float64Array;
  readonly components: FS;
  readonly [key: string]: Float64Array | FS;
}

/** Observations with optional per-sample weights (scikit-learn #15647). */
export interface MixtureData<X> {
  readonly observations: X;
  /** Non-negative weight per row; absent means 1 for every row. */
  readonly sampleWeights?: Float64Array;
}

/**
 * Hard initial assignments: the component of each row (0 ≤ label < K), the same start as the
 * one-hot n×K weights `labelsToWeights(labels, k)` in 4 bytes a row instead of 8·K.
 */
export interface InitialLabels {
  readonly labels: Int32Array;
}

/**
 * How initial responsibilities are chosen (the family turns them into components): n×K weights,
 * or hard labels (for clustering starts such as k-means), which families with
 * `initializeFromLabels` use without ever forming the n×K one-hot weights.
 */
export type MixtureInitializer<X> = (observations: X, k: number, random: Random, sampleWeights?: Float64Array) => Float64Array | InitialLabels;

export interface MixtureOptions<X> {
  /** Number of components K ≥ 1. */
  readonly components: number;
  /**
   * Symmetric Dirichlet concentration α ≥ 1 on the weights, as a proper prior; the M-step is the
   * MAP estimate π_k = (N_k + α − 1) / (N + K(α − 1)). 1 (the default) is plain maximum likelihood.
   */
  readonly weightConcentration?: number;
  /** Fit the weights (default true); false keeps the initial weights fixed. */
  readonly updateWeights?: boolean;
  /** Initial responsibilities (n×K); default: random responsibilities (rows drawn from Dirichlet(1)). */
  readonly initializer?: MixtureInitializer<X>;
  /** Model kind recorded in the config (e.g. "gaussian-mixture"). */
  readonly kind?: string;
  /** Extra JSON options recorded in the config (for rebuilding the model in a worker). */
  readonly extraConfig?: { readonly [key: string]: JsonValue };
}

/**
 * Rows processed per block in the fused E-step: the n×K responsibilities never exist at once.
 * 504 = 63·8, not 512: a component-major block's columns are then 4032 bytes apart rather than
 * exactly 4 KB (columns 4 KB apart share cache sets), and families that pad their own columns to
 * a multiple of 8 rows can take the whole block in one copy.
 */
const BLOCK_ROWS = 504;

/** A weight below this fraction of the total mass is reported as vanishing. */
const VANISHING_WEIGHT = 1e-12;

/** Random responsibilities: each row an independent Dirichlet(1, …, 1) draw. */
export function randomResponsibilities(n: number, k: number, random: Random): Float64Array {
  const out = new Float64Array(n * k);
  const ones = new Float64Array(k).fill(1);
  for (let i = 0; i < n; i++) random.dirichlet(ones, out.subarray(i * k, (i + 1) * k));
  return out;
}

/** Hard assignments (labels) as n×K one-hot weights. */
export function labelsToWeights(labels: ArrayLike<number>, k: number): Float64Array {
  const out = new Float64Array(labels.length * k);
  for (let i = 0; i < labels.length; i++) out[i * k + (labels[i] as number)] = 1;
  return out;
}

/**
 * A finite mixture written once over any component family: weights, log-sum-exp over
 * components, responsibilities and weight statistics live here; everything about the
 * observations lives in the family.
 */
export class MixtureModel<C, X, FS extends Statistics, Prepared = unknown>
  implements EmModel<MixtureParameters<C>, MixtureData<X>, MixtureStatistics<FS>>
{
  readonly family: ComponentFamily<C, X, FS, Prepared>;
  readonly k: number;
  readonly weightConcentration: number;
  readonly updateWeights: boolean;
  readonly config: ModelConfig;
  /** Present when the family has one (see ComponentFamily.parameterMap). */
  readonly parameterMap?: ParameterMap<MixtureParameters<C>>;
  private readonly initializer: MixtureInitializer<X> | undefined;

  constructor(family: ComponentFamily<C, X, FS, Prepared>, options: MixtureOptions<X>) {
    const k = options.components;
    if (!Number.isInteger(k) || k < 1) {
      throw new InvalidOptionsError(`components must be an integer ≥ 1; got ${String(k)}.`, 'Pass the number of mixture components, e.g. { components: 3 }.', {
        option: 'components',
      });
    }
    const alpha = options.weightConcentration ?? 1;
    if (!Number.isFinite(alpha) || alpha < 1) {
      throw new InvalidOptionsError(
        `weightConcentration must be ≥ 1 (a Dirichlet prior whose mode exists); got ${String(alpha)}.`,
        'Use 1 for plain maximum likelihood or a value > 1 to pull weights towards equality.',
        { option: 'weightConcentration' },
      );
    }
    this.family = family;
    this.k = k;
    this.weightConcentration = alpha;
    this.updateWeights = options.updateWeights ?? true;
    this.initializer = options.initializer;
    if (family.parameterMap !== undefined) this.parameterMap = mixtureParameterMap(family.parameterMap, this.updateWeights);
    this.config = {
      kind: options.kind ?? `${family.name}-mixture`,
      options: {
        components: k,
        weightConcentration: alpha,
        updateWeights: this.updateWeights,
        family: family.config,
        ...(options.extraConfig ?? {}),
      },
    };
  }

  eStep(params: MixtureParameters<C>, data: MixtureData<X>): EStepResult<MixtureStatistics<FS>> {
    const statistics = this.zeroStatistics(params);
    const logLikelihood = this.run(params, data, statistics, undefined);
    return { statistics, logLikelihood };
  }

  /**
   * Neal–Hinton sparse E-steps over `data` (see MixtureSparseEStepper): fast when the family has
   * pair-list kernels (logDensitiesAtPairs, accumulateAtPairs), correct without them.
   */
  createSparseEStepper(data: MixtureData<X>, threshold: number): SparseEStepper<MixtureParameters<C>, MixtureStatistics<FS>> {
    return new MixtureSparseEStepper(this, data, threshold);
  }

  zeroStatistics(params: MixtureParameters<C>): MixtureStatistics<FS> {
    return { weightSums: new Float64Array(this.k), components: this.family.zeroStatistics(params.components) };
  }

  mStep(statistics: MixtureStatistics<FS>, previous: MixtureParameters<C>, context: MStepContext = silentContext): MixtureParameters<C> {
    const components = this.family.maximize(statistics.components, previous.components, context);
    const weights = this.updateWeights ? this.maximizeWeights(statistics.weightSums, previous.weights, context) : previous.weights;
    return { weights, components };
  }

  private maximizeWeights(sums: Float64Array, previous: Float64Array, context: MStepContext): Float64Array {
    const k = this.k;
    const a = this.weightConcentration - 1;
    // Incremental EM subtracts old chunk statistics, so a vanishing sum can come out as −1e-98:
    // clamp that round-off at 0 (a negative weight would make the log-likelihood NaN).
    let total = 0;
    for (let j = 0; j < k; j++) total += Math.max(0, sums[j] as number);
    const denominator = total + k * a;
    if (!(denominator > 0)) return previous; // no mass at all (empty chunk): nothing to learn
    const weights = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      weights[j] = (Math.max(0, sums[j] as number) + a) / denominator;
      if ((sums[j] as number) <= VANISHING_WEIGHT * total && a === 0) {
        context.report({
          type: 'degenerate-component',
          iteration: context.iteration,
          component: j,
          reason: 'vanishing-weight',
          message: `Component ${j} received ${(sums[j] as number).toExponential(3)} of ${total.toExponential(3)} total responsibility; its weight is ${(weights[j] as number).toExponential(3)}.`,
          action: 'continued',
        });
      }
    }
    return weights;
  }

  qFunction(params: MixtureParameters<C>, statistics: MixtureStatistics<FS>): number {
    let q = 0;
    for (let j = 0; j < this.k; j++) q += xLogY(statistics.weightSums[j] as number, params.weights[j] as number);
    return q + this.family.expectedLogDensity(params.components, statistics.components);
  }

  logPrior(params: MixtureParameters<C>): number {
    let value = this.family.logPrior(params.components);
    if (this.weightConcentration !== 1 && this.updateWeights) {
      value += logDirichletDensity(params.weights, new Float64Array(this.k).fill(this.weightConcentration));
    }
    return value;
  }

  logLikelihood(params: MixtureParameters<C>, data: MixtureData<X>): number {
    return this.run(params, data, undefined, undefined, false);
  }

  /** log p(x_i; θ) per row (scikit-learn's score_samples). −∞ marks an impossible row. */
  scoreSamples(params: MixtureParameters<C>, data: MixtureData<X>): Float64Array {
    const out = new Float64Array(this.family.observationCount(data.observations));
    this.run(params, data, undefined, { perRow: out }, false);
    return out;
  }

  /**
   * Posterior responsibilities p(z_i = k | x_i; θ), n×K row-major. A row without a posterior throws,
   * naming it: ImpossibleObservationError (zero probability under every component) or
   * NumericalError (a NaN, or an overflow under a family whose densities are positive).
   */
  responsibilities(params: MixtureParameters<C>, data: MixtureData<X>): Float64Array {
    const n = this.family.observationCount(data.observations);
    const out = new Float64Array(n * this.k);
    this.run({ weights: params.weights, components: params.components }, { observations: data.observations }, undefined, { responsibilities: out }, false);
    return out;
  }

  /** Most probable component per row. */
  predict(params: MixtureParameters<C>, data: MixtureData<X>): Int32Array {
    const r = this.responsibilities(params, data);
    const n = r.length / this.k;
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < this.k; j++) if ((r[i * this.k + j] as number) > (r[i * this.k + best] as number)) best = j;
      labels[i] = best;
    }
    return labels;
  }

  /** n draws: observations (n×dimension, row-major) and the component of each. */
  sample(params: MixtureParameters<C>, n: number, random: Random): { observations: Float64Array; labels: Int32Array; dimension: number } {
    const dimension = this.family.sampleDimension(params.components);
    const observations = new Float64Array(n * dimension);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = random.categorical(params.weights);
      labels[i] = k;
      this.family.sample(params.components, k, random, observations.subarray(i * dimension, (i + 1) * dimension));
    }
    return { observations, labels, dimension };
  }

  validateParameters(params: MixtureParameters<C>): void {
    validateWeights(params.weights, this.k, 'weights');
    if (this.family.componentCount(params.components) !== this.k) {
      throw new InvalidParametersError(
        `The model has ${this.k} components but the parameters describe ${this.family.componentCount(params.components)}.`,
        'Give one set of component parameters per mixture component.',
      );
    }
    this.family.validateComponents(params.components);
  }

  validateData(data: MixtureData<X>, params?: MixtureParameters<C>): void {
    // Plain JavaScript may pass the observations themselves (e.g. a DenseMatrix) instead of { observations }.
    if (data === null || typeof data !== 'object' || !('observations' in data) || data.observations === null || data.observations === undefined) {
      const got = data === null ? 'null' : typeof data !== 'object' ? typeof data : `an object without "observations"${(data as object).constructor?.name ? ` (a ${(data as object).constructor.name})` : ''}`;
      throw new InvalidDataError(
        `A mixture's data is { observations, sampleWeights? }; got ${got}.`,
        'Wrap the observations: fitEm(model, { observations: DenseMatrix.from(rows) }) (the estimators, e.g. new GaussianMixture({ components: 2 }).fit(rows), take the rows directly).',
      );
    }
    const n = this.family.observationCount(data.observations);
    if (n === 0) throw new InvalidDataError('The data has no rows.', 'Pass at least one observation.');
    this.family.validateData(data.observations, params?.components);
    const w = data.sampleWeights;
    if (w !== undefined) {
      if (w.length !== n) {
        throw new InvalidDataError(`sampleWeights has ${w.length} entries but the data has ${n} rows.`, 'Give one weight per row.', {
          length: w.length,
          rows: n,
        });
      }
      let total = 0;
      for (let i = 0; i < n; i++) {
        const v = w[i] as number;
        if (!Number.isFinite(v) || v < 0) {
          throw new InvalidDataError(`sampleWeights[${i}] = ${v} is not a finite non-negative number.`, 'Use weights ≥ 0 (0 drops the row).', { row: i });
        }
        total += v;
      }
      if (!(total > 0)) throw new InvalidDataError('All sample weights are zero.', 'Give at least one row a positive weight.');
    }
  }

  freeParameterCount(params: MixtureParameters<C>): number {
    return (this.updateWeights ? this.k - 1 : 0) + this.family.freeParameterCount(params.components);
  }

  observationCount(data: MixtureData<X>): number {
    const w = data.sampleWeights;
    if (w === undefined) return this.family.observationCount(data.observations);
    let total = 0;
    for (let i = 0; i < w.length; i++) total += w[i] as number;
    return total;
  }

  splitData(data: MixtureData<X>, parts: number): MixtureData<X>[] {
    const n = this.family.observationCount(data.observations);
    return splitRange(n, parts).map(([start, end]) => {
      const observations = this.family.sliceObservations(data.observations, start, end);
      return data.sampleWeights === undefined ? { observations } : { observations, sampleWeights: data.sampleWeights.subarray(start, end) };
    });
  }

  shareData(data: MixtureData<X>): MixtureData<X> {
    const share = this.family.shareData;
    if (share === undefined) return data;
    const observations = share.call(this.family, data.observations);
    const w = data.sampleWeights;
    if (w === undefined) return { observations };
    if (typeof SharedArrayBuffer === 'undefined' || w.buffer instanceof SharedArrayBuffer) return { observations, sampleWeights: w };
    // A typed-array view is cloned with its whole buffer: share the weights too.
    const sampleWeights = new Float64Array(new SharedArrayBuffer(w.byteLength));
    sampleWeights.set(w);
    return { observations, sampleWeights };
  }

  initialize(data: MixtureData<X>, random: Random): MixtureParameters<C> {
    const n = this.family.observationCount(data.observations);
    if (this.k > n) {
      throw new InvalidDataError(
        `Cannot fit ${this.k} components to ${n} observations.`,
        `Use at most ${n} components, or provide more data.`,
        { components: this.k, rows: n },
      );
    }
    const start = this.initializer === undefined ? randomResponsibilities(n, this.k, random) : this.initializer(data.observations, this.k, random, data.sampleWeights);
    if (!(start instanceof Float64Array) && this.family.initializeFromLabels !== undefined) return this.initializeFromLabels(data, start.labels);
    const resp = start instanceof Float64Array ? start : labelsToWeights(start.labels, this.k);
    const weighted = data.sampleWeights === undefined ? resp : applySampleWeights(resp, data.sampleWeights, this.k);
    const components = this.family.initializeFromWeights(data.observations, weighted, this.k, silentContext);
    const sums = new Float64Array(this.k);
    for (let i = 0; i < n; i++) for (let j = 0; j < this.k; j++) sums[j] = (sums[j] as number) + (weighted[i * this.k + j] as number);
    let total = 0;
    for (let j = 0; j < this.k; j++) total += sums[j] as number;
    const weights = new Float64Array(this.k);
    for (let j = 0; j < this.k; j++) weights[j] = total > 0 ? (sums[j] as number) / total : 1 / this.k;
    return { weights, components };
  }

  /**
   * initialize from hard labels without the n×K one-hot weights: the same sums as the weights'
   * (a label's weight is 1, or the row's sample weight; the other entries add exact zeros).
   */
  private initializeFromLabels(data: MixtureData<X>, labels: Int32Array): MixtureParameters<C> {
    const k = this.k;
    const w = data.sampleWeights;
    const components = (this.family.initializeFromLabels as NonNullable<ComponentFamily<C, X, FS, Prepared>['initializeFromLabels']>).call(this.family, data.observations, labels, w, k, silentContext);
    const sums = new Float64Array(k);
    for (let i = 0; i < labels.length; i++) {
      const j = labels[i] as number;
      sums[j] = (sums[j] as number) + (w === undefined ? 1 : 1 * (w[i] as number));
    }
    let total = 0;
    for (let j = 0; j < k; j++) total += sums[j] as number;
    const weights = new Float64Array(k);
    for (let j = 0; j < k; j++) weights[j] = total > 0 ? (sums[j] as number) / total : 1 / k;
    return { weights, components };
  }

  parametersToJSON(params: MixtureParameters<C>): JsonValue {
    return { weights: Array.from(params.weights), components: this.family.componentsToJSON(params.components) };
  }

  parametersFromJSON(json: JsonValue): MixtureParameters<C> {
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new InvalidParametersError('Mixture parameters must be an object with "weights" and "components".', 'Pass the output of parametersToJSON.');
    }
    const record = json as { readonly [key: string]: JsonValue };
    const weights = record['weights'];
    if (!Array.isArray(weights) || weights.some((w) => typeof w !== 'number')) {
      throw new InvalidParametersError('"weights" must be an array of numbers.', 'Give one weight per component.');
    }
    return { weights: Float64Array.from(weights as number[]), components: this.family.componentsFromJSON(record['components'] ?? null) };
  }

  /**
   * The fused pass over the data: per block of rows, component log-densities, log-sum-exp,
   * responsibilities and (when `statistics` is given) the weighted statistics. Returns Σ_i w_i log p(x_i).
   * The statistics pass and the scoring pass are separate loops so that neither carries the
   * other's output branches.
   */
  private run(
    params: MixtureParameters<C>,
    data: MixtureData<X>,
    statistics: MixtureStatistics<FS> | undefined,
    outputs: { perRow?: Float64Array; responsibilities?: Float64Array } | undefined,
    throwOnImpossible = true,
  ): number {
    const k = this.k;
    const x = data.observations;
    const n = this.family.observationCount(x);
    const prepared = this.family.prepare(params.components);
    const logWeights = new Float64Array(k);
    for (let j = 0; j < k; j++) logWeights[j] = Math.log(params.weights[j] as number);
    const pass: Pass<C, X, FS, Prepared> = { family: this.family, prepared, x, n, k, logWeights, blockRows: Math.min(BLOCK_ROWS, Math.max(n, 1)), sampleWeights: data.sampleWeights, throwOnImpossible };
    if (statistics !== undefined) return statisticsPass(pass, statistics.weightSums, statistics.components);
    if (outputs === undefined) {
      // The total alone: the E-step's kernel without the statistics, so logLikelihood(θ) is
      // exactly the E-step's log-likelihood at θ (and the history's entries).
      const arena = acquireResponsibilityArena();
      if (arena !== undefined) {
        try {
          return statisticsPassSimd(pass, undefined, undefined, arena);
        } finally {
          releaseResponsibilityArena(arena);
        }
      }
    }
    return scoringPass(pass, outputs?.perRow, outputs?.responsibilities);
  }
}

/** What one pass over the data needs, hoisted out of the loops. */
interface Pass<C, X, FS extends Statistics, Prepared> {
  readonly family: ComponentFamily<C, X, FS, Prepared>;
  readonly prepared: Prepared;
  readonly x: X;
  readonly n: number;
  readonly k: number;
  readonly logWeights: Float64Array;
  /** Rows of one block of log-densities, then of weighted responsibilities (block: blockRows × K). */
  readonly blockRows: number;
  readonly sampleWeights: Float64Array | undefined;
  readonly throwOnImpossible: boolean;
}

/**
 * The error for a row with weight whose log-densities give no posterior: a NaN among them, or −∞
 * under every component. −∞ everywhere is an impossible observation unless the family's densities
 * are positive (Gaussians), where it can only be an overflow: the true log-density is finite but
 * below −1.8e308, the most negative double.
 */
function rowWithoutPosterior(positiveDensities: boolean | undefined, block: Float64Array, base: number, k: number, row: number): EmError {
  let bad = -1;
  for (let j = 0; j < k && bad < 0; j++) {
    const v = block[base + j] as number;
    if (Number.isNaN(v) || v === Infinity) bad = j;
  }
  if (bad >= 0) {
    const value = block[base + bad] as number;
    return new NumericalError(
      `Observation ${row}: its log-density under component ${bad} is ${Number.isNaN(value) ? 'NaN (a floating-point overflow' : '+∞ (a degenerate component'}, or parameters that are not finite), so its posterior probabilities cannot be computed.`,
      'Rescale the data (e.g. standardise each column, or change units) so no value is too large for double precision, and check that the parameters are finite (a larger regCovar keeps covariances away from singular).',
      { row, component: bad },
    );
  }
  if (positiveDensities === true) {
    return new NumericalError(
      `Observation ${row} is too far from every component for double precision: its log-density overflows (falls below −1.8e308) under each one, so its posterior probabilities and log-likelihood cannot be represented.`,
      'Rescale the data (e.g. standardise each column, or change units), or check that row for a wrong value (a misplaced decimal point, a sentinel such as 1e300).',
      { row },
    );
  }
  return impossibleRow(row);
}

function hasNaN(block: Float64Array, base: number, k: number): boolean {
  for (let j = 0; j < k; j++) if (Number.isNaN(block[base + j] as number)) return true;
  return false;
}

/** log π_k + log f_k(x_row) for one row, recomputed (the passes overwrite their blocks): for error messages only. */
function rowLogDensities<C, X, FS extends Statistics, Prepared>(pass: Pass<C, X, FS, Prepared>, row: number): Float64Array {
  const out = new Float64Array(pass.k);
  pass.family.logDensities(pass.prepared, pass.x, row, row + 1, out);
  for (let j = 0; j < pass.k; j++) out[j] = (out[j] as number) + (pass.logWeights[j] as number);
  return out;
}

function impossibleRow(row: number): ImpossibleObservationError {
  return new ImpossibleObservationError(
    `Observation ${row} has zero probability under every component (log-likelihood −∞).`,
    'Check that row for values outside the support (e.g. a count for a feature with zero probability), or use a prior/pseudo-count so no probability is exactly zero.',
    { row },
  );
}

/**
 * block[base + j] += logWeights[weightOffset + j] for j < k (one row of one mixture); returns the
 * row's maximum (−∞ when every entry is). Shared with mixtureFamily.
 */
export function addLogWeights(block: Float64Array, base: number, k: number, logWeights: Float64Array, weightOffset = 0): number {
  let max = -Infinity;
  for (let j = 0; j < k; j++) {
    const v = (block[base + j] as number) + (logWeights[weightOffset + j] as number);
    block[base + j] = v;
    if (v > max) max = v;
  }
  return max;
}

/**
 * block[base + j] = exp(block[base + j] − max) for j < k, 0 below `threshold` (negligibleLogRatio(k));
 * returns their sum. Shared with mixtureFamily.
 */
export function exponentiateRow(block: Float64Array, base: number, k: number, max: number, threshold: number): number {
  let sum = 0;
  for (let j = 0; j < k; j++) {
    const e = responsibilityTerm((block[base + j] as number) - max, threshold);
    block[base + j] = e;
    sum += e;
  }
  return sum;
}

/**
 * E-step pass: per row, block[row] becomes w_i·r_ik (r the responsibilities), weightSums gets
 * them added, and the family accumulates its statistics per block. Returns Σ_i w_i log p(x_i).
 */
function statisticsPass<C, X, FS extends Statistics, Prepared>(pass: Pass<C, X, FS, Prepared>, weightSums: Float64Array, components: FS): number {
  const arena = acquireResponsibilityArena();
  if (arena === undefined) return statisticsPassScalar(pass, weightSums, components);
  try {
    return statisticsPassSimd(pass, weightSums, components, arena);
  } finally {
    releaseResponsibilityArena(arena);
  }
}

/**
 * The statistics pass with the per-row normalisation in the WebAssembly SIMD kernel
 * (responsibilities-simd.ts); without `components`, the log-likelihood alone.
 */
function statisticsPassSimd<C, X, FS extends Statistics, Prepared>(
  pass: Pass<C, X, FS, Prepared>,
  weightSums: Float64Array | undefined,
  components: FS | undefined,
  arena: ResponsibilityArena,
): number {
  const { family, prepared, x, n, k, logWeights, sampleWeights, throwOnImpossible } = pass;
  const byComponent = family.logDensitiesByComponent !== undefined && family.accumulateByComponent !== undefined;
  arena.prepare(k, pass.blockRows, logWeights, byComponent);
  const block = arena.block;
  let impossible = false;
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const end = Math.min(n, start + BLOCK_ROWS);
    if (byComponent) family.logDensitiesByComponent?.(prepared, x, start, end, block);
    else family.logDensities(prepared, x, start, end, block);
    arena.normalize(end - start, sampleWeights, start);
    if (arena.addLogLikelihood() > 0) {
      // Rows with weight and zero probability under every component (−∞ or NaN): the kernel left
      // their responsibilities at 0. A NaN or an overflow always throws; an impossible row throws
      // or makes the total −∞.
      const sums = arena.sums();
      for (let i = 0; i < end - start; i++) {
        const w = sampleWeights === undefined ? 1 : (sampleWeights[start + i] as number);
        const sum = sums[i] as number;
        if (sum > 0 || !(w > 0)) continue;
        if (Number.isNaN(sum) || family.positiveDensities === true) {
          // The arena has replaced the block's log-densities: recompute the row's to name the case.
          throw rowWithoutPosterior(family.positiveDensities, rowLogDensities(pass, start + i), 0, k, start + i);
        }
        if (throwOnImpossible) throw impossibleRow(start + i);
        impossible = true;
      }
    }
    if (components === undefined) continue;
    if (byComponent) family.accumulateByComponent?.(prepared, components, x, start, end, block);
    else family.accumulate(prepared, components, x, start, end, block);
  }
  if (weightSums !== undefined) arena.addWeightSums(weightSums);
  return impossible ? -Infinity : arena.total();
}

/** The statistics pass in TypeScript (engines without WebAssembly SIMD). */
function statisticsPassScalar<C, X, FS extends Statistics, Prepared>(pass: Pass<C, X, FS, Prepared>, weightSums: Float64Array, components: FS): number {
  const { family, prepared, x, n, k, logWeights, sampleWeights, throwOnImpossible } = pass;
  const block = new Float64Array(pass.blockRows * k);
  const weighted = sampleWeights !== undefined;
  const threshold = negligibleLogRatio(k);
  let total = 0;
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const end = Math.min(n, start + BLOCK_ROWS);
    family.logDensities(prepared, x, start, end, block);
    for (let i = start, base = 0; i < end; i++, base += k) {
      const max = addLogWeights(block, base, k, logWeights);
      const w = weighted ? (sampleWeights[i] as number) : 1;
      if (!(max > -Infinity)) {
        // −∞ or NaN under every component.
        if (w > 0) {
          if (throwOnImpossible || family.positiveDensities === true || hasNaN(block, base, k)) throw rowWithoutPosterior(family.positiveDensities, block, base, k, i);
          total = -Infinity;
        }
        block.fill(0, base, base + k);
        continue;
      }
      const sum = exponentiateRow(block, base, k, max, threshold);
      if (sum !== sum) {
        // A NaN log-density beside finite ones, or a +∞ (its term is ∞ − ∞): no posterior.
        if (w > 0) throw rowWithoutPosterior(family.positiveDensities, rowLogDensities(pass, i), 0, k, i);
        block.fill(0, base, base + k);
        continue;
      }
      if (w !== 0) total += w * (max + Math.log(sum));
      const scale = w / sum;
      for (let j = 0; j < k; j++) {
        const r = (block[base + j] as number) * scale;
        block[base + j] = r;
        weightSums[j] = (weightSums[j] as number) + r;
      }
    }
    family.accumulate(prepared, components, x, start, end, block);
  }
  return total;
}

/**
 * Scoring pass (no statistics): Σ_i w_i log p(x_i), and optionally log p(x_i) per row and the
 * responsibilities (n×K). Impossible rows give −∞ and NaN responsibilities.
 */
function scoringPass<C, X, FS extends Statistics, Prepared>(pass: Pass<C, X, FS, Prepared>, perRow: Float64Array | undefined, responsibilities: Float64Array | undefined): number {
  const { family, prepared, x, n, k, logWeights, sampleWeights, throwOnImpossible } = pass;
  const block = new Float64Array(pass.blockRows * k);
  const weighted = sampleWeights !== undefined;
  const rowScores = perRow ?? new Float64Array(0);
  const keepRows = perRow !== undefined;
  const keepResponsibilities = responsibilities !== undefined;
  const out = responsibilities ?? new Float64Array(0);
  const threshold = negligibleLogRatio(k);
  let total = 0;
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const end = Math.min(n, start + BLOCK_ROWS);
    family.logDensities(prepared, x, start, end, block);
    for (let i = start, base = 0; i < end; i++, base += k) {
      const max = addLogWeights(block, base, k, logWeights);
      const w = weighted ? (sampleWeights[i] as number) : 1;
      if (!(max > -Infinity)) {
        // −∞ or NaN under every component: scores −∞ only when it is an impossible observation;
        // responsibilities (0/0) never exist, so asking for them throws. A zero-weight row is dropped.
        const counted = keepResponsibilities || keepRows || w > 0;
        if (counted && (keepResponsibilities || family.positiveDensities === true || hasNaN(block, base, k))) throw rowWithoutPosterior(family.positiveDensities, block, base, k, i);
        if (w > 0) {
          if (throwOnImpossible) throw impossibleRow(i);
          total = -Infinity;
        }
        if (keepRows) rowScores[i] = -Infinity;
        continue;
      }
      const sum = exponentiateRow(block, base, k, max, threshold);
      if (sum !== sum) {
        // A NaN log-density beside finite ones, or a +∞ (its term is ∞ − ∞): no posterior.
        if (keepResponsibilities || keepRows || w > 0) throw rowWithoutPosterior(family.positiveDensities, rowLogDensities(pass, i), 0, k, i);
        continue;
      }
      const lse = max + Math.log(sum);
      if (w !== 0) total += w * lse;
      if (keepRows) rowScores[i] = lse;
      if (keepResponsibilities) {
        const scale = 1 / sum;
        for (let j = 0, o = i * k; j < k; j++) out[o + j] = (block[base + j] as number) * scale;
      }
    }
  }
  return total;
}

/** Convenience factory. */
export function createMixtureModel<C, X, FS extends Statistics, Prepared>(
  family: ComponentFamily<C, X, FS, Prepared>,
  options: MixtureOptions<X>,
): MixtureModel<C, X, FS, Prepared> {
  return new MixtureModel(family, options);
}

/** Checks that `weights` has length k, entries in [0, 1] and sums to 1 (±1e-8). */
export function validateWeights(weights: ArrayLike<number>, k: number, name: string): void {
  if (weights.length !== k) {
    throw new InvalidParametersError(`${name} has ${weights.length} entries; expected ${k}.`, `Give exactly ${k} weights.`, { parameter: name });
  }
  let sum = 0;
  for (let j = 0; j < k; j++) {
    const w = weights[j] as number;
    if (!Number.isFinite(w) || w < 0) {
      throw new InvalidParametersError(`${name}[${j}] = ${w} is not a finite non-negative number.`, 'Weights must be probabilities.', {
        parameter: name,
        index: j,
      });
    }
    sum += w;
  }
  if (Math.abs(sum - 1) > 1e-8) {
    throw new InvalidParametersError(`${name} sum to ${sum}, not 1.`, `Normalise ${name} (divide each by their sum).`, { parameter: name, sum });
  }
}

function applySampleWeights(resp: Float64Array, w: Float64Array, k: number): Float64Array {
  const out = new Float64Array(resp.length);
  for (let i = 0; i < w.length; i++) for (let j = 0; j < k; j++) out[i * k + j] = (resp[i * k + j] as number) * (w[i] as number);
  return out;
}
