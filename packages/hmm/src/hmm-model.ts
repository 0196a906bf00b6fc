import {
  type ComponentFamily,
  type DenseMatrix,
  FormatError,
  type EmModel,
  type EStepResult,
  type JsonValue,
  type MStepContext,
  type ModelConfig,
  type ParameterMap,
  type Random,
  type RowSliceable,
  type Statistics,
  ImpossibleObservationError,
  InvalidDataError,
  InvalidOptionsError,
  InvalidParametersError,
  NumericalError,
  Sequences,
  logDirichletDensity,
  randomResponsibilities,
  resolveMemoryBudget,
  silentContext,
  xLogY,
} from '@em/core';
import { backwardGuarded, backwardScaled, forwardScaled, forwardTabulated, ForwardBackwardWorkspace, type ForwardOutcome } from './forward-backward.js';
import { type DensityTable, scaledDensitiesOf, tabulatedDensitiesOf, type ScaledDensities, type TabulatedDensities } from './scaled-densities.js';
import { checkChainMemory, checkEmissionDataMemory, checkEmissionMemory, checkResponsibilitiesMemory, checkSampleMemory, checkSequenceMemory, longestSequence } from './memory-checks.js';
import { matrixToArrays, squareMatrixFromJson, validateChain, vectorFromJson, type HmmParameters } from './parameters.js';
import { clustersAlongTopology, hasStructuralZeros, labelsOf, permuteColumns } from './topology-order.js';
import { viterbiPath, ViterbiWorkspace } from './viterbi.js';
import { hmmParameterMap } from './hmm-parameter-map.js';
import { type DenseFamily, emissionFamilyFromConfig } from './emission-registry.js';
import { registerBuiltInEmissionFamilies } from './emission-spec.js';
import { kMeansResponsibilities } from './kmeans.js';


/** Rows per call of the family's density and statistics kernels (≈ 4096·K doubles: stays in cache). */
const EMISSION_BLOCK = 4096;

/** Expected sufficient statistics of an HMM: all sums, so they merge across sequences and chunks. */
export interface HmmStatistics<FS> {
  /** Σ_sequences γ_1(k). */
  readonly start: Float64Array;
  /** Σ_sequences Σ_t ξ_t(i, j), K×K row-major. */
  readonly transitions: Float64Array;
  /** Σ_t γ_t(k): expected time steps spent in each state. */
  readonly occupancy: Float64Array;
  /** The family's statistics, weighted by γ. */
  readonly emissions: FS;
  readonly [key: string]: Float64Array | FS;
}

/** Dirichlet priors as pseudo-counts (0 = plain maximum likelihood). */
export interface HmmPriors {
  /**
   * Pseudo-count c ≥ 0 added to each start count: a Dirichlet(1 + c) prior over the allowed
   * (non-zero) start probabilities (hmmlearn's startprob_prior = 1 + c).
   */
  readonly start?: number;
  /** Pseudo-count c ≥ 0 added to each allowed transition: Dirichlet(1 + c) per row (hmmlearn's transmat_prior = 1 + c). */
  readonly transitions?: number;
}

/** Which parameter groups the M-step updates (all true by default). */
export interface HmmUpdate {
  readonly start?: boolean;
  readonly transitions?: boolean;
  readonly emissions?: boolean;
}

/** Initial-value strategies for the chain. */
export type ChainInitialization = 'uniform' | 'random';

/** Initial emission responsibilities (n×K) for the family's `initializeFromWeights`. */
export type EmissionInitializer<X> = (observations: X, states: number, random: Random) => Float64Array;

export interface HmmModelOptions<C, X> {
  /** Number of hidden states K ≥ 1. */
  readonly states: number;
  readonly priors?: HmmPriors;
  readonly update?: HmmUpdate;
  /** Start probabilities when not given (default 'uniform'; 'random' draws Dirichlet(1)). */
  readonly startInitialization?: ChainInitialization;
  /** Transition rows when not given (default 'uniform'; 'random' draws each row from Dirichlet(1)). */
  readonly transitionInitialization?: ChainInitialization;
  /**
   * Initial emission responsibilities; default `seededResponsibilities` (random rows plus one
   * random seed observation per state). `initializerName` records it in the config.
   */
  readonly emissionInitializer?: EmissionInitializer<X>;
  readonly initializerName?: string;
  /**
   * Fixed initial values: any of them given is used as is by `initialize` (zeros in the
   * transition matrix are structural and stay zero), the others are initialised from data.
   */
  readonly initialValues?: {
    readonly startProbabilities?: Float64Array;
    readonly transitionMatrix?: Float64Array;
    readonly emissions?: C;
  };
  /**
   * Bytes the model may allocate for its chain matrices, emission tables and forward–backward
   * buffers: a number, or a string such as '1GiB' (default @em/core DEFAULT_MEMORY_BUDGET,
   * 256 MiB). Every such allocation is checked against it first (MemoryBudgetError).
   */
  readonly memoryBudget?: number | string;
  /** Model kind recorded in the config (default "hmm"). */
  readonly kind?: string;
  /** Extra JSON options recorded in the config. */
  readonly extraConfig?: { readonly [key: string]: JsonValue };
}

/**
 * Random initial responsibilities that do not average out: each row is a Dirichlet(1) draw,
 * and each state also gets one randomly chosen "seed" row with as much weight as all its
 * random shares together, so the K initial emissions differ by a data point each.
 */
