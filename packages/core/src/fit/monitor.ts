import type { FitEvent } from '../contract.js';
import { InvalidOptionsError } from '../errors.js';
import { DEFAULT_FIT_SETTINGS, TOLERANCE_RULES } from './defaults.js';

/** Why a fit stopped (`streamEnded`: a stepwise fit consumed its whole stream of batches). */
export type StopReason = 'converged' | 'maxIterations' | 'aborted' | 'objectiveDecreased' | 'degenerate' | 'streamEnded';

/**
 * How the change in objective is compared with the tolerance:
 * - `relative` (default): |Δ| / max(1, |objective|) < tol — the rule of mclust;
 * - `per-observation`: |Δ| / n < tol, where n is the number of observations — the rule of
 *   scikit-learn's GaussianMixture (its `tol` is on the per-sample mean log-likelihood;
 *   `{ toleranceRule: 'per-observation', tolerance: 1e-3, maxIterations: 100 }` reproduces it);
 * - `absolute`: |Δ| < tol — the rule of hmmlearn (totals).
 * Whatever the rule, the first change (θ_0 → θ_1) never declares convergence: see
 * DefaultConvergenceMonitor.
 */
export type ToleranceRule = 'per-observation' | 'absolute' | 'relative';

export interface ConvergenceMonitorOptions {
  /** Stop when the change rule falls below this (default DEFAULT_FIT_SETTINGS.tolerance). 0 disables convergence. */
  readonly tolerance?: number;
  /** Default DEFAULT_FIT_SETTINGS.toleranceRule ('relative'). */
  readonly rule?: ToleranceRule;
  /** Observations n, for the per-observation rule. */
  readonly observations?: number;
  /**
   * A decrease larger than `roundOff·max(1, |objective|)` is reported (default 1e-9): EM must not
   * decrease log-likelihood + log-prior, so such a drop means a bug or a broken prior.
   */
  readonly roundOff?: number;
  /** What to do on such a drop: report and continue (default), or stop with `objectiveDecreased`. */
  readonly onDecrease?: 'report' | 'stop';
}

/** Decision after recording one objective value. */
export interface MonitorDecision {
  readonly stop: boolean;
  readonly reason?: StopReason;
  readonly event?: FitEvent;
}

/**
 * The replaceable part of a fit that decides when to stop. Implementations record the objective
 * at θ_0, θ_1, … and return whether to stop.
 */
export interface ConvergenceMonitor {
  /** Objective values at θ_0 … θ_t. */
  readonly history: readonly number[];
  /** Forget everything (a new run). */
  reset(): void;
  /** Record the objective at θ_t (t = history.length before the call). */
  record(objective: number): MonitorDecision;
  /** Describes the tolerance rule, for results and logs. */
  describe(): string;
}

/**
 * The default monitor; see ToleranceRule for the rules. Convergence is declared only from the
 * second change on (θ_1 → θ_2 or later): the first change measures how far the initialisation
 * was from its own M-step, and a start at (or near) a fixed point that is not a maximum — e.g.
 * every component on the data mean — makes it small however far the optimum is.
 */
export class DefaultConvergenceMonitor implements ConvergenceMonitor {
  private values: number[] = [];
  readonly tolerance: number;
  readonly rule: ToleranceRule;
  readonly observations: number;
  readonly roundOff: number;
  readonly onDecrease: 'report' | 'stop';

  constructor(options: ConvergenceMonitorOptions = {}) {
    this.tolerance = options.tolerance ?? DEFAULT_FIT_SETTINGS.tolerance;
    this.rule = options.rule ?? DEFAULT_FIT_SETTINGS.toleranceRule;
    this.observations = Math.max(1, options.observations ?? 1);
    this.roundOff = options.roundOff ?? 1e-9;
    this.onDecrease = options.onDecrease ?? 'report';
    if (!(this.tolerance >= 0) || !Number.isFinite(this.tolerance)) {
      throw new InvalidOptionsError(`tolerance must be a finite number ≥ 0; got ${String(this.tolerance)}.`, `Pass e.g. { tolerance: ${DEFAULT_FIT_SETTINGS.tolerance} }, or 0 to disable convergence.`, {
        option: 'tolerance',
      });
    }
    if (!TOLERANCE_RULES.includes(this.rule)) {
      throw new InvalidOptionsError(`toleranceRule must be one of ${TOLERANCE_RULES.join(', ')}; got ${JSON.stringify(this.rule)}.`, "Pass e.g. { toleranceRule: 'relative' }.", {
        option: 'toleranceRule',
      });
    }
    if (!(this.roundOff >= 0) || !Number.isFinite(this.roundOff)) {
      throw new InvalidOptionsError(`roundOff must be a finite number ≥ 0; got ${String(this.roundOff)}.`, 'Pass e.g. { roundOff: 1e-9 }.', { option: 'roundOff' });
    }
  }

  get history(): readonly number[] {
    return this.values;
  }

  reset(): void {
    this.values = [];
  }

  record(objective: number): MonitorDecision {
    const t = this.values.length;
    this.values.push(objective);
    if (t === 0) return { stop: false };
    const previous = this.values[t - 1] as number;
    const change = objective - previous;
    let event: FitEvent | undefined;
    const allowance = this.roundOff * Math.max(1, Math.abs(previous));
    if (change < -allowance) {
      event = { type: 'objective-decreased', iteration: t, previous, current: objective, drop: -change, tolerance: allowance };
      if (this.onDecrease === 'stop') return { stop: true, reason: 'objectiveDecreased', event };
    }
    // t ≥ 2: the first change never declares convergence (see the class comment).
    if (t >= 2 && this.tolerance > 0 && this.scaled(Math.abs(change), objective) < this.tolerance) {
      return event === undefined ? { stop: true, reason: 'converged' } : { stop: true, reason: 'converged', event };
    }
    return event === undefined ? { stop: false } : { stop: false, event };
  }

  private scaled(change: number, objective: number): number {
    switch (this.rule) {
      case 'absolute':
        return change;
      case 'relative':
        return change / Math.max(1, Math.abs(objective));
      case 'per-observation':
        return change / this.observations;
    }
  }

  describe(): string {
    const what = { 'per-observation': '|Δ objective| / n', absolute: '|Δ objective|', relative: '|Δ objective| / max(1, |objective|)' }[this.rule];
    return `${what} < ${this.tolerance}`;
  }
}
