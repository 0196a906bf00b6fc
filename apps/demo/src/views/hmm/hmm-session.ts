import { DefaultConvergenceMonitor, DenseMatrix, fitEm, Sequences, type EStepResult, type FitEvent, type JsonValue, type MStepContext, type StopReason } from '@em/core';
import { HiddenMarkovModel, type HmmParameters, type HmmParametersJson } from '@em/hmm';
import { FAIR, LOADED, type CasinoEmission, type CasinoRolls } from './casino.js';

/** A sticky start for the chain (rolls tend to stay with a die): hidden chains are hard to learn from a uniform one. */
export const STICKY_START = [
  [0.9, 0.1],
  [0.1, 0.9],
] as const;

export const HMM_TOLERANCE = 1e-10;

/** What the page shows about θ_t, with the fitted states put in the order [fair, loaded]. */
export interface HmmFrame {
  readonly iteration: number;
  readonly logLikelihood: number;
  /** log-likelihood + log-prior; equal here (no priors), shown so the two are never confused. */
  readonly objective: number;
  /** The fitted state that plays the loaded die (the one that favours six, or the higher mean). */
  readonly loadedState: number;
  readonly startProbabilities: readonly [number, number];
  /** Rows and columns in the order [fair, loaded]. */
  readonly transitionMatrix: readonly [readonly [number, number], readonly [number, number]];
  /** Categorical: p(face | state), [fair, loaded] × 6. */
  readonly faceProbabilities?: readonly [readonly number[], readonly number[]];
  /** Gaussian: mean and standard deviation of [fair, loaded]. */
  readonly means?: readonly [number, number];
  readonly standardDeviations?: readonly [number, number];
  /** p(loaded at t | all rolls; θ_t), T values in [0, 1]. */
  readonly loadedPosterior: Float64Array;
  /** Viterbi path under θ_t, 0 fair / 1 loaded. */
  readonly viterbi: Int32Array;
}

export interface HmmSession {
  readonly iteration: number;
  readonly logLikelihoodHistory: readonly number[];
  readonly history: readonly number[];
  readonly stopReason: StopReason | undefined;
  readonly events: readonly FitEvent[];
  frame(): HmmFrame;
  /**
   * One Baum–Welch iteration: M-step on the current expected counts, then forward–backward.
   * Call `frame()` to draw it (decoding every step of a fast fit would triple its cost).
   */
  step(): void;
  /** The state as plain data (a worker posts it back after a fit). */
  checkpoint(): HmmCheckpoint;
  /** Continues from a checkpoint of a session over the same rolls, emissions and seed. */
  restore(checkpoint: HmmCheckpoint): void;
}

/** A session's state as structured-clonable plain data. */
export interface HmmCheckpoint {
  readonly parameters: JsonValue;
  readonly logLikelihoods: readonly number[];
  readonly history: readonly number[];
  readonly stopReason: StopReason | undefined;
}

interface CategoricalEmissionJson {
  readonly probabilities: readonly (readonly (readonly number[])[])[];
}
interface GaussianEmissionJson {
  readonly means: readonly number[];
  readonly covariances: readonly number[];
}

/** The HMM the view fits: two states, the chosen emissions, a sticky seeded start. */
export function casinoHmm(emission: CasinoEmission, seed: number): HiddenMarkovModel {
  return new HiddenMarkovModel({
    states: 2,
    emission: emission === 'categorical' ? { type: 'categorical', symbols: 6 } : { type: 'gaussian', covariance: 'full' },
    seed,
    init: { transitionMatrix: STICKY_START.map((row) => [...row]) },
  });
}

/** The rolls as the single sequence the engine model reads. */
export function casinoSequence(rolls: CasinoRolls): Sequences<DenseMatrix> {
  return new Sequences(DenseMatrix.fromArray(rolls.observations, rolls.observations.length, 1));
}

/**
 * Baum–Welch on the casino's rolls, one iteration at a time, through the engine model of
 * `@em/hmm` (θ_0 from `fitEm(…, { maxIterations: 0 })` with the same seed, so n steps land where
 * `fitEm(…, { maxIterations: n })` does).
 */