export function seededResponsibilities(rows: number, states: number, random: Random): Float64Array {
  const weights = randomResponsibilities(rows, states, random);
  const boost = rows / states;
  for (let k = 0; k < states; k++) {
    const row = random.integer(rows);
    weights[row * states + k] = (weights[row * states + k] as number) + boost;
  }
  return weights;
}

/**
 * A hidden Markov model over any component family, as a core EmModel on Sequences. The HMM
 * owns the chain (π, A) and the forward–backward; everything about observations is the
 * family's (log-densities, weighted statistics, M-step, sampling).
 */
export class HmmModel<C, X extends RowSliceable<X>, FS extends Statistics, Prepared = unknown>
  implements EmModel<HmmParameters<C>, Sequences<X>, HmmStatistics<FS>>
{
  readonly family: ComponentFamily<C, X, FS, Prepared>;
  readonly k: number;
  readonly startPseudocount: number;
  readonly transitionPseudocount: number;
  readonly updateStart: boolean;
  readonly updateTransitions: boolean;
  readonly updateEmissions: boolean;
  readonly config: ModelConfig;
  /** Present when the emission family has one: accelerated fits (acceleration: 'squarem'). */
  readonly parameterMap?: ParameterMap<HmmParameters<C>>;
  /** The memory budget in bytes (see HmmModelOptions.memoryBudget). */
  readonly memoryBudget: number;
  private readonly options: HmmModelOptions<C, X>;
  /** The data whose forward–backward storage was last checked against the budget (E-steps reuse it). */
  private checkedData: Sequences<X> | undefined;
  private readonly workspace = new ForwardBackwardWorkspace();
  private readonly viterbiWorkspace = new ViterbiWorkspace();
  private readonly outcome: ForwardOutcome = { logLikelihood: 0, impossibleAt: -1, noDensity: false };
  private readonly scaled: ScaledDensities<Prepared, X> | undefined;
  private readonly tabulated: TabulatedDensities<Prepared, X> | undefined;
  /** Whether the last `forward` read a DensityTable (then `backwardScaled` needs it too). */
  private usedTable = false;

  constructor(family: ComponentFamily<C, X, FS, Prepared>, options: HmmModelOptions<C, X>) {
    const k = options.states;
    if (!Number.isInteger(k) || k < 1) {
      throw new InvalidOptionsError(`states must be an integer ≥ 1; got ${String(k)}.`, 'Pass the number of hidden states, e.g. { states: 3 }.', {
        option: 'states',
      });
    }
    const startPseudocount = options.priors?.start ?? 0;
    const transitionPseudocount = options.priors?.transitions ?? 0;
    for (const [name, value] of [
      ['priors.start', startPseudocount],
      ['priors.transitions', transitionPseudocount],
    ] as const) {
      if (!Number.isFinite(value) || value < 0) {
        throw new InvalidOptionsError(`${name} must be a finite pseudo-count ≥ 0; got ${String(value)}.`, 'Use 0 for plain maximum likelihood, or e.g. 1 to smooth.', {
          option: name,
        });
      }
    }
    this.memoryBudget = resolveMemoryBudget(options.memoryBudget);
    checkChainMemory(k, this.memoryBudget);
    checkEmissionMemory(family, k, this.memoryBudget);
    this.family = family;
    this.scaled = scaledDensitiesOf(family);
    this.tabulated = tabulatedDensitiesOf(family);
    this.k = k;
    this.startPseudocount = startPseudocount;
    this.transitionPseudocount = transitionPseudocount;
    this.updateStart = options.update?.start ?? true;
    this.updateTransitions = options.update?.transitions ?? true;
    this.updateEmissions = options.update?.emissions ?? true;
    if (family.parameterMap !== undefined) {
      this.parameterMap = hmmParameterMap(family.parameterMap, k, { start: this.updateStart, transitions: this.updateTransitions, emissions: this.updateEmissions });
    }
    this.options = options;
    const initial = options.initialValues;
    const initialJson: { [key: string]: JsonValue } = {};
    if (initial?.startProbabilities !== undefined) initialJson['startProbabilities'] = Array.from(initial.startProbabilities);
    if (initial?.transitionMatrix !== undefined) initialJson['transitionMatrix'] = matrixToArrays(initial.transitionMatrix, k);
    if (initial?.emissions !== undefined) initialJson['emissions'] = family.componentsToJSON(initial.emissions);
    this.config = {
      kind: options.kind ?? 'hmm',
      options: {
        states: k,
        emission: { name: family.name, config: family.config },
        priors: { start: startPseudocount, transitions: transitionPseudocount },
        update: { start: this.updateStart, transitions: this.updateTransitions, emissions: this.updateEmissions },
        startInitialization: options.startInitialization ?? 'uniform',
        transitionInitialization: options.transitionInitialization ?? 'uniform',
        emissionInitializer: options.initializerName ?? (options.emissionInitializer === undefined ? 'seeded-random' : 'custom'),
        initialValues: initialJson,
        // Recorded only when given, so default configs (and saved models) are unchanged.
        ...(options.memoryBudget === undefined ? {} : { memoryBudget: this.memoryBudget }),
        ...(options.extraConfig ?? {}),
      },
    };
  }

  // ---------------------------------------------------------------- E-step

  eStep(params: HmmParameters<C>, data: Sequences<X>): EStepResult<HmmStatistics<FS>> {
    if (this.checkedData !== data) {
      this.checkDataMemory(data);
      checkSequenceMemory(longestSequence(data.lengths), this.k, 0, 0, this.memoryBudget, 'Forward–backward');
      this.checkedData = data;
    }
    // The fast loops (K = 2, the WebAssembly kernels) do not skip states without forward mass; when
    // their β̂ overflowed there, the E-step is redone with the guarded general loops.
    return this.eStepPass(params, data, false) ?? (this.eStepPass(params, data, true) as EStepResult<HmmStatistics<FS>>);
  }

  /** One E-step; undefined when the fast loops' posteriors were not finite (guarded: throws instead). */
  private eStepPass(params: HmmParameters<C>, data: Sequences<X>, guarded: boolean): EStepResult<HmmStatistics<FS>> | undefined {
    const statistics = this.zeroStatistics(params);
    const k = this.k;
    const x = data.observations;
    const prepared = this.family.prepare(params.emissions);
    const table = this.tabulated?.densityTable(prepared, x);
    const workspace = this.workspace;
    const outcome = this.outcome;
    let total = 0;
    let compensation = 0;
    for (let s = 0; s < data.count; s++) {
      const offset = data.offsets[s] as number;
      const length = data.lengths[s] as number;
      this.forward(params, prepared, x, offset, length, guarded ? undefined : table);
      if (outcome.impossibleAt >= 0) throw this.impossibleError(s, offset, outcome.impossibleAt);
      const term = outcome.logLikelihood;
      if (!Number.isFinite(term)) throw nonFiniteError(`The log-likelihood of sequence ${s} (rows ${offset}–${offset + length - 1}) is ${term}`, s);
      if (guarded) backwardGuarded(k, length, params.transitionMatrix, workspace, statistics.start, statistics.transitions, statistics.occupancy);
      else backwardScaled(k, length, params.transitionMatrix, workspace, statistics.start, statistics.transitions, statistics.occupancy, this.usedTable ? table : undefined, offset);
      // Σ_k occupancy is finite unless this sequence's posteriors are not (checked before they reach the emission statistics).
      if (!Number.isFinite(sum(statistics.occupancy))) {
        if (!guarded) return undefined;
        throw nonFiniteError(`The posteriors of sequence ${s} (rows ${offset}–${offset + length - 1}) are not finite`, s);
      }
      this.accumulateEmissions(prepared, statistics.emissions, x, offset, length);
      const next = total + term;
      compensation += Math.abs(total) >= Math.abs(term) ? total - next + term : term - next + total;
      total = next;
    }
    if (!Number.isFinite(sum(statistics.transitions)) || !Number.isFinite(sum(statistics.start))) {
      if (!guarded) return undefined;
      throw nonFiniteError('The expected transition counts are not finite', undefined);
    }
    return { statistics, logLikelihood: total + compensation };
  }

  /** Emission densities and the forward pass of one sequence into the workspace; result in `this.outcome`. */
  private forward(params: HmmParameters<C>, prepared: Prepared, x: X, offset: number, length: number, table: DensityTable | undefined): void {
    const workspace = this.workspace;
    this.usedTable = table !== undefined && forwardTabulated(this.k, length, params.startProbabilities, params.transitionMatrix, table, offset, workspace, this.outcome);
    if (this.usedTable) return;
    workspace.ensure(length, this.k);
    this.emissionDensities(prepared, x, offset, length, true);
    forwardScaled(this.k, length, params.startProbabilities, params.transitionMatrix, workspace, this.outcome, this.scaled !== undefined);
  }

  /**
   * The family's log-densities (or scaled densities) of one sequence into the workspace, in
   * blocks of EMISSION_BLOCK rows: the family's kernels then work on cache-sized blocks, as they
   * do inside a mixture, rather than on one block as long as the sequence. `allowScaled` false:
   * always log-densities (Viterbi).
   */
  private emissionDensities(prepared: Prepared, x: X, offset: number, length: number, allowScaled: boolean): void {
    const { emission, shifts } = this.workspace;
    const k = this.k;
    const scaled = allowScaled ? this.scaled : undefined;
    for (let first = 0; first < length; first += EMISSION_BLOCK) {
      const last = Math.min(length, first + EMISSION_BLOCK);
      const out = emission.subarray(first * k, last * k);
      if (scaled === undefined) this.family.logDensities(prepared, x, offset + first, offset + last, out);
      else scaled.scaledDensities(prepared, x, offset + first, offset + last, out, shifts.subarray(first, last));
    }
  }

  /** The family's statistics of one sequence weighted by the posteriors γ in the workspace, in blocks as above. */
  private accumulateEmissions(prepared: Prepared, statistics: FS, x: X, offset: number, length: number): void {
    const gamma = this.workspace.forward;
    const k = this.k;
    for (let first = 0; first < length; first += EMISSION_BLOCK) {
      const last = Math.min(length, first + EMISSION_BLOCK);
      this.family.accumulate(prepared, statistics, x, offset + first, offset + last, gamma.subarray(first * k, last * k));
    }
  }

  /**
   * After a failed forward pass the outcome says whether any state had density there; after
   * Viterbi (`fromForward` false) the emission row still holds log-densities.
   */
  private impossibleError(sequence: number, offset: number, position: number, fromForward = true): ImpossibleObservationError | NumericalError {
    let anyState = fromForward && this.outcome.noDensity === false;
    // NaN or +∞ where a density belongs: not an impossible observation but a numerical failure.
    let nonFinite = false;
    if (fromForward) {
      const shift = this.workspace.shifts[position] as number;
      nonFinite = Number.isNaN(shift) || shift === Infinity;
      // A NaN density of one state leaves the shift finite but makes that step's forward sum NaN.
      const k = this.k;
      const { emission, forward } = this.workspace;
      for (let j = 0; j < k; j++) {
        if (Number.isNaN(forward[position * k + j] as number) || (!this.usedTable && Number.isNaN(emission[position * k + j] as number))) nonFinite = true;
      }
    } else {
      const emission = this.workspace.emission;
      const k = this.k;
      for (let j = 0; j < k; j++) {
        const value = emission[position * k + j] as number;
        if (value > -Infinity) anyState = true;
        if (Number.isNaN(value) || value === Infinity) nonFinite = true;
      }
    }
    if (nonFinite) {
      return new NumericalError(
        `Sequence ${sequence}, position ${position} (row ${offset + position}): an emission log-density is NaN or +∞ (a value too large for the emission family, i.e. an overflow, or a degenerate emission).`,
        'Check that row for huge or non-finite values, rescale the data (standardise each column), or use a larger regCovar.',
        { sequence, position, row: offset + position },
      );
    }
    const why = anyState
      ? "is reachable only through transitions or start probabilities that are zero (or its density under the states the chain can be in lies more than ~700 nats below the best state's and underflows)"
      : 'has zero density under every state';
    return new ImpossibleObservationError(
      `Sequence ${sequence}, position ${position} (row ${offset + position}) ${why}: the sequence has probability 0.`,
      anyState
        ? 'Check the structural zeros of the start/transition probabilities, give initial emissions in the order the chain visits its states, or add a prior pseudo-count.'
        : 'Check that observation (a symbol out of the training range, an outlier), or use a prior / pseudo-count so no emission probability is exactly zero.',
      { sequence, position, row: offset + position },
    );
  }

  /** Emission parameters whose size depends on the data's columns (Gaussian covariances). */
  private checkDataMemory(data: Sequences<X>): void {
    const columns = (data.observations as unknown as { readonly cols?: unknown }).cols;
    if (typeof columns === 'number') checkEmissionDataMemory(this.family, this.k, columns, this.memoryBudget);
  }

  /**
   * Frees the per-sequence buffers kept between E-steps ((2K + 2)·T doubles, (K + 2)·T with a
   * density table, for the longest
   * sequence seen, plus Viterbi back-pointers); they are re-allocated when needed.
   */
  releaseBuffers(): void {
    this.workspace.release();
    this.viterbiWorkspace.release();
  }

  zeroStatistics(params: HmmParameters<C>): HmmStatistics<FS> {
    const k = this.k;
    return {
      start: new Float64Array(k),
      transitions: new Float64Array(k * k),
      occupancy: new Float64Array(k),
      emissions: this.family.zeroStatistics(params.emissions),
    };
  }

  // ---------------------------------------------------------------- M-step

  mStep(statistics: HmmStatistics<FS>, previous: HmmParameters<C>, context: MStepContext = silentContext): HmmParameters<C> {
    const k = this.k;
    let totalOccupancy = 0;
    for (let j = 0; j < k; j++) totalOccupancy += statistics.occupancy[j] as number;
    // Statistics merged from elsewhere (workers, a caller's own sums) must be finite too: a NaN
    // occupancy would otherwise read as an "empty state" and keep the previous parameters.
    if (!Number.isFinite(totalOccupancy)) throw nonFiniteError(`The expected time steps per state sum to ${totalOccupancy}`, undefined);
    const empty: boolean[] = [];
    for (let j = 0; j < k; j++) empty.push(!((statistics.occupancy[j] as number) > 1e-12 * totalOccupancy));
    const startProbabilities = this.updateStart
      ? maximizeRow(statistics.start, 0, previous.startProbabilities, 0, k, this.startPseudocount) ?? previous.startProbabilities
      : previous.startProbabilities;
    let transitionMatrix = previous.transitionMatrix;
    const keptRows = new Set<number>();
    if (this.updateTransitions) {
      const next = new Float64Array(k * k);
      for (let i = 0; i < k; i++) {
        const row = maximizeRow(statistics.transitions, i * k, previous.transitionMatrix, i * k, k, this.transitionPseudocount);
        if (row === undefined) {
          next.set(previous.transitionMatrix.subarray(i * k, (i + 1) * k), i * k);
          keptRows.add(i);
        } else next.set(row, i * k);
      }
      transitionMatrix = next;
    }
    for (let j = 0; j < k; j++) {
      if (!empty[j] && !keptRows.has(j)) continue;
      context.report({
        type: 'degenerate-component',
        iteration: context.iteration,
        component: j,
        reason: 'empty-state',
        message: `State ${j} received ${(statistics.occupancy[j] as number).toExponential(3)} expected time steps of ${totalOccupancy.toExponential(3)}${keptRows.has(j) ? ' and no expected transitions out of it' : ''}.`,
        action: keptRows.has(j) ? 'kept-previous' : 'continued',
      });
    }
    const emissions = this.updateEmissions ? this.family.maximize(statistics.emissions, previous.emissions, context) : previous.emissions;
    return { startProbabilities, transitionMatrix, emissions };
  }

  qFunction(params: HmmParameters<C>, statistics: HmmStatistics<FS>): number {
    const k = this.k;
    let q = 0;
    for (let j = 0; j < k; j++) q += xLogY(statistics.start[j] as number, params.startProbabilities[j] as number);
    for (let index = 0; index < k * k; index++) q += xLogY(statistics.transitions[index] as number, params.transitionMatrix[index] as number);
    return q + this.family.expectedLogDensity(params.emissions, statistics.emissions);
  }

  logPrior(params: HmmParameters<C>): number {
    const k = this.k;
    let value = this.updateEmissions ? this.family.logPrior(params.emissions) : 0;
    if (this.updateStart && this.startPseudocount > 0) value += supportDirichlet(params.startProbabilities, 0, k, this.startPseudocount);
    if (this.updateTransitions && this.transitionPseudocount > 0) {
      for (let i = 0; i < k; i++) value += supportDirichlet(params.transitionMatrix, i * k, k, this.transitionPseudocount);
    }
    return value;
  }

  // ---------------------------------------------------------------- evaluation

  logLikelihood(params: HmmParameters<C>, data: Sequences<X>): number {
    const perSequence = this.sequenceLogLikelihoods(params, data);
    let total = 0;
    let compensation = 0;
    for (let s = 0; s < perSequence.length; s++) {
      const term = perSequence[s] as number;
      if (term === -Infinity) return -Infinity;
      const next = total + term;
      compensation += Math.abs(total) >= Math.abs(term) ? total - next + term : term - next + total;
      total = next;
    }
    return total + compensation;
  }

  /** log p(sequence s; θ) for each sequence (−∞ for an impossible one). */
  sequenceLogLikelihoods(params: HmmParameters<C>, data: Sequences<X>): Float64Array {
    checkSequenceMemory(longestSequence(data.lengths), this.k, 0, 0, this.memoryBudget, 'The forward pass');
    const prepared = this.family.prepare(params.emissions);
    const table = this.tabulated?.densityTable(prepared, data.observations);
    const out = new Float64Array(data.count);
    for (let s = 0; s < data.count; s++) {
      const offset = data.offsets[s] as number;
      const length = data.lengths[s] as number;
      this.forward(params, prepared, data.observations, offset, length, table);
      const value = this.outcome.logLikelihood;
      // −∞ is an answer (an impossible sequence); NaN or +∞ densities are a numerical failure.
      const error = this.outcome.impossibleAt >= 0 ? this.impossibleError(s, offset, this.outcome.impossibleAt) : undefined;
      if (error instanceof NumericalError) throw error;
      if (Number.isNaN(value) || value === Infinity) throw nonFiniteError(`The log-likelihood of sequence ${s} is ${value}`, s);
      out[s] = value;
    }
    return out;
  }

  /**
   * Posterior state probabilities γ_t(k) = p(z_t = k | x; θ), totalLength×K row-major.
   * Throws ImpossibleObservationError (with sequence and position) for an impossible sequence.
   */
  posteriors(params: HmmParameters<C>, data: Sequences<X>): Float64Array {
    const k = this.k;
    checkSequenceMemory(longestSequence(data.lengths), k, data.totalLength, 1, this.memoryBudget, 'Posterior state probabilities');
    const prepared = this.family.prepare(params.emissions);
    const table = this.tabulated?.densityTable(prepared, data.observations);
    const out = new Float64Array(data.totalLength * k);
    for (let s = 0; s < data.count; s++) {
      const offset = data.offsets[s] as number;
      const length = data.lengths[s] as number;
      this.forward(params, prepared, data.observations, offset, length, table);
      if (this.outcome.impossibleAt >= 0) throw this.impossibleError(s, offset, this.outcome.impossibleAt);
      backwardScaled(k, length, params.transitionMatrix, this.workspace, undefined, undefined, undefined, this.usedTable ? table : undefined, offset);
      let gamma = this.workspace.forward.subarray(0, length * k);
      if (!Number.isFinite(sum(gamma))) {
        // As in eStep: redo this sequence with the guarded loops.
        this.forward(params, prepared, data.observations, offset, length, undefined);
        backwardGuarded(k, length, params.transitionMatrix, this.workspace, undefined, undefined, undefined);
        gamma = this.workspace.forward.subarray(0, length * k);
        if (!Number.isFinite(sum(gamma))) throw nonFiniteError(`The posteriors of sequence ${s} (rows ${offset}–${offset + length - 1}) are not finite`, s);
      }
      out.set(gamma, offset * k);
    }
    return out;
  }

  /** The estimator's per-time-step posteriors: `posteriors` (p(z_t = k | x), totalLength × K). */
  responsibilities(params: HmmParameters<C>, data: Sequences<X>): Float64Array {
    return this.posteriors(params, data);
  }

  /** The estimator's labels: the Viterbi path, one state per time step. */
  predict(params: HmmParameters<C>, data: Sequences<X>): Int32Array {
    return this.viterbi(params, data).states;
  }

  /** The estimator's per-sample log-densities: one log p(sequence) per sequence. */
  scoreSamples(params: HmmParameters<C>, data: Sequences<X>): Float64Array {
    return this.sequenceLogLikelihoods(params, data);
  }

  /** Most probable state path per sequence (Viterbi) and its joint log-probability log p(x, z*). */
  viterbi(params: HmmParameters<C>, data: Sequences<X>): { readonly states: Int32Array; readonly logProbabilities: Float64Array } {
    const k = this.k;
    const longest = longestSequence(data.lengths);
    // Back-pointers: the longest sequence × K (counted as doubles, an upper bound).
    checkSequenceMemory(longest, k, longest, 1, this.memoryBudget, 'Viterbi decoding');
    const prepared = this.family.prepare(params.emissions);
    const logStart = logOf(params.startProbabilities);
    const logTransition = logOf(params.transitionMatrix);
    const states = new Int32Array(data.totalLength);
    const logProbabilities = new Float64Array(data.count);
    const impossible = { at: -1 };
    for (let s = 0; s < data.count; s++) {
      const offset = data.offsets[s] as number;
      const length = data.lengths[s] as number;
      this.workspace.ensure(length, k);
      this.viterbiWorkspace.ensure(length, k);
      this.emissionDensities(prepared, data.observations, offset, length, false);
      // Viterbi's max would silently skip a NaN density (and follow a +∞ one): refuse both.
      const emission = this.workspace.emission;
      for (let index = 0; index < length * k; index++) {
        const density = emission[index] as number;
        if (Number.isNaN(density) || density === Infinity) throw this.impossibleError(s, offset, Math.floor(index / k), false);
      }
      const value = viterbiPath(k, length, logStart, logTransition, this.workspace.emission, this.viterbiWorkspace, states, offset, impossible);
      if (impossible.at >= 0) throw this.impossibleError(s, offset, impossible.at, false);
      logProbabilities[s] = value;
    }
    return { states, logProbabilities };
  }

  /**
   * Draws a sequence of `length` steps: states and observations (length × sampleDimension).
   * `startState` fixes z_1 instead of drawing it from π.
   */
  sample(
    params: HmmParameters<C>,
    length: number,
    random: Random,
    startState?: number,
  ): { readonly observations: Float64Array; readonly states: Int32Array; readonly labels: Int32Array; readonly dimension: number } {
    const k = this.k;
    if (!Number.isInteger(length) || length < 1) {
      throw new InvalidOptionsError(`The sample length must be an integer ≥ 1; got ${String(length)}.`, 'Pass the number of time steps to draw.', { option: 'length' });
    }
    if (startState !== undefined && (!Number.isInteger(startState) || startState < 0 || startState >= k)) {
      throw new InvalidOptionsError(`startState must be an integer in [0, ${k - 1}]; got ${String(startState)}.`, 'Pass a state index, or omit it to draw from the start probabilities.', {
        option: 'startState',
      });
    }
    const dimension = this.family.sampleDimension(params.emissions);
    checkSampleMemory(length, dimension, this.memoryBudget);
    const observations = new Float64Array(length * dimension);
    const states = new Int32Array(length);
    let state = startState ?? random.categorical(params.startProbabilities);
    for (let t = 0; t < length; t++) {
      if (t > 0) state = random.categorical(params.transitionMatrix, state * k, (state + 1) * k);
      states[t] = state;
      this.family.sample(params.emissions, state, random, observations.subarray(t * dimension, (t + 1) * dimension));
    }
    // `labels` is the same array, under the name every estimator's sample uses.
    return { observations, states, labels: states, dimension };
  }

  // ---------------------------------------------------------------- checks and bookkeeping

  validateParameters(params: HmmParameters<C>): void {
    validateChain(params.startProbabilities, params.transitionMatrix, this.k);
    const count = this.family.componentCount(params.emissions);
    if (count !== this.k) {
      throw new InvalidParametersError(`The model has ${this.k} states but the emission parameters describe ${count}.`, 'Give one emission component per state.', {
        parameter: 'emissions',
      });
    }
    this.family.validateComponents(params.emissions);
  }

  validateData(data: Sequences<X>, params?: HmmParameters<C>): void {
    if (!(data instanceof Sequences)) {
      throw new InvalidDataError('HMM data must be a Sequences container (observations + lengths).', 'Wrap the rows with new Sequences(observations, lengths).');
    }
    this.family.validateData(data.observations, params?.emissions);
  }

  /**
   * Free parameters: K − 1 start probabilities and K − 1 per transition row, minus structural
   * zeros (zeros of the given initial values, which EM keeps at zero), plus the family's; frozen
   * groups count 0. (An entry that EM drives to zero is still counted.)
   */
  freeParameterCount(params: HmmParameters<C>): number {
    const k = this.k;
    const initial = this.options.initialValues;
    let count = 0;
    if (this.updateStart) count += Math.max(0, (initial?.startProbabilities === undefined ? k : nonZero(initial.startProbabilities, 0, k)) - 1);
    if (this.updateTransitions) {
      for (let i = 0; i < k; i++) count += Math.max(0, (initial?.transitionMatrix === undefined ? k : nonZero(initial.transitionMatrix, i * k, k)) - 1);
    }
    if (this.updateEmissions) count += this.family.freeParameterCount(params.emissions);
    return count;
  }

  observationCount(data: Sequences<X>): number {
    return data.totalLength;
  }

  splitData(data: Sequences<X>, parts: number): Sequences<X>[] {
    return data.split(parts);
  }

  shareData(data: Sequences<X>): Sequences<X> {
    const share = this.family.shareData;
    if (share === undefined) return data;
    return new Sequences(share.call(this.family, data.observations), data.lengths);
  }

  /** The initial values given in the options, when all three groups are given (else undefined). */
  givenParameters(): HmmParameters<C> | undefined {
    const initial = this.options.initialValues;
    if (initial?.startProbabilities === undefined || initial.transitionMatrix === undefined || initial.emissions === undefined) return undefined;
    return { startProbabilities: initial.startProbabilities, transitionMatrix: initial.transitionMatrix, emissions: initial.emissions };
  }

  initialize(data: Sequences<X>, random: Random): HmmParameters<C> {
    const k = this.k;
    const initial = this.options.initialValues;
    const rows = data.totalLength;
    const startProbabilities = initial?.startProbabilities ?? chainRow(k, this.options.startInitialization ?? 'uniform', random);
    let transitionMatrix = initial?.transitionMatrix;
    if (transitionMatrix === undefined) {
      transitionMatrix = new Float64Array(k * k);
      for (let i = 0; i < k; i++) transitionMatrix.set(chainRow(k, this.options.transitionInitialization ?? 'uniform', random), i * k);
    }
    let emissions = initial?.emissions;
    if (emissions !== undefined) this.family.validateData(data.observations, emissions);
    if (emissions === undefined) {
      if (k > rows) {
        throw new InvalidDataError(`Cannot initialise ${k} states from ${rows} observations.`, `Use at most ${rows} states, provide more data, or give initial emissions.`, {
          states: k,
          rows,
        });
      }
      this.checkDataMemory(data);
      const reorder = k > 1 && hasStructuralZeros(initial?.startProbabilities, initial?.transitionMatrix);
      checkResponsibilitiesMemory(rows, k, reorder ? 2 : 1, this.memoryBudget);
      const initializer = this.options.emissionInitializer ?? ((x: X, states: number, r: Random) => seededResponsibilities(this.family.observationCount(x), states, r));
      let weights = initializer(data.observations, k, random);
      // A chain with structural zeros can only reach some orders of the states: put the
      // initializer's clusters in one it can reach (k-means numbers them arbitrarily).
      if (reorder) {
        const stateOf = clustersAlongTopology(labelsOf(weights, rows, k), data.offsets, data.count, startProbabilities, transitionMatrix, k);
        weights = permuteColumns(weights, rows, stateOf, k);
      }
      emissions = this.family.initializeFromWeights(data.observations, weights, k, silentContext);
    }
    return { startProbabilities, transitionMatrix, emissions };
  }

  parametersToJSON(params: HmmParameters<C>): JsonValue {
    return {
      startProbabilities: Array.from(params.startProbabilities),
      transitionMatrix: matrixToArrays(params.transitionMatrix, this.k),
      emissions: this.family.componentsToJSON(params.emissions),
    };
  }

  parametersFromJSON(json: JsonValue): HmmParameters<C> {
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new InvalidParametersError(
        'HMM parameters must be an object with "startProbabilities", "transitionMatrix" and "emissions".',
        'Pass the output of parametersToJSON (or the `parameters` of a fitted model).',
      );
    }
    const record = json as { readonly [key: string]: JsonValue };
    return {
      startProbabilities: vectorFromJson(record['startProbabilities'], 'startProbabilities', this.k),
      transitionMatrix: squareMatrixFromJson(record['transitionMatrix'], 'transitionMatrix', this.k),
      emissions: this.family.componentsFromJSON(record['emissions'] ?? null),
    };
  }
}

