import { DefaultConvergenceMonitor, fitEm, NumericalError, type EmModel, type FitEvent, type MStepContext, type Statistics, type StopReason } from '@em/core';

/** Where a stepped fit stands after iteration t (θ_t and its E-step). */
export interface StepperState<P> {
  readonly iteration: number;
  readonly parameters: P;
  /** log p(x; θ_t). */
  readonly logLikelihood: number;
  /** log p(x; θ_t) + log p(θ_t): what EM never decreases. */
  readonly objective: number;
  /** Log-likelihood at θ_0 … θ_t. */
  readonly logLikelihoodHistory: readonly number[];
  /** Objective at θ_0 … θ_t. */
  readonly objectiveHistory: readonly number[];
  /** Why stepping stopped (converged, maxIterations, …); undefined while it may go on. */
  readonly stopReason: StopReason | undefined;
  readonly events: readonly FitEvent[];
}

export interface StepperSettings {
  readonly seed: number;
  readonly maxIterations: number;
  /** Relative tolerance on the objective (the library's default rule). */
  readonly tolerance: number;
}

export interface EmStepper<P> {
  readonly state: StepperState<P>;
  /** One EM iteration: M-step on the current statistics, then the E-step at the new parameters. */
  step(): StepperState<P>;
}

/**
 * Steps any core EmModel one iteration at a time. θ_0 is fitEm's own seeded start
 * (`maxIterations: 0`), and each step is the eStep/mStep pair fitEm runs, so stepping t times lands
 * exactly where `fitEm(…, { seed, maxIterations: t, tolerance: 0 })` does.
 */
export function createEmStepper<P, D, S extends Statistics>(model: EmModel<P, D, S>, data: D, settings: StepperSettings): EmStepper<P> {
  const events: FitEvent[] = [];
  let parameters = fitEm(model, data, { seed: settings.seed, maxIterations: 0, onEvent: (event) => events.push(event) }).parameters;
  let current = model.eStep(parameters, data);
  const monitor = new DefaultConvergenceMonitor({ tolerance: settings.tolerance, rule: 'relative', observations: model.observationCount(data) });
  const logLikelihoods = [current.logLikelihood];
  monitor.record(current.logLikelihood + model.logPrior(parameters));
  let stopReason: StopReason | undefined;

  const snapshot = (): StepperState<P> => ({
    iteration: logLikelihoods.length - 1,
    parameters,
    logLikelihood: current.logLikelihood,
    objective: monitor.history[monitor.history.length - 1] as number,
    logLikelihoodHistory: [...logLikelihoods],
    objectiveHistory: [...monitor.history],
    stopReason,
    events: [...events],
  });

  return {
    get state() {
      return snapshot();
    },
    step() {
      if (stopReason !== undefined) return snapshot();
      const iteration = logLikelihoods.length;
      const context: MStepContext = { iteration, report: (event) => events.push(event) };
      parameters = model.mStep(current.statistics, parameters, context);
      current = model.eStep(parameters, data);
      const objective = current.logLikelihood + model.logPrior(parameters);
      // fitEm turns a non-finite objective into a NumericalError; the page must not plot one either.
      if (!Number.isFinite(objective)) {
        throw new NumericalError(`EM iteration ${iteration} gave a non-finite objective (${objective}).`, 'Reset with another start seed, or use more items or fewer components.', { iteration });
      }
      logLikelihoods.push(current.logLikelihood);
      const decision = monitor.record(objective);
      if (decision.event !== undefined) events.push(decision.event);
      if (decision.stop) stopReason = decision.reason ?? 'converged';
      else if (iteration >= settings.maxIterations) stopReason = 'maxIterations';
      return snapshot();
    },
  };
}
