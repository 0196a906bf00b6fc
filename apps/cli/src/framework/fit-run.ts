import type { ExecutionPlan, FitEvent, JsonValue, SerializedModel } from '@em/core';
import { type CommonFitSettings, type FitReport, type FitResultFields, fitSummaryLines, saveModel, writeFitReport } from './fit-report.js';
import type { CliIo } from './io.js';
import type { ColumnsReport } from '../io/table.js';
import { assertFiniteOutput } from './finite-output.js';
import { createProgress } from './progress.js';

/** What a model's fit loop reports after each iteration (a subset of @em/core's IterationInfo). */
export interface IterationReport {
  readonly iteration: number;
  readonly logLikelihood: number;
  readonly objective: number;
  readonly change: number;
  readonly run: number;
}

/** The callbacks a command passes on to its model's `fit`. */
export interface FitCallbacks {
  readonly onIteration: (info: IterationReport) => void;
  readonly onEvent: (event: FitEvent) => void;
}

export interface FitProgressOptions {
  /** Prefix of the progress line, e.g. "em fit gmm". */
  readonly label: string;
  /** Restarts actually run (1 when the fit starts from given parameters). */
  readonly runs: number;
  /**
   * Added to the log-likelihood and objective shown, so progress agrees with the reported
   * log-likelihood when the report includes a constant (the multinomial coefficient).
   */
  readonly logLikelihoodOffset?: number;
  /** Where the E-steps will run and why (printed before the fit when on workers, unless --json or --quiet; the summary and --json always say it). */
  readonly plan?: ExecutionPlan;
}

/**
 * Runs `fit` with a progress line on stderr (unless --json or --quiet) and fit events printed as
 * `em: warning:` lines; the progress line is closed even when the fit throws.
 */
export async function fitWithProgress<T>(io: CliIo, settings: CommonFitSettings, options: FitProgressOptions, fit: (callbacks: FitCallbacks) => T | Promise<T>): Promise<T> {
  const progress = createProgress(io, { enabled: !settings.json && !settings.quiet, label: options.label });
  const offset = options.logLikelihoodOffset ?? 0;
  if (options.plan !== undefined && options.plan.mode !== 'in-process' && !settings.json && !settings.quiet) io.stderr(`${options.label}: ${options.plan.reason}\n`);
  try {
    return await fit({
      onIteration: (info) =>
        progress.update({ iteration: info.iteration, logLikelihood: info.logLikelihood + offset, objective: info.objective + offset, change: info.change, run: info.run, runs: options.runs }),
      onEvent: (event) => reportFitEvent(io, event),
    });
  } finally {
    progress.finish();
  }
}

/** Restarts a fit runs: one when it starts from the parameters given with --init. */
export function restartsFor(settings: CommonFitSettings, startsFromInit: boolean): number {
  return startsFromInit ? 1 : settings.nInit;
}

/**
 * The `--json` object of a fit: kind, params, log-likelihood and history, the model's own fields
 * (`extra`, e.g. logMultinomialCoefficient), then the shared result fields.
 */
export function fitReportOf(kind: string, params: JsonValue, result: FitResultFields, extra: Readonly<Record<string, unknown>> = {}): FitReport {
  return {
    kind,
    params,
    logLikelihood: result.logLikelihood,
    history: result.history,
    // Sparse E-steps know only the free energy between full E-steps: null there, never NaN.
    logLikelihoodHistory: result.logLikelihoodHistory.map((value) => (Number.isNaN(value) && result.estep === 'sparse' ? null : value)),
    ...extra,
    iterations: result.iterations,
    eSteps: result.eSteps,
    historyESteps: result.historyESteps,
    acceleration: result.acceleration,
    ...(result.accelerationNote === undefined ? {} : { accelerationNote: result.accelerationNote }),
    estep: result.estep ?? 'full',
    converged: result.converged,
    stopReason: result.stopReason,
    secondsPerIteration: result.secondsPerIteration,
    bic: result.bic,
    aic: result.aic,
    ...(result.execution === undefined ? {} : { execution: { mode: result.execution.mode, workers: result.execution.workers, reason: result.execution.reason } }),
  };
}

export interface FitPublication {
  readonly report: FitReport;
  /** The model file written by --out (called only when --out is given). */
  readonly model: () => SerializedModel;
  /** Observations counted by the log-likelihood (for the per-observation figure). */
  readonly observations: number;
  /** Summary lines before the shared fit lines: what was fitted and the parameters. */
  readonly description: readonly string[];
  /** Summary lines after the shared fit lines. */
  readonly notes?: readonly string[];
  /** Which columns of the data file were used and which were skipped (a `columns` field in --json). */
  readonly columns?: ColumnsReport;
}

/** Saves the model (--out), then prints the report (--json) or the readable summary. Returns the exit code. */
export async function publishFit(io: CliIo, settings: CommonFitSettings, publication: FitPublication): Promise<number> {
  // A non-finite objective or parameter is a failed fit, never a result (exit 1, nothing saved).
  assertFiniteOutput(publication.report, `The ${publication.report.kind} fit`, ['secondsPerIteration']);
  if (settings.out !== undefined) await saveModel(io, settings.out, publication.model());
  const lines = [...publication.description, ...fitSummaryLines(publication.report, publication.observations), ...(publication.notes ?? [])];
  if (settings.out !== undefined) lines.push(`model saved to ${settings.out}`);
  const report = publication.columns === undefined ? publication.report : { ...publication.report, columns: publication.columns };
  writeFitReport(io, report, settings.json, lines);
  return 0;
}

/** Fit events (collapsing components, objective decreases, failed restarts) as warnings on stderr. */
export function reportFitEvent(io: CliIo, event: FitEvent): void {
  switch (event.type) {
    case 'degenerate-component':
      io.stderr(`em: warning: iteration ${event.iteration}, component ${event.component}: ${event.message} (${event.action})\n`);
      break;
    case 'objective-decreased':
      io.stderr(`em: warning: iteration ${event.iteration}: the objective decreased by ${event.drop} (more than round-off ${event.tolerance}).\n`);
      break;
    case 'restart-failed':
      io.stderr(`em: warning: restart ${event.run} failed: ${event.message}\n`);
      break;
  }
}
