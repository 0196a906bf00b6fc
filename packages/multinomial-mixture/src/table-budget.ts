import { checkAllocation, float64Bytes } from '@em/core';

/**
 * How many K × V (or K × Σ M_j) float64 tables a fit holds at once: the parameters, the E-step's
 * log-table (and the scaled table of a one-variable categorical), the statistics, the M-step's
 * new parameters and the best restart's; the WebAssembly arena of the sparse kernels holds a table
 * and statistics of its own. Counting six keeps the check honest without tracking each one.
 */
export const WORKING_TABLES = 6;

/**
 * Refuses, before anything is allocated, a latent-class model whose probability tables exceed the
 * memory budget. The widest column is named: a single stray code (10⁸ in a column of answers 0–4)
 * declares that many categories, since codes are 0 … M − 1. `source`, when given, names the data
 * in the message (the CLI passes the file's name).
 */
export function checkCategoryTables(categories: readonly number[], components: number, budget: number, source?: string): void {
  let total = 0;
  let widest = 0;
  for (let j = 0; j < categories.length; j++) {
    const m = categories[j] as number;
    total += m;
    if (m > (categories[widest] as number)) widest = j;
  }
  const m = categories[widest] as number;
  checkAllocation(
    float64Bytes(components, total) * WORKING_TABLES,
    budget,
    `Column ${widest}${source === undefined ? '' : ` of ${source}`} has category code ${m - 1} (${m} categories, codes 0 … ${m - 1}): a ${components} × ${total} probability table in ${WORKING_TABLES} working copies`,
    `Category codes must be 0 … C − 1 for a column with C distinct answers: recode column ${widest} to consecutive integers (or declare its true number of categories)`,
  );
}

/**
 * Refuses, before anything is allocated, K × V probability tables over the memory budget. V is the
 * data's column count, which a sparse matrix (or a Matrix Market header) declares without storing
 * anything, so a tiny file can ask for 10⁹ features. `source` names the data in the message (the
 * CLI passes the file's name).
 */
export function checkFeatureTables(features: number, components: number, budget: number, family: string, source = 'The data'): void {
  checkAllocation(
    float64Bytes(components, features) * WORKING_TABLES,
    budget,
    `${source} has ${features} columns: a ${components} × ${features} ${family} probability table in ${WORKING_TABLES} working copies`,
    'Check the column count (a sparse matrix or .mtx header may declare columns no row uses): drop unused columns or trim the vocabulary, or use fewer components',
  );
}
