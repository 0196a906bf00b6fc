/** log Σ exp(values[start..end)), exact for large magnitudes; −∞ when every term is −∞. */
export function logSumExp(values: ArrayLike<number>, start = 0, end = values.length): number {
  let max = -Infinity;
  for (let i = start; i < end; i++) {
    const v = values[i] as number;
    if (v > max) max = v;
  }
  if (max === -Infinity) return -Infinity;
  if (max === Infinity) return Infinity;
  let sum = 0;
  for (let i = start; i < end; i++) sum += Math.exp((values[i] as number) - max);
  return max + Math.log(sum);
}

/** log(exp(a) + exp(b)) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  // Without this, log(e^∞ + e^∞) would be ∞ + log1p(e^(∞ − ∞)) = NaN.
  if (a === Infinity && b === Infinity) return Infinity;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * Normalises one row of log-weights in place into probabilities and returns the row's
 * log-normaliser. A row that is −∞ everywhere is left as zeros and returns −∞.
 */
export function normalizeLogRow(row: Float64Array, start: number, end: number): number {
  const lse = logSumExp(row, start, end);
  if (lse === -Infinity) {
    row.fill(0, start, end);
    return lse;
  }
  for (let i = start; i < end; i++) row[i] = Math.exp((row[i] as number) - lse);
  return lse;
}

/** log(p) with log(0) = −∞; throws RangeError for negative or NaN input (a bug upstream). */
export function safeLog(p: number): number {
  if (p > 0) return Math.log(p);
  if (p === 0) return -Infinity;
  throw new RangeError(`safeLog: probability must be ≥ 0; got ${p}.`);
}

/** x·log(y) with the convention 0·log 0 = 0 (and 0·log y = 0 for every y). */
export function xLogY(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}

/** Elementwise log of probabilities into a new Float64Array (0 → −∞). */
export function logOfProbabilities(p: ArrayLike<number>): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = safeLog(p[i] as number);
  return out;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error < 1e-15 over the range used here). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const g = 7;
  const c = LANCZOS;
  const xm1 = x - 1;
  let a = c[0] as number;
  const t = xm1 + g + 0.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (xm1 + i);
  return 0.5 * Math.log(2 * Math.PI) + (xm1 + 0.5) * Math.log(t) - t + Math.log(a);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log of the Dirichlet normalising constant: ln Γ(Σα) − Σ ln Γ(α_i). */
export function logDirichletNormalizer(alpha: ArrayLike<number>): number {
  let sum = 0;
  let lg = 0;
  for (let i = 0; i < alpha.length; i++) {
    const a = alpha[i] as number;
    sum += a;
    lg += logGamma(a);
  }
  return logGamma(sum) - lg;
}

/**
 * log density of a Dirichlet(α) prior at p (natural log, normaliser included); terms with α_i = 1
 * vanish, so structural zeros with α_i = 1 are allowed. A zero p_i with α_i > 1 gives −∞.
 */
export function logDirichletDensity(p: ArrayLike<number>, alpha: ArrayLike<number>, start = 0): number {
  let value = logDirichletNormalizer(alpha);
  for (let i = 0; i < alpha.length; i++) {
    const a = (alpha[i] as number) - 1;
    if (a !== 0) value += a * Math.log(p[start + i] as number);
  }
  return value;
}
