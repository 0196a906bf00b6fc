import {
  type Acceleration,
  type AsyncFitOptions,
  type ComponentFamily,
  type FitOptions,
  DEFAULT_FIT_SETTINGS,
  DenseMatrix,
  type DenseInput,
  type EStepExecutor,
  type FitEvent,
  type FitMetadata,
  type FitResult,
  InvalidDataError,
  InvalidOptionsError,
  type IterationInfo,
  type JsonValue,
  Random,
  Sequences,
  type SerializedModel,
  type Statistics,
  type ToleranceRule,
  aic as aicOf,
  bic as bicOf,
  fitEm,
  fitEmAsync,
  parseSerializedModel,
  resolveMemoryBudget,
  serializeModel,
} from '@em/core';
import type { DenseFamily } from './emission-registry.js';
import { resolveEmission, type EmissionSpec } from './emission-spec.js';
import { type HmmModel, type ChainInitialization, type HmmPriors, type HmmUpdate } from './hmm-model.js';
import { HMM_KIND, modelFromConfig } from './model-from-config.js';
import { type HmmParameters, type HmmParametersJson, squareMatrixFromJson, vectorFromJson } from './parameters.js';
import { stationaryDistribution } from './stationary.js';

/** Observations: rows (one per time step) with optional lengths, or a Sequences container. */
export type HmmData = Sequences<DenseMatrix> | DenseInput;

/** Initial values and strategies. Given values are used as is (zeros are structural). */
export interface HmmInit {
  readonly startProbabilities?: readonly number[];
  readonly transitionMatrix?: readonly (readonly number[])[];
  /** Emission components in the family's JSON form (`componentsToJSON`). */
  readonly emissions?: JsonValue;
  /** Start probabilities when not given: 'uniform' (default) or 'random' (Dirichlet(1)). */
  readonly start?: ChainInitialization;
  /** Transition rows when not given: 'uniform' (default) or 'random'. */
  readonly transitions?: ChainInitialization;
  /**
   * Emissions when not given: 'kmeans' (default for Gaussian emissions: k-means labels on the rows)
   * or 'random' (default otherwise: random responsibilities plus one random seed row per state).
   * When the given start or transition probabilities have zeros, the clusters are matched to the
   * states along the chain (a left-right chain: by their mean position in the sequences).
   */
  readonly emissionMethod?: 'kmeans' | 'random';
}

export interface HiddenMarkovModelOptions<C = unknown> {
  /** Number of hidden states K ≥ 1. */
  readonly states: number;
  /** An emission family over dense rows, or a convenience spec. */
  readonly emission: DenseFamilyOf<C> | EmissionSpec;
  readonly priors?: HmmPriors;
  readonly update?: HmmUpdate;
  readonly init?: HmmInit;
  /** Restarts from independent initialisations; the best final objective wins (default 1). */
  readonly nInit?: number;
  /** Seed of every random choice (default 0). */
  readonly seed?: number;
  /** Maximum Baum–Welch iterations (default DEFAULT_FIT_SETTINGS.maxIterations from @em/core, 10 000). 0 only evaluates the initial parameters. */
  readonly maxIterations?: number;
  /**
   * Convergence tolerance on the objective (total log-likelihood + log-prior), applied by
   * `toleranceRule` (default DEFAULT_FIT_SETTINGS, the same for every model: stop when
   * |Δ| / max(1, |objective|) < 1e-10). hmmlearn's `tol` is `{ toleranceRule: 'absolute', tolerance: 1e-2 }`.
   * 0 runs maxIterations.
   */
  readonly tolerance?: number;
  /** 'relative' (default), 'absolute' (hmmlearn's) or 'per-observation' (per time step); see @em/core's ToleranceRule. */
  readonly toleranceRule?: ToleranceRule;
  /** 'squarem' accelerates Baum–Welch by squared extrapolation (see @em/core's Acceleration); default 'none'. */
  readonly acceleration?: Acceleration;
  /**
   * Bytes the model may allocate for its tables and buffers: a number or a string such as
   * '1GiB' (default 256 MiB, @em/core DEFAULT_MEMORY_BUDGET). States (K×K chain matrices),
   * symbols (K×M tables) and the longest sequence (T×K forward–backward buffers) are checked
   * against it before anything is allocated; too large a shape gives a MemoryBudgetError.
   */
  readonly memoryBudget?: number | string;
}

/** A family whose parameters are C (Prepared and statistics types are the family's business). */
export type DenseFamilyOf<C> = ComponentFamily<C, DenseMatrix, Statistics, unknown>;

export interface HmmFitOptions<C = unknown> {
  readonly onIteration?: (info: IterationInfo<HmmParameters<C>>) => void;
  readonly onEvent?: (event: FitEvent) => void;
  readonly signal?: AbortSignal;
}

