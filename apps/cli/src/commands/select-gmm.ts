import { InvalidDataError } from '@em/core';
import { COVARIANCE_MODELS, hierarchicalTreeOf, selectGaussianMixtureAsync, selectionPlan, type SelectionTableRow } from '@em/gaussian-mixture';
import type { Command } from '../framework/command.js';
import { dataOptions, fitOptions, readCommonFitSettings } from '../framework/fit-report.js';
import { assertFiniteOutput } from '../framework/finite-output.js';
import { formatNumber, formatTable, toJsonText } from '../framework/format.js';
import { memoryBudgetOf } from '../framework/io.js';
import { columnsReportOf } from '../io/table.js';
import { checkGaussianMixtureSize, resolveWorkersFlag } from '../models/allocation-checks.js';
import { readDenseDataFlags, requireObservations } from '../io/read-data.js';
import { rejectMissingValues } from '../models/fit-support.js';
import { COVARIANCE_MODEL_HELP, type CovarianceChoice, covarianceChoiceOf } from '../models/gaussian-mixture-init.js';
import { describeGaussianMixture, type GaussianMixtureParams } from '../models/gaussian-mixture-summary.js';
import { gaussianMixtureFlags, INIT_METHODS } from './fit-gmm.js';

/** `em select gmm`: fits a grid of K × covariance types and reports the BIC/AIC table and the winner. */
export const selectGaussianMixtureCommand: Command = {
  path: ['select', 'gmm'],
  summary: 'Choose the number of components and covariance type of a Gaussian mixture by BIC.',
  description:
    'Fits every combination of --components and --covariance and ranks them by BIC (lower is better).\n' +
    "--covariance all fits mclust's fourteen models (EII … VVV), 14 × 9 fits with the default --components 1..9.\n" +
    '--workers auto (default) fits whole models on worker threads, one per thread the machine runs at once (each\n' +
    "  worker fits its own (model, K) cells; the table keeps its order), in process for a grid of few fits, and\n" +
    "  spreads each fit's E-steps over the workers instead when the data is large; stderr and --json (execution) say which.\n" +
    'ICL = BIC − 2·Σ_i ln z_i(MAP class) (lower is better; mclust prints both with the opposite sign).\n' +
    'With --json: { "table": [{ components, covarianceType, model, logLikelihood, bic, icl, aic, converged, iterations }, …],\n' +
    '  "best": { …the same, params }, "columns": { used, skipped }, "execution": { mode, workers, reason } }.\n' +
    '  A cell whose fit failed has "error" (and null\n' +
    '  figures) instead; it never wins.',
  options: {
    ...dataOptions,
    components: { type: 'value', valueName: 'LIST', description: 'Component counts: "K", "A..B" or "A,B,C".', defaultText: '1..9' },
    covariance: { type: 'value', valueName: 'TYPES', description: `all (mclust's fourteen models), or a comma-separated list of ${COVARIANCE_MODEL_HELP}.`, defaultText: 'all' },
    'n-init': fitOptions['n-init'],
    seed: fitOptions.seed,
    'max-iter': fitOptions['max-iter'],
    tol: fitOptions.tol,
    ...gaussianMixtureFlags,
    'init-method': {
      type: 'value',
      valueName: 'METHOD',
      description: "kmeans | kmeans++ | random | random-points | hc, for every cell (hc: mclust's default hierarchical start; with it --covariance all picks what Mclust() picks).",
      defaultText: 'kmeans',
    },
    workers: {
      type: 'value',
      valueName: 'auto|N',
      description:
        'auto: worker threads when they pay (whole fits on each; for large data each fit\'s E-steps), as many as the machine, ' +
        '--memory-budget and the grid allow; in process for few fits. N: N worker threads (1 = in process).',
      defaultText: 'auto',
    },
    json: fitOptions.json,
    quiet: fitOptions.quiet,
  },
  examples: ['select gmm --data data/iris.csv --components 1..6 --covariance all --n-init 3 --seed 1', 'select gmm --data data/faithful.csv --components 1..4 --covariance full,diagonal --json'],
  async run({ options, io }) {
    const components = options.integerList('components', { min: 1, maxCount: 100 }) ?? [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const covarianceTypes = parseCovarianceTypes(options.string('covariance') ?? 'all', (problem) => options.error('covariance', problem));
    // The flags select gmm shares with the fit commands (no --init, --out or --prior here).
    const { nInit, seed, maxIterations, tolerance, toleranceRule, json, quiet, workers: requestedWorkers } = readCommonFitSettings(options);
    const regCovar = options.number('reg-covar', { min: 0 }, 1e-6);
    const initMethod = options.choice('init-method', INIT_METHODS, 'kmeans');
    const table = await readDenseDataFlags(io, options);
    const { rows, cols } = table.matrix;
    requireObservations(table.matrix, table.source);
    const missingValues = options.flag('missing-values');
    if (!missingValues) rejectMissingValues(table);
    const largest = Math.max(...components);
    if (largest > rows) {
      throw new InvalidDataError(`--components reaches ${largest}, more than the ${rows} rows of ${table.source}.`, 'Use component counts of at most the number of observations.', { components: largest, rows });
    }
    // The largest cell of the grid is the largest allocation (one model is fitted at a time).
    for (const choice of covarianceTypes) checkGaussianMixtureSize(rows, cols, largest, choice.storage, memoryBudgetOf(io));
    // The hc start's tree, built (and its n² costs checked against --memory-budget) once for every cell.
    if (initMethod === 'hc') hierarchicalTreeOf(table.matrix.data, rows, cols, { memoryBudget: memoryBudgetOf(io) });
    const workers = resolveWorkersFlag(requestedWorkers, table.matrix.data.byteLength, memoryBudgetOf(io), (text) => {
      if (!json && !quiet) io.stderr(`em select gmm: ${text}\n`);
    });

    if (!json && !quiet) {
      io.stderr(`em select gmm: fitting ${components.length * covarianceTypes.length} models (${components.length} component counts × ${covarianceTypes.length} covariance types, ${nInit} restart${nInit === 1 ? '' : 's'} each)…\n`);
    }
    const modelCount = covarianceTypes.length;
    const doneByModel = new Map<string, number>();
    let modelsDone = 0;
    const selectOptions = {
      workers,
      data: table.matrix,
      components,
      covarianceTypes: covarianceTypes.map((choice) => choice.model),
      nInit,
      seed,
      modelOptions: { maxIterations, tolerance, toleranceRule, regCovar, init: initMethod, memoryBudget: memoryBudgetOf(io), ...(missingValues ? { missingValues: true } : {}) },
      // Progress per model, once all its component counts are fitted (with whole fits on workers, models finish out of order).
      onCell: (row: SelectionTableRow) => {
        const done = (doneByModel.get(row.model) ?? 0) + 1;
        doneByModel.set(row.model, done);
        if (done !== components.length) return;
        modelsDone++;
        if (!json && !quiet) io.stderr(`em select gmm: ${row.model} done (${modelsDone} of ${modelCount} models)\n`);
      },
    };
    if (!json && !quiet) io.stderr(`em select gmm: ${selectionPlan(selectOptions, rows, cols).reason}\n`);
    const selection = await selectGaussianMixtureAsync(selectOptions);
    const tableRows = selection.table.map((row) => ({
      components: row.components,
      covarianceType: covarianceTypes.find((choice) => choice.model === row.model)?.name ?? row.model,
      model: row.model,
      logLikelihood: row.logLikelihood,
      bic: row.bic,
      icl: row.icl,
      aic: row.aic,
      converged: row.converged,
      iterations: row.iterations,
      ...(row.error === undefined ? {} : { error: row.error }),
    }));
    const best = selection.best;
    const bestParams: GaussianMixtureParams = selection.model.parameters;
    const bestName = covarianceTypes.find((choice) => choice.model === best.model)?.name ?? best.model;
    const bestRow = { components: best.components, covarianceType: bestName, model: best.model, logLikelihood: best.logLikelihood, bic: best.bic, icl: best.icl, aic: best.aic, converged: best.converged, iterations: best.iterations };
    const topByBic = ranked(selection.table, 'bic').slice(0, 3);
    const byIcl = ranked(selection.table, 'icl')[0];
    // Failed cells carry their error instead of figures; every other figure must be finite.
    assertFiniteOutput({ table: tableRows.filter((row) => row.error === undefined), best: { ...bestRow, params: bestParams } }, 'em select gmm');
    if (json) {
      const cell = (row: SelectionTableRow | undefined) => (row === undefined ? null : { components: row.components, model: row.model, bic: row.bic, icl: row.icl });
      const execution = { mode: selection.execution.mode, workers: selection.execution.workers, reason: selection.execution.reason };
      io.stdout(`${toJsonText({ table: tableRows, best: { ...bestRow, params: bestParams }, topByBic: topByBic.map(cell), bestByIcl: cell(byIcl), columns: columnsReportOf(table), execution })}\n`);
      return 0;
    }
    const lines = [
      `Gaussian mixture selection on ${table.source}: ${rows} observations × ${cols} columns (lower BIC/AIC is better)`,
      '',
      ...formatTable(
        ['K', 'covariance', 'log-likelihood', 'BIC', 'ICL', 'AIC', 'iterations'],
        tableRows.map((row) =>
          row.error === undefined
            ? [
                String(row.components),
                row.covarianceType,
                formatNumber(row.logLikelihood, 8),
                formatNumber(row.bic, 8),
                formatNumber(row.icl, 8),
                formatNumber(row.aic, 8),
                `${row.iterations}${row.converged ? '' : ' (not converged)'}`,
              ]
            : [String(row.components), row.covarianceType, 'failed', '-', '-', '-', '-'],
        ),
        2,
      ),
      '',
      `best by BIC: K = ${best.components}, ${bestName} covariance (BIC ${formatNumber(best.bic, 8)}, log-likelihood ${formatNumber(best.logLikelihood, 8)})`,
      `top three by BIC: ${topByBic.map((row) => `${row.model},${row.components} (${formatNumber(row.bic, 8)})`).join('; ')}`,
      ...(byIcl === undefined ? [] : [`best by ICL: ${byIcl.model},${byIcl.components} (ICL ${formatNumber(byIcl.icl, 8)})`]),
      `ran: ${selection.execution.reason}`,
      ...describeGaussianMixture(bestParams, table),
    ];
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};

function parseCovarianceTypes(text: string, error: (problem: string) => Error): CovarianceChoice[] {
  if (text === 'all') return COVARIANCE_MODELS.map((model) => covarianceChoiceOf(model) as CovarianceChoice);
  const out: CovarianceChoice[] = [];
  for (const item of text.split(',').map((part) => part.trim())) {
    const choice = covarianceChoiceOf(item);
    if (choice === undefined) throw error(`expects "all" or a list of ${COVARIANCE_MODEL_HELP}; got "${text}"`);
    if (!out.some((other) => other.model === choice.model)) out.push(choice);
  }
  return out;
}

/** Successful cells, lowest criterion first (mclust's ranking, with our lower-is-better sign). */
function ranked(table: readonly SelectionTableRow[], criterion: 'bic' | 'icl'): SelectionTableRow[] {
  return table.filter((row) => row.error === undefined && Number.isFinite(row[criterion])).sort((a, b) => a[criterion] - b[criterion]);
}