/** Convenience factory. */
export function createHmmModel<C, X extends RowSliceable<X>, FS extends Statistics, Prepared>(
  family: ComponentFamily<C, X, FS, Prepared>,
  options: HmmModelOptions<C, X>,
): HmmModel<C, X, FS, Prepared> {
  return new HmmModel(family, options);
}

/**
 * MAP row of a Dirichlet(1 + c)-prior categorical over the support of `previous` (entries that
 * are zero stay zero): p_j = (n_j + c) / Σ (n + c). Undefined when the row got no mass at all.
 */
function maximizeRow(counts: Float64Array, countOffset: number, previous: Float64Array, previousOffset: number, k: number, pseudocount: number): Float64Array | undefined {
  const out = new Float64Array(k);
  let total = 0;
  for (let j = 0; j < k; j++) {
    if ((previous[previousOffset + j] as number) === 0) continue;
    const v = Math.max(0, counts[countOffset + j] as number) + pseudocount;
    out[j] = v;
    total += v;
  }
  if (!(total > 0) || !Number.isFinite(total)) return undefined;
  const inverse = 1 / total;
  for (let j = 0; j < k; j++) out[j] = (out[j] as number) * inverse;
  return out;
}

/** log Dirichlet(1 + c) density of a probability row restricted to its non-zero entries. */
function supportDirichlet(values: Float64Array, offset: number, k: number, pseudocount: number): number {
  const support: number[] = [];
  for (let j = 0; j < k; j++) if ((values[offset + j] as number) > 0) support.push(values[offset + j] as number);
  if (support.length < 2) return 0;
  return logDirichletDensity(support, new Float64Array(support.length).fill(1 + pseudocount));
}

