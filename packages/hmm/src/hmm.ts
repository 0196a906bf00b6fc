import {
  type DenseMatrix,
  type EstimatorSample,
  type EstimatorSettings,
  type FitSummary,
  InvalidOptionsError,
  type ModelConfig,
  type Random,
  type SampleOptions,
  SEQUENCES,
  type SequenceInput,
  type Sequences,
  type Statistics,
  Estimator,
  packageWorkerEntry,
  unsharedBytes,
  type EStepWork,
} from '@em/core';
import type { DenseFamily } from './emission-registry.js';
import type { HmmModel, HmmStatistics } from './hmm-model.js';
import { HMM_KIND, modelFromConfig } from './hmm-model.js';
import { hasCompleteInit, hmmModelFromOptions, type HiddenMarkovModelOptions } from './options.js';
import type { HmmParameters, HmmParametersJson } from './parameters.js';
import { stationaryDistribution } from './stationary.js';

/**
 * Sequences, the same in every member: one sequence as rows (one row per time step; number[][],
 * a DenseMatrix, an ml-matrix Matrix or `{ data: Float64Array, columns }`), several as
 * `{ observations, lengths }` (rows back to back), or a core `Sequences` value.
 */
export type HmmData = SequenceInput;

/** What `fit` returns: core's FitResult with the parameters as plain arrays (`parameters`). */
export type HmmFitSummary = FitSummary<HmmParametersJson>;

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

/** Options of `sample`: the seed, and a fixed first state. */
export interface HmmSampleOptions extends SampleOptions {
  readonly startState?: number;
}

/**
 * A hidden Markov model with K states and any emission family, fitted by Baum–Welch. Every
 * generic member comes from @em/core's Estimator. Per-time-step results (predict: the Viterbi
 * path; predictProba: p(z_t = k | x)) have one entry per time step, the sequences back to back in
 * input order; per-sample results (scoreSamples) have one entry per sequence; score is the mean
 * log-likelihood per time step.
 *
 * ```ts
 * const hmm = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 6 }, seed: 1 });
 * hmm.fit(rolls);                                   // one sequence
 * hmm.fit({ observations: rows, lengths: [50, 70] }); // several
 * hmm.decode(rolls).states;                         // Viterbi path
 * ```
 */
export class HiddenMarkovModel<C = unknown> extends Estimator<HmmParameters<C>, Sequences<DenseMatrix>, HmmStatistics<Statistics>, HmmData, HmmParametersJson> {
  /** The kind of saved models (`fromJSON` refuses any other). */
  static readonly kind = HMM_KIND;
  readonly options: HiddenMarkovModelOptions<C>;
  readonly model: HmmModel<C, DenseMatrix, Statistics, unknown>;
  protected readonly dataKind = SEQUENCES;

  /** `prebuilt` is the engine model of a saved config (used by `fromConfig`). */
  constructor(options: HiddenMarkovModelOptions<C>, prebuilt?: HmmModel<C, DenseMatrix, Statistics, unknown>) {
    super(options);
    this.options = options;
    this.model = prebuilt ?? hmmModelFromOptions(options);
  }

  /** Builds the estimator a saved config describes (used by `fromJSON`). */
  static fromConfig(config: ModelConfig, settings: EstimatorSettings<unknown>): HiddenMarkovModel {
    const model = modelFromConfig(config);
    return new HiddenMarkovModel({ states: model.k, emission: model.family as DenseFamily, ...settings }, model);
  }

  protected toPlain(parameters: HmmParameters<C>): HmmParametersJson {
    return this.model.parametersToJSON(parameters) as unknown as HmmParametersJson;
  }

  protected fromPlain(plain: HmmParametersJson): HmmParameters<C> {
    return this.model.parametersFromJSON(plain as unknown as Parameters<HmmModel<C, DenseMatrix, Statistics, unknown>['parametersFromJSON']>[0]);
  }

  /**
   * Work of one E-step in the units of WORKERS_MIN_WORK (a Gaussian mixture's multiply-adds):
   * forward, backward and transition statistics over K² pairs per time step, measured at about 24
   * of those units per pair (bench/workers-threshold.ts), and an emission density per state (D²
   * for a D-column Gaussian). Whole sequences are the chunks: one sequence cannot use workers.
   */
  protected override eStepWork(data: Sequences<DenseMatrix>): EStepWork {
    const t = data.totalLength;
    const d = data.observations.cols;
    const k = this.model.k;
    const work = t * k * (24 * k + d * d + 20);
    return { work, formula: `T·K·(24K + D² + 20) = ${work.toExponential(1)}`, maxChunks: data.count };
  }

  protected override sharedCopyBytes(data: Sequences<DenseMatrix>): number {
    return unsharedBytes(data.observations.data);
  }

  protected override defaultWorkerUrl(): URL | undefined {
    return packageWorkerEntry(import.meta.url);
  }

  protected override releaseBuffers(): void {
    this.model.releaseBuffers();
  }

  /** Complete parameters given in `init` are the start of a one-run fit; `maxIterations: 0` needs them. */
  protected override startingParameters(): HmmParameters<C> | undefined {
    const evaluateOnly = this.settings.maxIterations === 0;
    if (!evaluateOnly && !(hasCompleteInit(this.options.init) && this.settings.nInit === 1)) return undefined;
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

  /** Most likely states per time step: the Viterbi path (default) or each step's most probable state (MAP). */
  decode(input: HmmData, options: { readonly algorithm?: 'viterbi' | 'map' } = {}): DecodeResult {
    const params = this.fittedParameters('decode');
    const algorithm = options.algorithm ?? 'viterbi';
    if (algorithm !== 'viterbi' && algorithm !== 'map') {
      throw new InvalidOptionsError(`algorithm must be 'viterbi' or 'map'; got ${String(algorithm)}.`, "Use 'viterbi' (most likely path) or 'map' (most likely state per step).", {
        option: 'algorithm',
      });
    }
    const sequences = this.dataKind.toData(input, undefined, 'decode(data)');
    this.model.validateData(sequences, params);
    let states: Int32Array;
    let logProbabilities: Float64Array;
    if (algorithm === 'viterbi') {
      ({ states, logProbabilities } = this.model.viterbi(params, sequences));
    } else {
      const k = this.model.k;
      const gamma = this.model.posteriors(params, sequences);
      states = new Int32Array(sequences.totalLength);
      for (let t = 0; t < states.length; t++) {
        let best = 0;
        for (let j = 1; j < k; j++) if ((gamma[t * k + j] as number) > (gamma[t * k + best] as number)) best = j;
        states[t] = best;
      }
      logProbabilities = this.model.sequenceLogLikelihoods(params, sequences);
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

  /** One sequence of n steps (seeded; `startState` fixes the first state), with the state of each step as `labels`. */
  override sample(n: number, options: HmmSampleOptions = {}): EstimatorSample {
    return super.sample(n, options);
  }

  protected override draw(parameters: HmmParameters<C>, n: number, random: Random, options: HmmSampleOptions): { observations: Float64Array; labels: Int32Array; dimension: number } {
    return this.model.sample(parameters, n, random, options.startState);
  }

  /** The stationary distribution π A = π of the fitted chain (see `stationaryDistribution`). */
  stationaryDistribution(): Float64Array {
    const params = this.fittedParameters('stationaryDistribution');
    return stationaryDistribution(params.transitionMatrix, this.model.k, params.startProbabilities);
  }
}
