import {
  bic,
  DEFAULT_FIT_SETTINGS,
  DefaultConvergenceMonitor,
  type DenseMatrix,
  fitEm,
  type EmModel,
  type EStepResult,
  type FitEvent,
  type MStepContext,
  type Statistics,
  type StopReason,
} from '@em/core';
import type { AccelerationTrace } from '../plot/acceleration-chart.js';
import type { DemoData, DemoMixture, MixtureView } from './demo-mixture.js';

/** What the page shows about one parameter value θ_t. */
export interface Frame {
  readonly iteration: number;
  readonly view: MixtureView;
  /** p(z_i = k | x_i; θ_t), n×K. */
  readonly responsibilities: Float64Array;
  readonly logLikelihood: number;
  /** log-likelihood + log-prior: what EM never decreases. */
  readonly objective: number;
}

/** Where a session stands. */
export interface SessionStatus {
  readonly iteration: number;
  /** Objective (log-likelihood + log-prior, what EM never decreases) at θ_0 … θ_t. */
  readonly history: readonly number[];
  /** Log-likelihood at θ_0 … θ_t (what the chart plots; it differs from `history` by the log-prior). */
  readonly logLikelihoodHistory: readonly number[];
  readonly logLikelihood: number;
  readonly objective: number;
  readonly freeParameters: number;
  readonly bic: number;
  /** Why the last fit or step sequence stopped; undefined while it may go on. */
  readonly stopReason: StopReason | undefined;
  readonly events: readonly FitEvent[];
}

export interface SessionSettings {
  readonly seed: number;
  readonly maxIterations: number;
  /** Tolerance on the objective change under the library's default rule (DEFAULT_FIT_SETTINGS: relative). */
  readonly tolerance: number;
}

/** The page's handle on EM: step one iteration at a time, or fit to the end. Types erased for the UI. */
export interface EmSession {
  readonly status: SessionStatus;
  /** The current parameters as a frame. */
  frame(): Frame;
  /** One EM iteration from the current parameters: M-step on the current statistics, then an E-step. */
  step(): Frame;
  /** A full fit from the seeded initialisation with core's fitEm; every iteration's frame, θ_0 first. */
  fit(): Frame[];
  /**
   * Plain and SQUAREM-accelerated fits from the same seeded start with the same rule: each one's
   * log-likelihood per accepted step against the E-steps spent. Leaves the session as it was.
   */
  compareAcceleration(): { readonly plain: AccelerationTrace; readonly accelerated: AccelerationTrace };
}

/**
 * Drives a model through the EM contract directly (eStep / mStep), recording the objective with
 * core's convergence monitor, so stepping by hand and `fitEm` take the very same path: θ_0 comes
 * from `fitEm(…, { maxIterations: 0 })` with the same seed.
 */
export function createSession<P, S extends Statistics>(mixture: DemoMixture<P, S>, observations: DenseMatrix, settings: SessionSettings): EmSession {
  const model: EmModel<P, DemoData, S> = mixture.model;
  const data: DemoData = { observations };
  const n = model.observationCount(data);
  const events: FitEvent[] = [];
  // One rule for stepping by hand and for fitEm: core's default (what the page's tolerance field says).
  const toleranceRule = DEFAULT_FIT_SETTINGS.toleranceRule;
  const fitOptions = { seed: settings.seed, tolerance: settings.tolerance, toleranceRule, onEvent: (event: FitEvent) => events.push(event) } as const;

  let parameters: P = fitEm(model, data, { ...fitOptions, maxIterations: 0 }).parameters;
  let current: EStepResult<S> = model.eStep(parameters, data);
  let monitor = new DefaultConvergenceMonitor({ tolerance: settings.tolerance, rule: toleranceRule, observations: n });
  let stopReason: StopReason | undefined;
  let logLikelihoods: number[] = [current.logLikelihood];
  monitor.record(current.logLikelihood + model.logPrior(parameters));

  const frameOf = (theta: P, logLikelihood: number, iteration: number): Frame => ({
    iteration,
    view: mixture.view(theta),
    responsibilities: mixture.responsibilities(theta, data),
    logLikelihood,
    objective: logLikelihood + model.logPrior(theta),
  });

  const session: EmSession = {
    get status(): SessionStatus {
      const freeParameters = model.freeParameterCount(parameters);
      return {
        iteration: monitor.history.length - 1,
        history: [...monitor.history],
        logLikelihoodHistory: [...logLikelihoods],
        logLikelihood: current.logLikelihood,
        objective: current.logLikelihood + model.logPrior(parameters),
        freeParameters,
        bic: bic(current.logLikelihood, freeParameters, n),
        stopReason,
        events: [...events],
      };
    },
    frame: () => frameOf(parameters, current.logLikelihood, monitor.history.length - 1),
    step() {
      const iteration = monitor.history.length;
      const context: MStepContext = { iteration, report: (event) => events.push(event) };
      parameters = model.mStep(current.statistics, parameters, context);
      current = model.eStep(parameters, data);
      logLikelihoods.push(current.logLikelihood);
      const decision = monitor.record(current.logLikelihood + model.logPrior(parameters));
      if (decision.event !== undefined) events.push(decision.event);
      if (decision.stop) stopReason = decision.reason ?? 'converged';
      else if (iteration >= settings.maxIterations) stopReason = 'maxIterations';
      else stopReason = undefined;
      return session.frame();
    },
    fit() {
      events.length = 0;
      const frames: Frame[] = [];
      const result = fitEm(model, data, {
        ...fitOptions,
        maxIterations: settings.maxIterations,
        onIteration: (info) => frames.push(frameOf(info.parameters, info.logLikelihood, info.iteration)),
      });
      parameters = result.parameters;
      current = model.eStep(parameters, data);
      monitor = new DefaultConvergenceMonitor({ tolerance: settings.tolerance, rule: toleranceRule, observations: n });
      for (const value of result.history) monitor.record(value);
      logLikelihoods = [...result.logLikelihoodHistory];
      stopReason = result.stopReason;
      return frames;
    },
    compareAcceleration() {
      const trace = (acceleration: 'none' | 'squarem'): AccelerationTrace => {
        const result = fitEm(model, data, { ...fitOptions, onEvent: () => undefined, maxIterations: settings.maxIterations, acceleration });
        return { eSteps: result.historyESteps, logLikelihood: result.logLikelihoodHistory };
      };
      return { plain: trace('none'), accelerated: trace('squarem') };
    },
  };
  return session;
}