function sum(values: Float64Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i] as number;
  return total;
}

/**
 * NaN or ±∞ in the forward–backward results: never passed on to the M-step (a fit must not report
 * success after it). The overflow of β̂ behind structural zeros is handled (backwardGuarded), so
 * this is what remains: extreme data or emission parameters.
 */
function nonFiniteError(what: string, sequence: number | undefined): NumericalError {
  return new NumericalError(
    `${what}: the forward–backward computation overflowed.`,
    'Check the data for extreme values and rescale it (standardise each column), give init.emissions in the order the chain visits its states (or omit them: the default start follows the chain), or use a larger regCovar / pseudo-count.',
    sequence === undefined ? {} : { sequence },
  );
}

function nonZero(values: Float64Array, offset: number, k: number): number {
  let count = 0;
  for (let j = 0; j < k; j++) if ((values[offset + j] as number) > 0) count++;
  return count;
}

function chainRow(k: number, how: ChainInitialization, random: Random): Float64Array {
  return how === 'random' ? random.dirichlet(new Float64Array(k).fill(1)) : new Float64Array(k).fill(1 / k);
}

function logOf(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.log(values[i] as number);
  return out;
}

// The saved form read back: configs of worker threads and saved files rebuild the engine model here.

/** The `kind` of every HMM config and saved model. */
export const HMM_KIND = 'hmm';