export function createHmmSession(rolls: CasinoRolls, emission: CasinoEmission, seed: number): HmmSession {
  const estimator = casinoHmm(emission, seed);
  const model = estimator.model;
  const length = rolls.observations.length;
  const data = casinoSequence(rolls);
  const events: FitEvent[] = [];
  let parameters: HmmParameters<unknown> = fitEm(model, data, { seed, maxIterations: 0 }).parameters;
  let current: EStepResult<ReturnType<typeof model.zeroStatistics>> = model.eStep(parameters, data);
  let monitor = new DefaultConvergenceMonitor({ tolerance: HMM_TOLERANCE });
  let logLikelihoods: number[] = [current.logLikelihood];
  let stopReason: StopReason | undefined;
  monitor.record(current.logLikelihood + model.logPrior(parameters));

  const frame = (): HmmFrame => {
    const json = model.parametersToJSON(parameters) as unknown as HmmParametersJson;
    let loadedState: number;
    let faceProbabilities: HmmFrame['faceProbabilities'];
    let means: HmmFrame['means'];
    let standardDeviations: HmmFrame['standardDeviations'];
    if (emission === 'categorical') {
      const table = (json.emissions as unknown as CategoricalEmissionJson).probabilities.map((perVariable) => [...(perVariable[0] as readonly number[])]);
      loadedState = (table[1]?.[5] ?? 0) > (table[0]?.[5] ?? 0) ? 1 : 0;
      faceProbabilities = [table[1 - loadedState] as number[], table[loadedState] as number[]];
    } else {
      const gaussian = json.emissions as unknown as GaussianEmissionJson;
      loadedState = (gaussian.means[1] as number) > (gaussian.means[0] as number) ? 1 : 0;
      means = [gaussian.means[1 - loadedState] as number, gaussian.means[loadedState] as number];
      standardDeviations = [Math.sqrt(gaussian.covariances[1 - loadedState] as number), Math.sqrt(gaussian.covariances[loadedState] as number)];
    }
    const order = [1 - loadedState, loadedState] as const;
    const a = json.transitionMatrix;
    const gamma = model.posteriors(parameters, data);
    const loadedPosterior = new Float64Array(length);
    for (let t = 0; t < length; t++) loadedPosterior[t] = gamma[t * 2 + loadedState] as number;
    const path = model.viterbi(parameters, data).states;
    const viterbi = new Int32Array(length);
    for (let t = 0; t < length; t++) viterbi[t] = path[t] === loadedState ? LOADED : FAIR;
    const row = (i: number): [number, number] => [a[order[i] as number]?.[order[0]] as number, a[order[i] as number]?.[order[1]] as number];
    return {
      iteration: logLikelihoods.length - 1,
      logLikelihood: current.logLikelihood,
      objective: current.logLikelihood + model.logPrior(parameters),
      loadedState,
      startProbabilities: [json.startProbabilities[order[0]] as number, json.startProbabilities[order[1]] as number],
      transitionMatrix: [row(0), row(1)],
      ...(faceProbabilities === undefined ? {} : { faceProbabilities }),
      ...(means === undefined ? {} : { means }),
      ...(standardDeviations === undefined ? {} : { standardDeviations }),
      loadedPosterior,
      viterbi,
    };
  };

  return {
    get iteration() {
      return logLikelihoods.length - 1;
    },
    get logLikelihoodHistory() {
      return [...logLikelihoods];
    },
    get history() {
      return [...monitor.history];
    },
    get stopReason() {
      return stopReason;
    },
    events,
    frame,
    step() {
      const context: MStepContext = { iteration: logLikelihoods.length, report: (event) => events.push(event) };
      parameters = model.mStep(current.statistics, parameters, context);
      current = model.eStep(parameters, data);
      logLikelihoods.push(current.logLikelihood);
      const decision = monitor.record(current.logLikelihood + model.logPrior(parameters));
      if (decision.event !== undefined) events.push(decision.event);
      stopReason = decision.stop ? (decision.reason ?? 'converged') : undefined;
    },
    checkpoint: () => ({ parameters: model.parametersToJSON(parameters), logLikelihoods: [...logLikelihoods], history: [...monitor.history], stopReason }),
    restore(checkpoint) {
      parameters = model.parametersFromJSON(checkpoint.parameters);
      current = model.eStep(parameters, data);
      monitor = new DefaultConvergenceMonitor({ tolerance: HMM_TOLERANCE });
      for (const value of checkpoint.history) monitor.record(value);
      logLikelihoods = [...checkpoint.logLikelihoods];
      stopReason = checkpoint.stopReason;
    },
  };
}

/** Steps a session to convergence (bounded like the library's default maxIterations). */
export function runToConvergence(session: HmmSession, maxIterations = 10_000): void {
  while (session.stopReason === undefined && session.iteration < maxIterations) session.step();
}

/** Share of time steps where two state paths agree. */
export function agreement(a: Int32Array, b: Int32Array): number {
  let same = 0;
  for (let t = 0; t < a.length; t++) if (a[t] === b[t]) same++;
  return a.length === 0 ? 0 : same / a.length;
}
