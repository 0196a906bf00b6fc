/**
 * exp(x) for the forward pass's shifted log-densities (x ≤ 0), about 2–3× faster than Math.exp
 * in V8 and within 3 units in the last place of it (measured over [−700, 0]; Math.exp is within 1).
 *
 * Table-driven reduction: x = (64·q + j)·ln2/64 + r with integers q, j (0 ≤ j < 64) and
 * |r| ≤ ln2/128, so exp(x) = 2^q · 2^(j/64) · exp(r), with 2^(j/64) and 2^q read from tables and
 * exp(r) from its Taylor polynomial to r⁶ (the next term is below 3·10⁻²⁰). ln2/64 is split in a
 * high part with 36 significant bits (so n·high is exact for every n that occurs here) and a low
 * remainder, which keeps r accurate to ~10⁻²⁷. Outside [−700, 0] (and for −∞, NaN) it defers to
 * Math.exp, so exp(0) = 1 exactly and the subnormal range is Math.exp's.
 */

/** 2^(j/64), j = 0 … 63. */
export const FRACTION_POWERS = Float64Array.from({ length: 64 }, (_, j) => 2 ** (j / 64));
/** 2^q at q + POWER_OFFSET, q = −POWER_OFFSET … 0 (x ≥ −700 needs q ≥ −1011 only). */
export const POWER_OFFSET = 1100;
export const POWERS = Float64Array.from({ length: POWER_OFFSET + 1 }, (_, index) => 2 ** (index - POWER_OFFSET));
const STEPS_PER_UNIT = 64 / Math.LN2;
/** ln 2 as a high part exact in 43 bits plus a low part (the customary split). */
const LN2_HIGH = 6.9314718036912382e-1;
const LN2_LOW = 1.9082149292705877e-10;
/** ln2/64 rounded to 36 significant bits, and what it leaves of ln2/64. */
const STEP_HIGH = Math.round((LN2_HIGH / 64) * 2 ** 42) / 2 ** 42;
const STEP_LOW = (LN2_HIGH - 64 * STEP_HIGH + LN2_LOW) / 64;
/** 1.5·2^52: (y + ROUNDER) − ROUNDER rounds y to the nearest integer for |y| < 2^51. */
const ROUNDER = 6755399441055744;
const LOWER_LIMIT = -700;

export function exponential(x: number): number {
  if (!(x >= LOWER_LIMIT && x <= 0)) return Math.exp(x);
  const n = x * STEPS_PER_UNIT + ROUNDER - ROUNDER;
  const r = x - n * STEP_HIGH - n * STEP_LOW;
  const r2 = r * r;
  const polynomial = 1 + r + r2 * (0.5 + r * (1 / 6)) + r2 * r2 * (1 / 24 + r * (1 / 120) + r2 * (1 / 720));
  const steps = n | 0;
  return (FRACTION_POWERS[steps & 63] as number) * (POWERS[(steps >> 6) + POWER_OFFSET] as number) * polynomial;
}
