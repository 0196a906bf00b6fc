import { InvalidDataError } from '@em/core';
import { selectGaussianMixture } from '@em/gaussian-mixture';
import type { Command } from '../framework/command.js';
import { dataOptions, fitOptions, readCommonFitSettings } from '../framework/fit-report.js';
import { assertFiniteOutput } from '../framework/finite-output.js';
import { formatNumber, formatTable, toJsonText } from '../framework/format.js';
import { memoryBudgetOf } from '../framework/io.js';
import { columnsReportOf } from '../io/table.js';
import { checkGaussianMixtureSize } from '../models/allocation-checks.js';
import { readDenseDataFlags, requireObservations } from '../io/read-data.js';
import { rejectMissingValues } from '../models/fit-support.js';
import { COVARIANCE_TYPE_NAMES, type CovarianceTypeName, covarianceTypeOf } from '../models/gaussian-mixture-init.js';
import { describeGaussianMixture, type GaussianMixtureParams } from '../models/gaussian-mixture-summary.js';
import { gaussianMixtureFlags } from './fit-gmm.js';

/** `em select gmm`: fits a grid of K × covariance types and reports the BIC/AIC table and the winner. */
export const selectGaussianMixtureCommand: Command = {
  path: ['select', 'gmm'],
  summary: 'Choose the number of components and covariance type of a Gaussian mixture by BIC.',
  description:
    'Fits every combination of --components and --covariance and ranks them by BIC (lower is better).\n' +
    'With --json: { "table": [{ components, covarianceType, logLikelihood, bic, aic, converged, iterations }, …],\n' +
    '  "best": { …the same, params }, "columns": { used, skipped } }. A cell whose fit failed has "error" (and null\n' +
    '  figures) instead; it never wins.',
  options: {
    ...dataOptions,
    components: { type: 'value', valueName: 'LIST', description: 'Component counts: "K", "A..B" or "A,B,C".', defaultText: '1..6' },
    covariance: { type: 'value', valueName: 'TYPES', description: 'all, or a comma-separated list of full, tied, diagonal, spherical (scikit-learn\'s diag is accepted).', defaultText: 'all' },
    'n-init': fitOptions['n-init'],
    seed: fitOptions.seed,
    'max-iter': fitOptions['max-iter'],
    tol: fitOptions.tol,
    ...gaussianMixtureFlags,
    json: fitOptions.json,
    quiet: fitOptions.quiet,
  },
  examples: ['select gmm --data data/iris.csv --components 1..6 --covariance all --n-init 3 --seed 1', 'select gmm --data data/faithful.csv --components 1..4 --covariance full,diagonal --json'],
  async run({ options, io }) {
    const components = options.integerList('components', { min: 1, maxCount: 100 }) ?? [1, 2, 3, 4, 5, 6];
    const covarianceTypes = parseCovarianceTypes(options.string('covariance') ?? 'all', (problem) => options.error('covariance', problem));
    // The flags select gmm shares with the fit commands (no --init, --out or --prior here).
    const { nInit, seed, maxIterations, tolerance, toleranceRule, json, quiet } = readCommonFitSettings(options);
    const regCovar = options.number('reg-covar', { min: 0 }, 1e-6);
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
    for (const type of covarianceTypes) checkGaussianMixtureSize(rows, cols, largest, type, memoryBudgetOf(io));

    if (!json && !quiet) {
      io.stderr(`em select gmm: fitting ${components.length * covarianceTypes.length} models (${components.length} component counts × ${covarianceTypes.length} covariance types, ${nInit} restart${nInit === 1 ? '' : 's'} each)…\n`);
    }
    const selection = selectGaussianMixture({
      data: table.matrix,
      components,
      covarianceTypes,
      nInit,
      seed,
      modelOptions: { maxIterations, tolerance, toleranceRule, regCovar, memoryBudget: memoryBudgetOf(io), ...(missingValues ? { missingValues: true } : {}) },
    });
    const tableRows = selection.table.map((row) => ({
      components: row.components,
      covarianceType: row.covarianceType,
      logLikelihood: row.logLikelihood,
      bic: row.bic,
      aic: row.aic,
      converged: row.converged,
      iterations: row.iterations,
      ...(row.error === undefined ? {} : { error: row.error }),
    }));
    const best = selection.best;
    const bestParams: GaussianMixtureParams = selection.model.parameters;
    const bestRow = { components: best.components, covarianceType: best.covarianceType, logLikelihood: best.logLikelihood, bic: best.bic, aic: best.aic, converged: best.converged, iterations: best.iterations };
    // Failed cells carry their error instead of figures; every other figure must be finite.
    assertFiniteOutput({ table: tableRows.filter((row) => row.error === undefined), best: { ...bestRow, params: bestParams } }, 'em select gmm');
    if (json) {
      io.stdout(`${toJsonText({ table: tableRows, best: { ...bestRow, params: bestParams }, columns: columnsReportOf(table) })}\n`);
      return 0;
    }
    const lines = [
      `Gaussian mixture selection on ${table.source}: ${rows} observations × ${cols} columns (lower BIC/AIC is better)`,
      '',
      ...formatTable(
        ['K', 'covariance', 'log-likelihood', 'BIC', 'AIC', 'iterations'],
        tableRows.map((row) =>
          row.error === undefined
            ? [String(row.components), row.covarianceType, formatNumber(row.logLikelihood, 8), formatNumber(row.bic, 8), formatNumber(row.aic, 8), `${row.iterations}${row.converged ? '' : ' (not converged)'}`]
            : [String(row.components), row.covarianceType, 'failed', '-', '-', '-'],
        ),
        2,
      ),
      '',
      `best by BIC: K = ${best.components}, ${best.covarianceType} covariance (BIC ${formatNumber(best.bic, 8)}, log-likelihood ${formatNumber(best.logLikelihood, 8)})`,
      ...describeGaussianMixture(bestParams, table),
    ];
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};

function parseCovarianceTypes(text: string, error: (problem: string) => Error): CovarianceTypeName[] {
  if (text === 'all') return [...COVARIANCE_TYPE_NAMES];
  const out: CovarianceTypeName[] = [];
  for (const item of text.split(',').map((part) => part.trim())) {
    const type = covarianceTypeOf(item);
    if (type === undefined) throw error(`expects "all" or a list of ${COVARIANCE_TYPE_NAMES.join(', ')} (or scikit-learn's diag); got "${text}"`);
    if (!out.includes(type)) out.push(type);
  }
  return out;
}