export interface HmmAsyncFitOptions<C = unknown> extends HmmFitOptions<C> {
  /** Where E-steps run, e.g. createWorkerExecutor({ workerUrl: import.meta.resolve('@em/hmm/worker'), workers: 2 }). */
  readonly executor?: EStepExecutor;
}

/** A decoded state path. */
export interface DecodedSequence {
  readonly states: Int32Array;
  /**
   * Viterbi: the joint log-probability log p(x, z*) of the path. MAP (posterior) decoding:
   * log p(x) of the sequence (the path itself need not be a feasible sequence of states).
   */
  readonly logProbability: number;
}

export interface DecodeResult extends DecodedSequence {
  /** One entry per sequence (the top-level fields concatenate / sum them). */
  readonly sequences: readonly DecodedSequence[];
}

/**
 * A hidden Markov model with K states and any emission family, fitted by Baum–Welch.
 *
 * ```ts
 * const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 6 }, seed: 1 });
 * hmm.fit(rolls);                    // one sequence (or fit(rows, lengths) for several)
 * hmm.decode(rolls).states;          // Viterbi path
 * ```
 */
export class HiddenMarkovModel<C = unknown> {
  readonly options: HiddenMarkovModelOptions<C>;
  readonly model: HmmModel<C, DenseMatrix, Statistics, unknown>;
  private fitted: HmmParameters<C> | undefined;
  private lastFit: FitResult<HmmParameters<C>> | undefined;
  /** Fit metadata read by fromJSON, written back by toJSON until the next fit. */
  private loadedFit: FitMetadata | undefined;

  constructor(options: HiddenMarkovModelOptions<C>, fittedParameters?: HmmParameters<C>, prebuilt?: HmmModel<C, DenseMatrix, Statistics, unknown>) {
    this.options = options;
    if (prebuilt !== undefined) {
      this.model = prebuilt;
      if (fittedParameters !== undefined) {
        prebuilt.validateParameters(fittedParameters);
        this.fitted = fittedParameters;
      }
      return;
    }
    const resolved = resolveEmission(options.emission as DenseFamily | EmissionSpec);
    const family = resolved.family as DenseFamilyOf<C>;
    const k = options.states;
    const init = options.init ?? {};
    const method = init.emissionMethod ?? resolved.defaultInitialization;
    const initialValues: { startProbabilities?: Float64Array; transitionMatrix?: Float64Array; emissions?: C } = {};
    if (init.startProbabilities !== undefined) initialValues.startProbabilities = vectorFromJson(init.startProbabilities as number[], 'init.startProbabilities', k);
    if (init.transitionMatrix !== undefined) initialValues.transitionMatrix = squareMatrixFromJson(init.transitionMatrix as number[][], 'init.transitionMatrix', k);
    if (init.emissions !== undefined) initialValues.emissions = family.componentsFromJSON(init.emissions);
    this.model = modelFromConfig(
      {
        kind: HMM_KIND,
        options: {
          states: k,
          emission: { name: family.name, config: family.config },
          priors: { start: options.priors?.start ?? 0, transitions: options.priors?.transitions ?? 0 },
          update: { start: options.update?.start ?? true, transitions: options.update?.transitions ?? true, emissions: options.update?.emissions ?? true },
          startInitialization: init.start ?? 'uniform',
          transitionInitialization: init.transitions ?? 'uniform',
          emissionInitializer: method === 'kmeans' ? 'kmeans' : 'seeded-random',
          ...(options.memoryBudget === undefined ? {} : { memoryBudget: resolveMemoryBudget(options.memoryBudget) }),
        },
      },
      family as DenseFamily,
      initialValues as { startProbabilities?: Float64Array; transitionMatrix?: Float64Array; emissions?: unknown },
    ) as unknown as HmmModel<C, DenseMatrix, Statistics, unknown>;
    if (fittedParameters !== undefined) {
      this.model.validateParameters(fittedParameters);
      this.fitted = fittedParameters;
    }
  }

  /** Fits by Baum–Welch; restarts, tolerance and seed come from the options. */
  fit(data: HmmData, lengths?: ArrayLike<number>, options: HmmFitOptions<C> = {}): FitResult<HmmParameters<C>> {
    const sequences = toSequences(data, lengths);
    let result: FitResult<HmmParameters<C>>;
    try {
      result = fitEm(this.model, sequences, this.fitOptions(options));
    } finally {
      this.model.releaseBuffers();
    }
    this.fitted = result.parameters;
    this.lastFit = result;
    this.loadedFit = undefined;
    return result;
  }

