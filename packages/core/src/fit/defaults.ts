import type { ToleranceRule } from './monitor.js';

/** The fit settings every model uses unless told otherwise. */
export interface DefaultFitSettings {
  readonly maxIterations: number;
  readonly tolerance: number;
  readonly toleranceRule: ToleranceRule;
}

/**
 * The defaults of every fit loop and every estimator (Gaussian and count mixtures, HMMs, the CLI):
 * stop when |Δ objective| / max(1, |objective|) < 1e-10, or after 10 000 iterations.
 *
 * Why this tight: EM converges linearly, so stopping when the change is Δ leaves a gap to the limit
 * of about |Δ|·r/(1 − r), r the rate (0.9–0.999 on overlapping clusters). A loose rule such as
 * scikit-learn's (|Δ| / n < 1e-3) stops the classic Old Faithful examples 0.06–0.14 nats short
 * (31 nats on iris, K = 5, tied); this one ends the CLI's, `pnpm demo`'s and the demo page's Gaussian
 * examples within 3.5e-4 nats of where a tolerance-0 run from the same start goes (measured by
 * `packages/gaussian-mixture/scripts/convergence-gap.ts`: 1672 fits, median 64 iterations, at most
 * 4010), and iterations cost microseconds to milliseconds. Scaled by the objective, the rule does
 * not depend on n. A start on a plateau or a saddle can still stop there: no rule on the change
 * can tell a plateau from a maximum.
 *
 * The first change (θ_0 → θ_1) never declares convergence under any rule (DefaultConvergenceMonitor).
 *
 * scikit-learn's convention remains available by name:
 * `{ toleranceRule: 'per-observation', tolerance: 1e-3, maxIterations: 100 }`.
 */
export const DEFAULT_FIT_SETTINGS: DefaultFitSettings = /* @__PURE__ */ Object.freeze({
  maxIterations: 10_000,
  tolerance: 1e-10,
  toleranceRule: 'relative',
});

/** The tolerance rules, for validating options. */
export const TOLERANCE_RULES: readonly ToleranceRule[] = /* @__PURE__ */ Object.freeze(['relative', 'per-observation', 'absolute']);

/**
 * Most restarts (`nInit`) a fit accepts: every restart holds its own random stream and result, so
 * the count is bounded like any other allocation (10⁹ restarts would exhaust the heap before the
 * first E-step).
 */
export const MAX_RESTARTS = 10_000;

/**
 * Most iterations (`maxIterations`) a fit accepts: the history keeps a few numbers per iteration, so
 * an unbounded count with tolerance 0 grows without bound (found by the CLI fuzz suite: 10⁹
 * iterations filled a 512 MB heap). A million iterations is far past any EM that still moves.
 */
export const MAX_ITERATIONS = 1_000_000;

/** The defaults of sparse EM (`estep: 'sparse'`), measured by the gaussian-mixture bench's sparse section. */
export interface DefaultSparseSettings {
  /** Iterations between full E-steps. */
  readonly fullEStepEvery: number;
  /** Responsibility at which a component stays active for an observation. */
  readonly sparseThreshold: number;
}

/**
 * Sparse EM's defaults: a full E-step every 10 iterations, components active where their
 * responsibility was at least 1e-4. See the gaussian-mixture README (sparse E-step) for the
 * measurements behind them.
 */
export const DEFAULT_SPARSE_SETTINGS: DefaultSparseSettings = /* @__PURE__ */ Object.freeze({
  fullEStepEvery: 10,
  sparseThreshold: 1e-4,
});

/** Largest `fullEStepEvery` accepted (as maxIterations). */
export const MAX_FULL_ESTEP_EVERY = MAX_ITERATIONS;
