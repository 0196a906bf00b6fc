/**
 * Scaled forward–backward steps for any number of states K ≥ 3 (Rabiner 1989, §V.A), the inner
 * loops of ../src/forward-backward.ts, which owns the memory and calls these in chunks of steps.
 *
 *   forward:  α̃_t(j) = b_t(j) · Σ_i α̂_{t−1}(i) A_ij   (α̃_0(j) = π_j b_0(j)),
 *             c_t = Σ_j α̃_t(j),  α̂_t = α̃_t / c_t;
 *   backward: carried_{t+1}(j) = b_{t+1}(j) β̂_{t+1}(j) / c_{t+1},
 *             outer(i, j) += α̂_t(i) · carried_{t+1}(j)   (Σ_t ξ_t(i, j) before the factor A_ij),
 *             β̂_t(i) = Σ_j A_ij carried_{t+1}(j),  γ_t = α̂_t ⊙ β̂_t / Σ (α̂_t ⊙ β̂_t),
 *             occupancy += γ_t.
 *
 * Memory (byte offsets passed in, every array f64, row-major, 8-byte aligned): `start` K,
 * `transposed` Aᵀ K×K (the forward sum over i runs along its row j), `transition` A K×K,
 * `previous` K (α̂_{t−1}, carried between calls), `beta` K, `carried` K, `outer` K×K, `occupancy`
 * K; `emission` T×K holding the shifted densities b_t (or, for `forwardLog`, the log-densities,
 * replaced by b_t), `forward` T×K
 * (α̂, turned into γ by the backward pass), `scales` T (c_t), `shifts` T (m_t). The tabulated
 * variants read b_t from `table` (M×K) at row codes[t − codeFirst] (`codes` holds the symbol of
 * each step of the chunk as an f64) and m_t from `symbolShifts` (M) instead of from `emission`.
 * `forwardLog` also reads the tables of ../src/exponential.ts: `fractions` 2^(j/64), j < 64, and
 * `powers` 2^q at q + POWER_OFFSET (the caller writes them once).
 */

// ../src/exponential.ts, operation for operation (WebAssembly does not fuse multiply-adds), so
// b_t is bit-for-bit what the TypeScript loops compute. The constants are its values, printed
// exactly: 64/ln 2, ln2/64 in 36 significant bits, the rest of ln2/64, and 1.5·2^52.
const STEPS_PER_UNIT: f64 = 92.33248261689366;
const STEP_HIGH: f64 = 0.01083042469326756;
const STEP_LOW: f64 = 2.9815858269852933e-12;
const ROUNDER: f64 = 6755399441055744.0;
const LOWER_LIMIT: f64 = -700.0;
const POWER_OFFSET: i32 = 1100;
/** exp(x) rounds to 0 below this. */
const UNDERFLOW: f64 = -746.0;
const EXP_MINUS_50: f64 = 1.9287498479639178e-22;

/**
 * exp(x) for x ≤ 0, as `exponential` of ../src/exponential.ts on [−700, 0]. Below, where that
 * defers to Math.exp, the result is under 1e−304 (b_t relative to the largest b_t(j) = 1):
 * exp(x + 50)·e^−50 down to −746 (within a few units of the subnormal result), 0 beyond; NaN stays
 * NaN (x > 0 cannot occur: m_t is the row's maximum).
 */
@inline
function exponential(x: f64, fractions: usize, powers: usize): f64 {
  if (x >= LOWER_LIMIT && x <= 0) return tabulatedExponential(x, fractions, powers);
  if (x < LOWER_LIMIT) return x < UNDERFLOW ? 0 : tabulatedExponential(x + 50, fractions, powers) * EXP_MINUS_50;
  return NaN;
}

/** exp(x) for −700 ≤ x ≤ 0: 2^q · 2^(j/64) · (Taylor polynomial of exp(r) to r⁶). */
@inline
function tabulatedExponential(x: f64, fractions: usize, powers: usize): f64 {
  const n = x * STEPS_PER_UNIT + ROUNDER - ROUNDER;
  const r = x - n * STEP_HIGH - n * STEP_LOW;
  const r2 = r * r;
  const polynomial = 1 + r + r2 * (0.5 + r * (1.0 / 6.0)) + r2 * r2 * (1.0 / 24.0 + r * (1.0 / 120.0) + r2 * (1.0 / 720.0));
  const steps = <i32>n;
  return load<f64>(fractions + (<usize>(steps & 63) << 3)) * load<f64>(powers + (<usize>((steps >> 6) + POWER_OFFSET) << 3)) * polynomial;
}

