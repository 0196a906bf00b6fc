/**
 * Information criteria, in the lower-is-better convention of scikit-learn and hmmlearn:
 * BIC = −2·logL + p·ln n, AIC = −2·logL + 2p. (mclust reports 2·logL − p·ln n, higher is better:
 * the same number with the opposite sign.)
 */
export function bic(logLikelihood: number, freeParameters: number, observations: number): number {
  return -2 * logLikelihood + freeParameters * Math.log(observations);
}

export function aic(logLikelihood: number, freeParameters: number): number {
  return -2 * logLikelihood + 2 * freeParameters;
}

/** One row of a model-selection table. */
export interface SelectionRow<Extra> {
  readonly logLikelihood: number;
  readonly freeParameters: number;
  readonly bic: number;
  readonly aic: number;
  readonly extra: Extra;
}

/** Index of the row with the lowest criterion (first on ties); −1 for an empty table. */
export function bestByCriterion<T extends { readonly bic: number; readonly aic: number }>(rows: readonly T[], criterion: 'bic' | 'aic' = 'bic'): number {
  let best = -1;
  for (let i = 0; i < rows.length; i++) {
    const v = (rows[i] as T)[criterion];
    if (Number.isFinite(v) && (best < 0 || v < (rows[best] as T)[criterion])) best = i;
  }
  return best;
}
