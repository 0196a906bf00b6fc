/**
 * The log-ratio below which a row's term e^(v − max) is dropped (set to 0) by the E-step, for K
 * components: −(55·ln 2 + ln K), so that everything dropped from a row adds up to less than
 * K·e^T = 2⁻⁵⁵, a quarter of the last place of the row's sum (which is ≥ 1, the largest term being
 * e⁰). The sum, the log-likelihood and every kept responsibility are therefore those of the full
 * computation up to the order of the additions; a dropped responsibility is below 2⁻⁵⁵/K of its
 * row's largest. Most terms of well-separated data fall below it, and the kernels skip their
 * exponentials (−40.4 for K = 10: e^−40.4 ≈ 3·10⁻¹⁸). It also keeps subnormal numbers (below
 * e^−708), which cost x86 processors a microcode assist per operation, out of the statistics.
 */
export function negligibleLogRatio(k: number): number {
  return -(55 * Math.LN2 + Math.log(Math.max(k, 1)));
}

/** e^v, or 0 below `threshold` (negligibleLogRatio(K); v a term of a row normalised by its maximum). */
export function responsibilityTerm(v: number, threshold: number): number {
  return v < threshold ? 0 : exponential(v);
}

/**
 * Every threshold is above this (negligibleLogRatio(K) > −600 for any K a memory can hold): the
 * SIMD kernel clamps its inputs just below it, so every intermediate of its exponential stays a
 * normal number.
 */
export const LOWEST_NEGLIGIBLE_LOG_RATIO = -600;

/**
 * exp(v) is exactly 0 in double precision for every v below this (the smallest subnormal is
 * exp(−745.13…)).
 */
const EXP_UNDERFLOW = -745.2;

/** Below this, `exponential` defers to Math.exp (its result would be subnormal). */
const EXP_SUBNORMAL = -708;
/** ln 2 split so that k·LN2_HIGH is exact for |k| ≤ 2¹¹, and 1/ln 2 (shared with the SIMD kernel). */
export const LN2_HIGH = 6.93147180369123816490e-1;
export const LN2_LOW = 1.90821492927058770002e-10;
export const INVERSE_LN2 = 1.4426950408889634;
/** POWERS_OF_HALF[m] = 2⁻ᵐ, m = 0…1022 (exact). */
const POWERS_OF_HALF = /* @__PURE__ */ (() => {
  const table = new Float64Array(1023);
  for (let m = 0; m < table.length; m++) table[m] = 2 ** -m;
  return table;
})();
/**
 * 1/n! for n = 3…13 (multiplications: a division per term would cost more than the exp); the
 * SIMD kernel (responsibilities-simd.ts) evaluates the same polynomial with them.
 */
export const TAYLOR = { C3: 1 / 6, C4: 1 / 24, C5: 1 / 120, C6: 1 / 720, C7: 1 / 5040, C8: 1 / 40320, C9: 1 / 362880, C10: 1 / 3628800, C11: 1 / 39916800, C12: 1 / 479001600, C13: 1 / 6227020800 } as const;
const { C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13 } = TAYLOR;

/**
 * exp(v) for v ≤ 0, within one unit in the last place of Math.exp (checked over [−745, 0] in
 * test/exponential.test.ts) and cheaper than Math.exp in V8 (inlined, no call): v = −m·ln 2 + r
 * with |r| ≤ ln 2 / 2, e^r by its Taylor polynomial of degree 13 (truncation below 10⁻¹⁷)
 * evaluated in Estrin's scheme (short dependency chains), times 2⁻ᵐ from a table. Below −708
 * (subnormal results) it defers to Math.exp, and below EXP_UNDERFLOW it returns the exact 0.
 */
export function exponential(v: number): number {
  if (v < EXP_SUBNORMAL) return v < EXP_UNDERFLOW ? 0 : Math.exp(v);
  // m = round(−v / ln 2) ≥ 0 as a small integer.
  const m = (0.5 - v * INVERSE_LN2) | 0;
  const r = v + m * LN2_HIGH + m * LN2_LOW;
  const r2 = r * r;
  const r4 = r2 * r2;
  const s1 = C4 + r * C5 + (C6 + r * C7) * r2;
  const s2 = C8 + r * C9 + (C10 + r * C11) * r2;
  const s3 = C12 + r * C13;
  const high = s1 + (s2 + s3 * r4) * r4;
  const p = 1 + (r + (r2 * (0.5 + r * C3) + high * r4));
  return p * (POWERS_OF_HALF[m] as number);
}
