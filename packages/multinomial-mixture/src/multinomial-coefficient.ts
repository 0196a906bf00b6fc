import { logGamma } from '@em/core';
import { isSparse, type CountMatrix } from './count-matrix.js';

/** log n! for small integers from a table (exact to round-off), logGamma(n + 1) beyond. */
const TABLE_SIZE = 1024;
const LOG_FACTORIAL = (() => {
  const table = new Float64Array(TABLE_SIZE);
  for (let n = 2; n < TABLE_SIZE; n++) table[n] = (table[n - 1] as number) + Math.log(n);
  return table;
})();

function logFactorial(x: number): number {
  return Number.isInteger(x) && x < TABLE_SIZE ? (LOG_FACTORIAL[x] as number) : logGamma(x + 1);
}

/**
 * Per-row multinomial coefficient log(n_i! / ∏_v x_iv!), with n_i = Σ_v x_iv. It does not depend
 * on θ: the package's log-likelihoods leave it out; add it to compare with tools that include it
 * (R mixtools). Non-integer counts use Γ(x + 1).
 */
export function logMultinomialCoefficients(x: CountMatrix): Float64Array {
  const out = new Float64Array(x.rows);
  if (isSparse(x)) {
    const { indptr, values } = x;
    for (let i = 0; i < x.rows; i++) {
      let n = 0;
      let denominator = 0;
      for (let p = indptr[i] as number, e = indptr[i + 1] as number; p < e; p++) {
        const c = values[p] as number;
        n += c;
        denominator += logFactorial(c);
      }
      out[i] = logFactorial(n) - denominator;
    }
    return out;
  }
  const { data, cols } = x;
  for (let i = 0; i < x.rows; i++) {
    let n = 0;
    let denominator = 0;
    for (let f = i * cols, e = f + cols; f < e; f++) {
      const c = data[f] as number;
      if (c === 0) continue;
      n += c;
      denominator += logFactorial(c);
    }
    out[i] = logFactorial(n) - denominator;
  }
  return out;
}

/** Σ_i w_i log(n_i! / ∏_v x_iv!) (sample weights default to 1). */
export function logMultinomialCoefficient(x: CountMatrix, sampleWeights?: ArrayLike<number>): number {
  const perRow = logMultinomialCoefficients(x);
  let total = 0;
  for (let i = 0; i < perRow.length; i++) total += (sampleWeights === undefined ? 1 : (sampleWeights[i] as number)) * (perRow[i] as number);
  return total;
}
