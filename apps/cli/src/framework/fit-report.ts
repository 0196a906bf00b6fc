import { DEFAULT_FIT_SETTINGS, DEFAULT_SPARSE_SETTINGS, TOLERANCE_RULES, type Acceleration, type EStepKind, type ExecutionPlan, type JsonValue, type SerializedModel, type ToleranceRule, type WorkersOption } from '@em/core';
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
  workers: {
    type: 'value',
    valueName: 'auto|N',
    description:
      'Where E-steps run. auto: on worker threads when the data is large enough for them to pay (as many as the machine, ' +
      '--memory-budget and the data allow), in process otherwise. N: on N worker threads (1 = in process). ' +
      'stderr and --json (execution) say which was used and why.',
    defaultText: 'auto',
  },
  json: { type: 'flag', description: 'Print one JSON object on stdout instead of the summary.' },
  quiet: { type: 'flag', description: 'No progress line on stderr.' },
} as const satisfies OptionDefinitions;

/**
 * Flags of the mixture fits (gmm, multinomial, categorical, bernoulli, poisson): Neal–Hinton sparse
 * E-steps. Spread into a command's options next to `fitOptions`; read with `readEStepSettings`.
 */
export const sparseEStepOptions = {
  estep: {
    type: 'value',
    valueName: 'full|sparse',
    description:
      'sparse: Neal–Hinton sparse EM — between full E-steps, update each observation\'s responsibilities only for the components ' +
      'that held at least --sparse-threshold of it at the last full E-step. Pays with many components on well-separated data; ' +
      'history is then the free energy (never decreasing), logLikelihoodHistory null between full E-steps. Runs in process.',
    defaultText: 'full',
  },
  'full-estep-every': {
    type: 'value',
    valueName: 'N',
    description: 'With --estep sparse: a full E-step every N iterations (also when the free energy stalls, and at the last iteration).',
    defaultText: String(DEFAULT_SPARSE_SETTINGS.fullEStepEvery),
  },
  'sparse-threshold': {
    type: 'value',
    valueName: 'T',
    description: 'With --estep sparse: a component stays active for an observation when its responsibility was ≥ T at the last full E-step (0: all).',
    defaultText: String(DEFAULT_SPARSE_SETTINGS.sparseThreshold),
  },
} as const satisfies OptionDefinitions;

/** The estimator settings of `--estep`, `--full-estep-every` and `--sparse-threshold` (only the given ones). */
export interface EStepSettings {
  readonly estep: EStepKind;
  readonly fullEStepEvery?: number;
  readonly sparseThreshold?: number;
}

export function readEStepSettings(options: OptionValues): EStepSettings {
  const estep = options.choice('estep', ['full', 'sparse'] as const, 'full');
  const fullEStepEvery = options.integer('full-estep-every', { min: 1, max: 1_000_000 });
  const sparseThreshold = options.number('sparse-threshold', { min: 0 });
  if (sparseThreshold !== undefined && !(sparseThreshold < 1)) throw new UsageError(`${options.commandName}: --sparse-threshold must be below 1; got ${sparseThreshold}.`);
  if (estep === 'full' && (fullEStepEvery !== undefined || sparseThreshold !== undefined)) {
    throw new UsageError(`${options.commandName}: --full-estep-every and --sparse-threshold apply to --estep sparse; add --estep sparse or drop them.`);
  }
  return { estep, ...(fullEStepEvery === undefined ? {} : { fullEStepEvery }), ...(sparseThreshold === undefined ? {} : { sparseThreshold }) };
}

/**
 * `--workers` and streaming under `--estep sparse`: the sparse E-steps run in process on data in
 * memory (each observation's active components live with it), so an explicit `--workers N > 1` and
 * a streamed fit are usage errors; `auto` stays (the estimator keeps sparse fits in process).
 */
export function checkSparseEStep(estep: EStepSettings, workers: WorkersOption, streamed: boolean, commandName: string): void {
  if (estep.estep === 'full') return;
  if (workers !== 'auto' && workers > 1) throw new UsageError(`${commandName}: --estep sparse runs in process; drop --workers ${workers} (or use --workers 1).`);
  if (streamed) throw new UsageError(`${commandName}: --estep sparse needs the data in memory; drop --stream (or raise --memory-budget), or use --estep full.`);
}

/** `--workers auto|N` (default auto; N ≥ 1, capped later at the threads the machine runs at once). */
export function readWorkers(options: OptionValues): WorkersOption {
  const text = options.string('workers');
  if (text === undefined || text === 'auto') return 'auto';
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1 && Number.isSafeInteger(value))) throw options.error('workers', `expects auto or an integer ≥ 1, got "${text}"`);
  return value;
}

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
  /** `--workers auto|N`. */
  readonly workers: WorkersOption;
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
    workers: readWorkers(options),
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
  /** The E-step that ran (absent: 'full'); 'sparse' makes history the free energy between full E-steps. */
  readonly estep?: EStepKind;
  readonly converged: boolean;
  readonly stopReason: string;
  /** Median wall-clock seconds per iteration (null in JSON when no iteration ran). */
  readonly secondsPerIteration: number;
  readonly bic: number;
  readonly aic: number;
  /** Where the E-steps ran (in process, or how many worker threads) and why. */
  readonly execution?: ExecutionPlan;
}

/**
 * The JSON object `em fit <model> --json` prints (the shared part; models add their own fields,
 * e.g. logMultinomialCoefficient).
 */
export interface FitReport extends Omit<FitResultFields, 'logLikelihoodHistory'> {
  /** As FitResultFields', with null where only the free energy is known (--estep sparse, between full E-steps). */
  readonly logLikelihoodHistory: readonly (number | null)[];
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
    `E-steps         ${Number.isInteger(report.eSteps) ? String(report.eSteps) : formatNumber(report.eSteps, 6)}${report.acceleration === 'squarem' ? ' (SQUAREM)' : ''}${report.estep === 'sparse' ? ' (sparse: a sparse pass counts as the fraction of observation × component pairs it touched)' : ''}${report.accelerationNote === undefined ? '' : ` — ${report.accelerationNote}`}`,
    ...(report.execution === undefined ? [] : [`ran             ${report.execution.reason}`]),
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
  'historyESteps the passes after which each history entry was reached; with --estep sparse (mixtures) estep is\n' +
  '"sparse", history holds the free energy (never decreasing; the objective at full E-steps), logLikelihoodHistory\n' +
  'is null between full E-steps, and a sparse pass counts in eSteps as the fraction of pairs it touched; execution { mode, workers, reason } says\n' +
  'where the E-steps ran (in-process or workers, see --workers) and why; columns { used, skipped } names the\n' +
  'data columns (header names, or 0-based indices without a header). NaN or Infinity is never printed: a\n' +
  'fit that produces one fails with exit code 1.\n';