type JsonRecord = { readonly [key: string]: JsonValue };

function recordField(source: JsonRecord, key: string): JsonRecord {
  const value = source[key];
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) ? (value as JsonRecord) : {};
}

function numberOr(source: JsonRecord, key: string, fallback: number): number {
  const value = source[key];
  return typeof value === 'number' ? value : fallback;
}

function booleanOr(source: JsonRecord, key: string, fallback: boolean): boolean {
  const value = source[key];
  return typeof value === 'boolean' ? value : fallback;
}

function chainInit(source: JsonRecord, key: string): ChainInitialization {
  return source[key] === 'random' ? 'random' : 'uniform';
}

/** The named emission initializers a config can record. */
export function emissionInitializerByName(name: string, family: DenseFamily): EmissionInitializer<DenseMatrix> {
  if (name === 'kmeans') return kMeansResponsibilities;
  return (x: DenseMatrix, states: number, random: Random) => seededResponsibilities(family.observationCount(x), states, random);
}

/**
 * Rebuilds the HMM EmModel from its `config` (worker threads, saved files). The emission family
 * is rebuilt through the emission registry unless given. Initial values recorded in the config
 * are restored unless `initialValues` is given.
 */
export function modelFromConfig(
  config: ModelConfig,
  family?: DenseFamily,
  initialValues?: { startProbabilities?: Float64Array; transitionMatrix?: Float64Array; emissions?: unknown },
): HmmModel<unknown, DenseMatrix, Statistics, unknown> {
  if (config.kind !== HMM_KIND) {
    throw new FormatError(`This config describes a "${config.kind}" model, not an "${HMM_KIND}".`, 'Load it with the package that wrote it.');
  }
  const options = config.options;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new FormatError('The HMM config has no "options" object.', 'Pass model.config or a file written by toJSON.');
  }
  const record = options as JsonRecord;
  const states = record['states'];
  if (typeof states !== 'number') throw new FormatError('The HMM config has no "states".', 'Pass model.config or a file written by toJSON.');
  registerBuiltInEmissionFamilies();
  const emissionFamily = family ?? emissionFamilyFromConfig(record['emission']);
  const priors = recordField(record, 'priors');
  const update = recordField(record, 'update');
  const initializerName = typeof record['emissionInitializer'] === 'string' ? record['emissionInitializer'] : 'seeded-random';
  let values = initialValues;
  if (values === undefined) {
    const recorded = recordField(record, 'initialValues');
    const restored: { startProbabilities?: Float64Array; transitionMatrix?: Float64Array; emissions?: unknown } = {};
    if (recorded['startProbabilities'] !== undefined) restored.startProbabilities = vectorFromJson(recorded['startProbabilities'], 'initialValues.startProbabilities', states);
    if (recorded['transitionMatrix'] !== undefined) restored.transitionMatrix = squareMatrixFromJson(recorded['transitionMatrix'], 'initialValues.transitionMatrix', states);
    if (recorded['emissions'] !== undefined) restored.emissions = emissionFamily.componentsFromJSON(recorded['emissions']);
    values = restored;
  }
  return createHmmModel(emissionFamily, {
    states,
    priors: { start: numberOr(priors, 'start', 0), transitions: numberOr(priors, 'transitions', 0) },
    update: { start: booleanOr(update, 'start', true), transitions: booleanOr(update, 'transitions', true), emissions: booleanOr(update, 'emissions', true) },
    startInitialization: chainInit(record, 'startInitialization'),
    transitionInitialization: chainInit(record, 'transitionInitialization'),
    emissionInitializer: emissionInitializerByName(initializerName, emissionFamily),
    initializerName,
    initialValues: values,
    ...(typeof record['memoryBudget'] === 'number' ? { memoryBudget: record['memoryBudget'] } : {}),
  });
}
