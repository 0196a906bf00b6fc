import { InvalidOptionsError, InvalidParametersError, type JsonValue } from '@em/core';

/** Tolerance on Σ p = 1 when validating user-given probabilities. */
export const SUM_TOLERANCE = 1e-8;

/**
 * Checks that probabilities[offset .. offset + length) is a probability vector: finite entries in
 * [0, 1] summing to 1 (±1e-8). `label` names it in the message, e.g. "component 2".
 */
export function validateProbabilityVector(probabilities: Float64Array, offset: number, length: number, label: string, details: Record<string, number>): void {
  let sum = 0;
  for (let m = 0; m < length; m++) {
    const p = probabilities[offset + m] as number;
    if (!Number.isFinite(p) || p < 0 || p > 1) {
      throw new InvalidParametersError(`probabilities of ${label}, entry ${m}, is ${p}: not a probability in [0, 1].`, 'Give finite probabilities between 0 and 1.', {
        ...details,
        entry: m,
      });
    }
    sum += p;
  }
  if (Math.abs(sum - 1) > SUM_TOLERANCE) {
    throw new InvalidParametersError(`probabilities of ${label} sum to ${sum}, not 1.`, 'Normalise that vector (divide each entry by their sum).', { ...details, sum });
  }
}

/**
 * Checks that a K×V table has integer K, V ≥ 1 and K·V entries; `label` starts the message
 * (e.g. "Multinomial probabilities").
 */
export function checkTableShape(c: { readonly probabilities: Float64Array; readonly components: number; readonly features: number }, label: string, remedy: string): void {
  if (!Number.isInteger(c.components) || c.components < 1 || !Number.isInteger(c.features) || c.features < 1 || c.probabilities.length !== c.components * c.features) {
    throw new InvalidParametersError(`${label} have ${c.probabilities.length} entries; expected components × features = ${c.components} × ${c.features}.`, remedy);
  }
}

/** Checks a pseudocount option (≥ 0, finite). */
export function checkPseudocount(value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidOptionsError(
      `pseudocount must be a finite number ≥ 0; got ${String(value)}.`,
      'Use 0 for plain maximum likelihood or a small positive value (the Dirichlet prior is α = 1 + pseudocount).',
      { option: 'pseudocount' },
    );
  }
}

/** Reads a rectangular number[][] from JSON; throws InvalidParametersError naming the row. */
export function readMatrixJson(json: JsonValue | undefined, name: string): number[][] {
  if (!Array.isArray(json) || json.length === 0) {
    throw new InvalidParametersError(`"${name}" must be a non-empty array of rows (one per component).`, `Pass "${name}": [[...], [...]] with one row per component.`, {
      parameter: name,
    });
  }
  const rows = json as readonly JsonValue[];
  const first = rows[0];
  const width = Array.isArray(first) ? first.length : -1;
  return rows.map((row, k) => {
    if (!Array.isArray(row) || row.length !== width || row.some((v) => typeof v !== 'number')) {
      throw new InvalidParametersError(
        `"${name}" row ${k} is not an array of ${width} numbers.`,
        `Give every component the same number of probabilities (the vocabulary size).`,
        { parameter: name, component: k },
      );
    }
    return row as number[];
  });
}
