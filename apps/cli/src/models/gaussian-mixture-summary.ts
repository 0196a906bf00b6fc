import type { NumericTable } from '../io/table.js';
import { formatMatrix, formatNumber, formatVector } from '../framework/format.js';

/** Fitted Gaussian mixture parameters as nested arrays (the `params` of the --json output). */
export interface GaussianMixtureParams {
  readonly weights: readonly number[];
  readonly means: ReadonlyArray<readonly number[]>;
  readonly covariances: readonly number[] | ReadonlyArray<readonly number[]> | ReadonlyArray<ReadonlyArray<readonly number[]>>;
  readonly covarianceType: string;
}

/** Readable lines describing each component: weight, mean and covariance. */
export function describeGaussianMixture(params: GaussianMixtureParams, table: NumericTable): string[] {
  const lines: string[] = [];
  if (table.columnNames !== undefined) {
    const skipped = table.skippedColumns === undefined ? '' : ` (skipped non-numeric: ${table.skippedColumns.join(', ')})`;
    lines.push(`columns: ${table.columnNames.join(', ')}${skipped}`);
  }
  const type = params.covarianceType;
  params.weights.forEach((weight, k) => {
    lines.push(`component ${k}: weight ${formatNumber(weight)}`);
    lines.push(`  mean        ${formatVector(params.means[k] ?? [])}`);
    if (type === 'full') {
      const matrix = (params.covariances as ReadonlyArray<ReadonlyArray<readonly number[]>>)[k] ?? [];
      lines.push('  covariance', ...formatMatrix(matrix, '    '));
    } else if (type === 'diagonal') {
      lines.push(`  variances   ${formatVector((params.covariances as ReadonlyArray<readonly number[]>)[k] ?? [])}`);
    } else if (type === 'spherical') {
      lines.push(`  variance    ${formatNumber((params.covariances as readonly number[])[k] ?? Number.NaN)}`);
    }
  });
  if (type === 'tied') lines.push('shared covariance', ...formatMatrix(params.covariances as ReadonlyArray<readonly number[]>, '    '));
  return lines;
}
