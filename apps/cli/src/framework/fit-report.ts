import { DEFAULT_FIT_SETTINGS, TOLERANCE_RULES, type Acceleration, type JsonValue, type SerializedModel, type ToleranceRule } from '@em/core';
import { formatNumber, toJsonText } from './format.js';
import { type CliIo, writeOutputFile } from './io.js';
import type { OptionDefinitions, OptionValues } from './options.js';
import { UsageError } from './usage-error.js';

/**
 * Flags every `em fit <model>` shares, with the same meaning everywhere. A fit command spreads
 * these into its own option definitions: `options: { data: dataOption, ..., ...fitOptions }`.
 */
export const fitOptions = {
  init: { type: 'value', valueName: 'PARAMS.json', description: 'Start from these parameters (JSON) instead of the initialisation.' },
  'max-iter': { type: 'value', valueName: 'N', description: 'Maximum number of EM iterations; 0 only evaluates the start.', defaultText: String(DEFAULT_FIT_SETTINGS.maxIterations) },
  tol: {
    type: 'value',
    valueName: 'T',
    description: 'Stop when |Δ objective| / max(1, |objective|) < T (with --tolerance-rule relative); 0 runs exactly --max-iter iterations.',
    defaultText: String(DEFAULT_FIT_SETTINGS.tolerance),
  },
  'tolerance-rule': {
    type: 'value',
    valueName: TOLERANCE_RULES.join('|'),
    description: "How --tol is applied: relative to the objective, per observation (scikit-learn's tol: --tolerance-rule per-observation --tol 1e-3 --max-iter 100) or absolute (hmmlearn's).",
    defaultText: DEFAULT_FIT_SETTINGS.toleranceRule,
  },
  accelerate: {
    type: 'value',
    valueName: 'none|squarem',
    description: 'squarem: extrapolate two EM steps at a time (SQUAREM), keeping the plain step whenever the extrapolation is worse; same optimum, fewer passes over the data (eSteps).',
    defaultText: 'none',
  },
  'n-init': { type: 'value', valueName: 'M', description: 'Restarts from independent initialisations; the best is kept.', defaultText: '1' },
  seed: { type: 'value', valueName: 'S', description: 'Seed of the random generator (results are reproducible).', defaultText: '0' },
  prior: { type: 'value', valueName: 'none|default', description: 'none: plain maximum likelihood (no regularising prior).', defaultText: 'default' },
  out: { type: 'value', valueName: 'MODEL.json', description: 'Save the fitted model (for em predict).' },
  json: { type: 'flag', description: 'Print one JSON object on stdout instead of the summary.' },
  quiet: { type: 'flag', description: 'No progress line on stderr.' },
} as const satisfies OptionDefinitions;

/** The --accelerate choices (@em/core's Acceleration). */
export const ACCELERATIONS: readonly Acceleration[] = ['none', 'squarem'];

export const dataOptions = {
  data: { type: 'value', valueName: 'FILE', description: 'Data file: .csv/.tsv/.txt, .npy or .mtx.', required: true },
  columns: { type: 'value', valueName: 'LIST', description: 'Columns to use: names or 0-based indices, comma-separated (default: every numeric column).' },
} as const satisfies OptionDefinitions;

export interface CommonFitSettings {
  readonly maxIterations: number;
  readonly tolerance: number;
  readonly toleranceRule: ToleranceRule;
  /** `--accelerate`. */
  readonly acceleration: Acceleration;
  readonly nInit: number;
  readonly seed: number;
  /** `--prior none`: plain maximum likelihood. */
  readonly plainMaximumLikelihood: boolean;
  readonly out: string | undefined;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly init: string | undefined;
}

export function readCommonFitSettings(options: OptionValues): CommonFitSettings {
  return {
    maxIterations: options.integer('max-iter', { min: 0, max: 1_000_000 }, DEFAULT_FIT_SETTINGS.maxIterations),
    tolerance: options.number('tol', { min: 0 }, DEFAULT_FIT_SETTINGS.tolerance),
    toleranceRule: options.choice('tolerance-rule', TOLERANCE_RULES, DEFAULT_FIT_SETTINGS.toleranceRule),
    acceleration: options.choice('accelerate', ACCELERATIONS, 'none'),
    nInit: options.integer('n-init', { min: 1, max: 10_000 }, 1),
    seed: options.integer('seed', { min: 0, max: 2 ** 32 - 1 }, 0),
    plainMaximumLikelihood: options.choice('prior', ['none', 'default'] as const, 'default') === 'none',
    out: options.string('out'),
    json: options.flag('json'),
    quiet: options.flag('quiet'),
    init: options.string('init'),
  };
}