  /** As `fit`, with E-steps on an executor (worker threads split the work by whole sequences). */
  async fitAsync(data: HmmData, lengths?: ArrayLike<number>, options: HmmAsyncFitOptions<C> = {}): Promise<FitResult<HmmParameters<C>>> {
    const sequences = toSequences(data, lengths);
    const fitOptions: AsyncFitOptions<HmmParameters<C>> = { ...this.fitOptions(options), ...(options.executor === undefined ? {} : { executor: options.executor }) };
    let result: FitResult<HmmParameters<C>>;
    try {
      result = await fitEmAsync(this.model, sequences, fitOptions);
    } finally {
      this.model.releaseBuffers();
    }
    this.fitted = result.parameters;
    this.lastFit = result;
    this.loadedFit = undefined;
    return result;
  }

  private fitOptions(options: HmmFitOptions<C>): FitOptions<HmmParameters<C>> {
    const o = this.options;
    return {
      toleranceRule: o.toleranceRule ?? DEFAULT_FIT_SETTINGS.toleranceRule,
      tolerance: o.tolerance ?? DEFAULT_FIT_SETTINGS.tolerance,
      maxIterations: o.maxIterations ?? DEFAULT_FIT_SETTINGS.maxIterations,
      nInit: o.nInit ?? 1,
      seed: o.seed ?? 0,
      ...(o.acceleration === undefined ? {} : { acceleration: o.acceleration }),
      ...(options.onIteration === undefined ? {} : { onIteration: options.onIteration }),
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(o.maxIterations === 0 || this.hasCompleteInit() ? { initialParameters: this.initialParameters() } : {}),
    };
  }

  private hasCompleteInit(): boolean {
    const init = this.options.init;
    return init?.startProbabilities !== undefined && init.transitionMatrix !== undefined && init.emissions !== undefined && (this.options.nInit ?? 1) === 1;
  }

  private initialParameters(): HmmParameters<C> {
    const given = this.model.givenParameters();
    if (given === undefined) {
      throw new InvalidOptionsError(
        'maxIterations 0 evaluates given parameters, but init does not give all of startProbabilities, transitionMatrix and emissions.',
        'Pass complete initial parameters in init, or use maxIterations ≥ 1.',
        { option: 'maxIterations' },
      );
    }
    return given;
  }

  /** The fitted parameters (throws before `fit`). */
  get fittedParameters(): HmmParameters<C> {
    if (this.fitted === undefined) {
      throw new InvalidOptionsError('The model has not been fitted.', 'Call fit(data) first, or load a fitted model with HiddenMarkovModel.fromJSON.');
    }
    return this.fitted;
  }

  /** The last fit's result (undefined before fit or after fromJSON). */
  get fitResult(): FitResult<HmmParameters<C>> | undefined {
    return this.lastFit;
  }

  /** Parameters as plain nested arrays. */
  get parameters(): HmmParametersJson {
    return this.model.parametersToJSON(this.fittedParameters) as unknown as HmmParametersJson;
  }

  /** Total log-likelihood log p(x; θ) over all sequences (−∞ when a sequence is impossible). */
  score(data: HmmData, lengths?: ArrayLike<number>): number {
    const sequences = toSequences(data, lengths);
    this.model.validateData(sequences, this.fittedParameters);
    return this.model.logLikelihood(this.fittedParameters, sequences);
  }

  /** log p(sequence; θ) per sequence. */
  scoreSequences(data: HmmData, lengths?: ArrayLike<number>): Float64Array {
    const sequences = toSequences(data, lengths);
    this.model.validateData(sequences, this.fittedParameters);
    return this.model.sequenceLogLikelihoods(this.fittedParameters, sequences);
  }

  /** Most likely states: Viterbi path (default) or per-step MAP of the posteriors. */
  decode(data: HmmData, lengths?: ArrayLike<number>, options: { readonly algorithm?: 'viterbi' | 'map' } = {}): DecodeResult {
    const sequences = toSequences(data, lengths);
    const params = this.fittedParameters;
    this.model.validateData(sequences, params);
    const algorithm = options.algorithm ?? 'viterbi';
    let states: Int32Array;
    let logProbabilities: Float64Array;
    if (algorithm === 'viterbi') {
      ({ states, logProbabilities } = this.model.viterbi(params, sequences));
    } else if (algorithm === 'map') {
      const k = this.model.k;
      const gamma = this.model.posteriors(params, sequences);
      states = new Int32Array(sequences.totalLength);
      for (let t = 0; t < states.length; t++) {
        let best = 0;
        for (let j = 1; j < k; j++) if ((gamma[t * k + j] as number) > (gamma[t * k + best] as number)) best = j;
        states[t] = best;
      }
      logProbabilities = this.model.sequenceLogLikelihoods(params, sequences);
    } else {
      throw new InvalidOptionsError(`algorithm must be 'viterbi' or 'map'; got ${String(algorithm)}.`, "Use 'viterbi' (most likely path) or 'map' (most likely state per step).", {
        option: 'algorithm',
      });
    }
    const perSequence: DecodedSequence[] = [];
    let total = 0;
    for (let s = 0; s < sequences.count; s++) {
      const start = sequences.offsets[s] as number;
      perSequence.push({ states: states.subarray(start, sequences.offsets[s + 1] as number), logProbability: logProbabilities[s] as number });
      total += logProbabilities[s] as number;
    }
    return { states, logProbability: total, sequences: perSequence };
  }