/** Σ_{i<k} a_i·b_i, two lanes at a time. */
@inline
function dot(a: usize, b: usize, k: i32): f64 {
  let sum0 = f64x2.splat(0);
  let sum1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= k; i += 4) {
    const at = <usize>i << 3;
    sum0 = f64x2.add(sum0, f64x2.mul(v128.load(a + at), v128.load(b + at)));
    sum1 = f64x2.add(sum1, f64x2.mul(v128.load(a + at, 16), v128.load(b + at, 16)));
  }
  if (i + 2 <= k) {
    const at = <usize>i << 3;
    sum0 = f64x2.add(sum0, f64x2.mul(v128.load(a + at), v128.load(b + at)));
    i += 2;
  }
  sum0 = f64x2.add(sum0, sum1);
  let sum = f64x2.extract_lane(sum0, 0) + f64x2.extract_lane(sum0, 1);
  if (i < k) sum += load<f64>(a + (<usize>i << 3)) * load<f64>(b + (<usize>i << 3));
  return sum;
}

/** Steps first … end − 1; returns the first impossible step (shift not finite, or c_t = 0), or −1. */
@inline
function forwardSteps(
  tabulated: bool,
  logarithmic: bool,
  k: i32,
  first: i32,
  end: i32,
  start: usize,
  transposed: usize,
  emission: usize,
  forward: usize,
  scales: usize,
  shifts: usize,
  previous: usize,
  codes: usize,
  codeFirst: i32,
  table: usize,
  symbolShifts: usize,
  fractions: usize,
  powers: usize,
): i32 {
  const rowBytes = <usize>k << 3;
  for (let t = first; t < end; t++) {
    let densities: usize;
    let shift: f64;
    if (tabulated) {
      const code = <usize>(<i32>load<f64>(codes + (<usize>(t - codeFirst) << 3)));
      densities = table + code * rowBytes;
      shift = load<f64>(symbolShifts + (code << 3));
      store<f64>(shifts + (<usize>t << 3), shift);
    } else if (logarithmic) {
      // m_t = max_j log f_j(x_t), b_t(j) = exp(log f_j(x_t) − m_t) in place.
      densities = emission + <usize>t * rowBytes;
      shift = -Infinity;
      for (let j = 0; j < k; j++) {
        const value = load<f64>(densities + (<usize>j << 3));
        if (value > shift) shift = value;
      }
      store<f64>(shifts + (<usize>t << 3), shift);
      if (!(shift > -Infinity) || shift == Infinity) return t;
      for (let j = 0; j < k; j++) {
        const at = densities + (<usize>j << 3);
        store<f64>(at, exponential(load<f64>(at) - shift, fractions, powers));
      }
    } else {
      densities = emission + <usize>t * rowBytes;
      shift = load<f64>(shifts + (<usize>t << 3));
    }
    if (!(shift > -Infinity) || shift == Infinity) return t;
    const row = forward + <usize>t * rowBytes;
    let scale = 0.0;
    for (let j = 0; j < k; j++) {
      const at = <usize>j << 3;
      const b = load<f64>(densities + at);
      const value = t == 0 ? load<f64>(start + at) * b : dot(previous, transposed + <usize>j * rowBytes, k) * b;
      store<f64>(row + at, value);
      scale += value;
    }
    if (!(scale > 0)) return t;
    store<f64>(scales + (<usize>t << 3), scale);
    const inverse = f64x2.splat(1 / scale);
    let j = 0;
    for (; j + 2 <= k; j += 2) {
      const at = <usize>j << 3;
      const value = f64x2.mul(v128.load(row + at), inverse);
      v128.store(row + at, value);
      v128.store(previous + at, value);
    }
    if (j < k) {
      const at = <usize>j << 3;
      const value = load<f64>(row + at) * f64x2.extract_lane(inverse, 0);
      store<f64>(row + at, value);
      store<f64>(previous + at, value);
    }
  }
  return -1;
}