/**
 * A regularising prior's strength flag (`--reg-covar`, `--pseudocount`) reconciled with
 * `--prior none`: plain maximum likelihood makes it 0, and an explicit positive value contradicts it.
 */
export function readPriorStrength(options: OptionValues, settings: CommonFitSettings, flag: string, fallback: number): number {
  const strength = options.number(flag, { min: 0 }, fallback);
  if (!settings.plainMaximumLikelihood) return strength;
  if (options.has(flag) && strength > 0) {
    throw new UsageError(`${options.commandName}: --prior none means plain maximum likelihood, which contradicts --${flag} > 0; drop one of them.`);
  }
  return 0;
}

/** The fit-result fields every model's fit returns (as @em/core's FitResult) and every report carries. */
export interface FitResultFields {
  /** Total log-likelihood (natural log) at the returned parameters. */
  readonly logLikelihood: number;
  /** Objective (log-likelihood + log-prior, what EM never decreases) at θ_0 … θ_n (n iterations → n + 1 entries). */
  readonly history: readonly number[];
  /** Log-likelihood alone at θ_0 … θ_n (equals `history` under --prior none). */
  readonly logLikelihoodHistory: readonly number[];
  readonly iterations: number;
  /** Passes over the data, every one counted (plain EM: iterations + 1; SQUAREM: up to three per accepted step). */
  readonly eSteps: number;
  /** historyESteps[t]: passes over the data after which history[t] was reached. */
  readonly historyESteps: readonly number[];
  /** The scheme that ran, and why an asked-for acceleration did not (absent when it did). */
  readonly acceleration: Acceleration;
  readonly accelerationNote?: string;
  readonly converged: boolean;
  readonly stopReason: string;
  /** Median wall-clock seconds per iteration (null in JSON when no iteration ran). */
  readonly secondsPerIteration: number;
  readonly bic: number;
  readonly aic: number;
}

/**
 * The JSON object `em fit <model> --json` prints (the shared part; models add their own fields,
 * e.g. logMultinomialCoefficient).
 */
export interface FitReport extends FitResultFields {
  readonly kind: string;
  readonly params: JsonValue;
  readonly [extra: string]: unknown;
}

/** Writes the result of a fit: one JSON object with --json, else the summary lines. */
export function writeFitReport(io: CliIo, report: FitReport, json: boolean, summary: readonly string[]): void {
  if (json) io.stdout(`${toJsonText(report)}\n`);
  else io.stdout(`${summary.join('\n')}\n`);
}

/** The lines every fit summary shares (log-likelihood, criteria, iterations, stop reason). */
export function fitSummaryLines(report: FitReport, observations: number): string[] {
  const seconds = Number.isFinite(report.secondsPerIteration) ? `, ${formatNumber(report.secondsPerIteration * 1000, 3)} ms per iteration` : '';
  return [
    `log-likelihood  ${formatNumber(report.logLikelihood, 10)}  (${formatNumber(report.logLikelihood / observations, 6)} per observation, n = ${observations})`,
    `BIC             ${formatNumber(report.bic, 10)}`,
    `AIC             ${formatNumber(report.aic, 10)}`,
    `iterations      ${report.iterations} (${report.converged ? 'converged' : `not converged, stopped by ${report.stopReason}`}${seconds})`,
    `E-steps         ${report.eSteps}${report.acceleration === 'squarem' ? ' (SQUAREM)' : ''}${report.accelerationNote === undefined ? '' : ` — ${report.accelerationNote}`}`,
  ];
}

export async function saveModel(io: CliIo, path: string, model: SerializedModel): Promise<void> {
  await writeOutputFile(io, path, `${toJsonText(model, 2)}\n`, '--out');
}

/** The sentence every fit command's help gives about its --json fields (ends with a newline). */
export const REPORT_FIELDS_HELP =
  'history is the objective (log-likelihood + log-prior, which EM never decreases; the log-likelihood under\n' +
  '--prior none), one entry per accepted step; logLikelihoodHistory is the log-likelihood alone; eSteps counts\n' +
  'every pass over the data (with --accelerate squarem also the evaluation of extrapolated points) and\n' +
  'historyESteps the passes after which each history entry was reached; columns { used, skipped } names the\n' +
  'data columns (header names, or 0-based indices without a header). NaN or Infinity is never printed: a\n' +
  'fit that produces one fails with exit code 1.\n';