  /** The decoded state per time step (`decode(...).states`). */
  predict(data: HmmData, lengths?: ArrayLike<number>, options: { readonly algorithm?: 'viterbi' | 'map' } = {}): Int32Array {
    return this.decode(data, lengths, options).states;
  }

  /** Posterior state probabilities p(z_t = k | x) per time step: a totalLength × K matrix. */
  predictProba(data: HmmData, lengths?: ArrayLike<number>): DenseMatrix {
    const sequences = toSequences(data, lengths);
    this.model.validateData(sequences, this.fittedParameters);
    return new DenseMatrix(this.model.posteriors(this.fittedParameters, sequences), sequences.totalLength, this.model.k);
  }

  /** Draws a sequence of `length` steps (seeded; `startState` fixes the first state). */
  sample(length: number, options: { readonly seed?: number; readonly startState?: number } = {}): { readonly observations: DenseMatrix; readonly states: Int32Array } {
    const drawn = this.model.sample(this.fittedParameters, length, new Random(options.seed ?? 0), options.startState);
    return { observations: new DenseMatrix(drawn.observations, length, drawn.dimension), states: drawn.states };
  }

  /** −2 log L + p ln n (lower is better; n = time steps; structural zeros and frozen parameters are not counted). */
  bic(data: HmmData, lengths?: ArrayLike<number>): number {
    const sequences = toSequences(data, lengths);
    return bicOf(this.score(sequences), this.model.freeParameterCount(this.fittedParameters), sequences.totalLength);
  }

  /** −2 log L + 2p (lower is better). */
  aic(data: HmmData, lengths?: ArrayLike<number>): number {
    return aicOf(this.score(data, lengths), this.model.freeParameterCount(this.fittedParameters));
  }

  /** The stationary distribution π A = π of the fitted chain (see `stationaryDistribution`). */
  stationaryDistribution(): Float64Array {
    return stationaryDistribution(this.fittedParameters.transitionMatrix, this.model.k, this.fittedParameters.startProbabilities);
  }

  /** Versioned JSON (core serializeModel): config + parameters (+ fit summary); exact round trip. */
  toJSON(): SerializedModel {
    const fit = this.lastFit;
    return serializeModel(
      HMM_KIND,
      this.model.config,
      this.model.parametersToJSON(this.fittedParameters),
      fit === undefined
        ? this.loadedFit
        : {
            logLikelihood: fit.logLikelihood,
            objective: fit.objective,
            iterations: fit.iterations,
            converged: fit.converged,
            stopReason: fit.stopReason,
            observations: fit.observations,
            freeParameters: fit.freeParameters,
            bic: fit.bic,
            aic: fit.aic,
          },
    );
  }

  /** Rebuilds a fitted model from `toJSON()` output (object or text). */
  static fromJSON(input: string | SerializedModel | JsonValue): HiddenMarkovModel {
    const doc = parseSerializedModel(input, HMM_KIND);
    const model = modelFromConfig(doc.config);
    const parameters = model.parametersFromJSON(doc.parameters);
    const options = doc.config.options as { readonly [key: string]: JsonValue };
    const priors = options['priors'] as { start?: number; transitions?: number } | undefined;
    const update = options['update'] as HmmUpdate | undefined;
    const memoryBudget = options['memoryBudget'];
    const restored = new HiddenMarkovModel(
      {
        states: model.k,
        emission: model.family as DenseFamily,
        ...(priors === undefined ? {} : { priors }),
        ...(update === undefined ? {} : { update }),
        ...(typeof memoryBudget === 'number' ? { memoryBudget } : {}),
      },
      parameters,
      model,
    );
    // Keep the stored fit metadata so toJSON(fromJSON(doc)) reproduces doc exactly.
    restored.loadedFit = doc.fit;
    return restored;
  }
}

/** Coerces rows (+ lengths) to a Sequences container. */
export function toSequences(data: HmmData, lengths?: ArrayLike<number>): Sequences<DenseMatrix> {
  if (data instanceof Sequences) {
    if (lengths !== undefined) {
      throw new InvalidDataError('lengths were given together with a Sequences container (which has its own lengths).', 'Pass either rows and lengths, or a Sequences.');
    }
    return data;
  }
  const matrix = DenseMatrix.from(data);
  if (matrix.rows === 0) throw new InvalidDataError('The data has no rows (a sequence of length 0).', 'Pass at least one observation.');
  return new Sequences(matrix, lengths);
}