/** Steps end − 1 down to first (each reads step t + 1). */
@inline
function backwardSteps(
  tabulated: bool,
  k: i32,
  first: i32,
  end: i32,
  transition: usize,
  emission: usize,
  gamma: usize,
  scales: usize,
  beta: usize,
  carried: usize,
  outer: usize,
  occupancy: usize,
  codes: usize,
  codeFirst: i32,
  table: usize,
): void {
  const rowBytes = <usize>k << 3;
  for (let t = end - 1; t >= first; t--) {
    const next = t + 1;
    const inverse = 1 / load<f64>(scales + (<usize>next << 3));
    const densities = tabulated ? table + <usize>(<i32>load<f64>(codes + (<usize>(next - codeFirst) << 3))) * rowBytes : emission + <usize>next * rowBytes;
    for (let j = 0; j < k; j++) {
      const at = <usize>j << 3;
      store<f64>(carried + at, load<f64>(densities + at) * load<f64>(beta + at) * inverse);
    }
    const row = gamma + <usize>t * rowBytes;
    let total = 0.0;
    for (let i = 0; i < k; i++) {
      const alpha = load<f64>(row + (<usize>i << 3));
      const alphas = f64x2.splat(alpha);
      const outerRow = outer + <usize>i * rowBytes;
      let j = 0;
      for (; j + 2 <= k; j += 2) {
        const at = <usize>j << 3;
        v128.store(outerRow + at, f64x2.add(v128.load(outerRow + at), f64x2.mul(alphas, v128.load(carried + at))));
      }
      if (j < k) {
        const at = <usize>j << 3;
        store<f64>(outerRow + at, load<f64>(outerRow + at) + alpha * load<f64>(carried + at));
      }
      const b = dot(transition + <usize>i * rowBytes, carried, k);
      store<f64>(beta + (<usize>i << 3), b);
      const g = alpha * b;
      store<f64>(row + (<usize>i << 3), g);
      total += g;
    }
    // γ_t sums to 1 up to round-off; renormalise so it does exactly.
    const normalizer = 1 / total;
    for (let i = 0; i < k; i++) {
      const at = <usize>i << 3;
      const g = load<f64>(row + at) * normalizer;
      store<f64>(row + at, g);
      store<f64>(occupancy + at, load<f64>(occupancy + at) + g);
    }
  }
}

/** Forward steps first … end − 1 reading b_t and m_t from `emission` and `shifts` (prescaled densities). */
export function forward(k: i32, first: i32, end: i32, start: usize, transposed: usize, emission: usize, forward: usize, scales: usize, shifts: usize, previous: usize): i32 {
  return forwardSteps(false, false, k, first, end, start, transposed, emission, forward, scales, shifts, previous, 0, 0, 0, 0, 0, 0);
}

/** Forward steps first … end − 1 from log-densities in `emission` (shifted, exponentiated and stored back as b_t; m_t into `shifts`). */
export function forwardLog(
  k: i32,
  first: i32,
  end: i32,
  start: usize,
  transposed: usize,
  emission: usize,
  forward: usize,
  scales: usize,
  shifts: usize,
  previous: usize,
  fractions: usize,
  powers: usize,
): i32 {
  return forwardSteps(false, true, k, first, end, start, transposed, emission, forward, scales, shifts, previous, 0, 0, 0, 0, fractions, powers);
}

/** Forward steps first … end − 1 reading b_t from `table` and m_t from `symbolShifts` (stored into `shifts`). */
export function forwardTabulated(
  k: i32,
  first: i32,
  end: i32,
  start: usize,
  transposed: usize,
  forward: usize,
  scales: usize,
  shifts: usize,
  previous: usize,
  codes: usize,
  codeFirst: i32,
  table: usize,
  symbolShifts: usize,
): i32 {
  return forwardSteps(true, false, k, first, end, start, transposed, 0, forward, scales, shifts, previous, codes, codeFirst, table, symbolShifts, 0, 0);
}

/** Backward steps end − 1 … first reading b_{t+1} from `emission`. */
export function backward(k: i32, first: i32, end: i32, transition: usize, emission: usize, gamma: usize, scales: usize, beta: usize, carried: usize, outer: usize, occupancy: usize): void {
  backwardSteps(false, k, first, end, transition, emission, gamma, scales, beta, carried, outer, occupancy, 0, 0, 0);
}

/** Backward steps end − 1 … first reading b_{t+1} from `table` at row codes[t + 1 − codeFirst]. */
export function backwardTabulated(
  k: i32,
  first: i32,
  end: i32,
  transition: usize,
  gamma: usize,
  scales: usize,
  beta: usize,
  carried: usize,
  outer: usize,
  occupancy: usize,
  codes: usize,
  codeFirst: i32,
  table: usize,
): void {
  backwardSteps(true, k, first, end, transition, 0, gamma, scales, beta, carried, outer, occupancy, codes, codeFirst, table);
}
