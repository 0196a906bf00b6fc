// The E-step's per-row log-sum-exp and responsibilities (AssemblyScript, compiled to WebAssembly
// SIMD by tooling/kernels; the TypeScript fallback is mixture-model.ts, and src/mixture/
// responsibilities-simd.ts lays out the memory and calls these functions).
//
//   v_ik = log f_k(x_i) + log π_k,   m_i = max_k v_ik,   s_i = Σ_k e^(v_ik − m_i),
//   r_ik = w_i · e^(v_ik − m_i) / s_i,   acc_k += r_ik,   ℓ += Σ_i w_i · (m_i + log s_i)
//
// with e^(v − m) set to 0 below threshold = negligibleLogRatio(K) (exponential.ts).
//
// Memory (imported; every argument is a byte address, 16-byte aligned):
//   block         rows × K doubles: log-densities in, weighted responsibilities out;
//                 row-major (block[i·K + k], `responsibilities`) or component-major
//                 (block[k·rows + i], `responsibilitiesByComponent`)
//   logWeights    K doubles (+ 8 spare bytes)
//   weights       rows (+ 1 spare) sample weights
//   maxes, sums   rows (+ 1 spare) doubles each: m_i and s_i
//   shifts        rows (+ 1 spare) doubles of work space (component-major only)
//   accumulators  row-major: K (+ 1 spare) doubles; component-major: K pairs of lanes (16 bytes each)
//
// Two values per vector (f64x2). Row-major: two entries of a row per vector, an odd K's last entry
// splatted into both lanes and counted once (lane 0). Component-major: two rows per vector, an odd
// last row splatted and stored from lane 0 only. Every row-wise reduction stays inside its lane.
//
// The exponential is `exponential` of exponential.ts operation for operation (WebAssembly does not
// fuse multiply-adds), so the responsibilities are bit-for-bit those of the TypeScript path; only
// the order in which the per-component sums add up differs.

// Taylor coefficients 1/n! (exponential.ts TAYLOR) and the split ln 2 (LN2_HIGH, LN2_LOW).
const C3: f64 = 1.0 / 6.0;
const C4: f64 = 1.0 / 24.0;
const C5: f64 = 1.0 / 120.0;
const C6: f64 = 1.0 / 720.0;
const C7: f64 = 1.0 / 5040.0;
const C8: f64 = 1.0 / 40320.0;
const C9: f64 = 1.0 / 362880.0;
const C10: f64 = 1.0 / 3628800.0;
const C11: f64 = 1.0 / 39916800.0;
const C12: f64 = 1.0 / 479001600.0;
const C13: f64 = 1.0 / 6227020800.0;
const LN2_HIGH: f64 = 6.9314718036912381649e-1;
const LN2_LOW: f64 = 1.90821492927058770002e-10;
const INVERSE_LN2: f64 = 1.4426950408889634;
/**
 * Inputs are clamped just below LOWEST_NEGLIGIBLE_LOG_RATIO (−600; every threshold is above it and
 * results below the threshold are set to 0): every intermediate stays a normal number and 2^−m is
 * one factor built from its exponent bits.
 */
const CLAMP: f64 = -601.0;
/** 2⁵² as a double, and its bits: m + 2⁵² − bits(2⁵²) is m as a 64-bit integer for 0 ≤ m < 2⁵². */
const TWO_52: f64 = 4503599627370496.0;
const TWO_52_BITS: i64 = 0x4330000000000000;

/**
 * The vector constants: scalars read with v128.load64_splat from a table in the module's data
 * segment (at 1024, below the caller's layout, which starts at dataEnd()). On x64 that is one
 * movddup where V8 builds a v128.const from general registers in several instructions, and the
 * module stays under 4 KB (Chrome refuses larger modules for synchronous compilation on its main
 * thread).
 */
const TABLE = memory.data<f64>([
  CLAMP, 0.5, INVERSE_LN2, TWO_52, LN2_HIGH, LN2_LOW, 1.0, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13,
  // the log series: 1/(2j + 1), j = 0…11; √2; 2⁵² + the exponent bias
  1.0, 1.0 / 3.0, 1.0 / 5.0, 1.0 / 7.0, 1.0 / 9.0, 1.0 / 11.0, 1.0 / 13.0, 1.0 / 15.0, 1.0 / 17.0, 1.0 / 19.0, 1.0 / 21.0, 1.0 / 23.0,
  Math.SQRT2, TWO_52 + 1023.0,
]);
// Positions in TABLE.
const AT_CLAMP = 0, AT_HALF = 1, AT_INVERSE_LN2 = 2, AT_TWO_52 = 3, AT_LN2_HIGH = 4, AT_LN2_LOW = 5, AT_ONE = 6, AT_C3 = 7;
/** C_n is at AT_C3 + n − 3. */
const AT_C = AT_C3 - 3;
/** 1/(2j + 1) is at AT_SERIES + j. */
const AT_SERIES = 18;
const AT_SQRT2 = 30, AT_TWO_52_BIASED = 31;
/** 64-bit integer constants: the bits of 2⁵², the exponent bias, the mantissa mask, the bits of 1.0. */
const INTEGERS = memory.data<i64>([TWO_52_BITS, 1023, 0x000fffffffffffff, 0x3ff0000000000000]);
const AT_TWO_52_BITS = 0, AT_BIAS = 1, AT_MANTISSA = 2, AT_ONE_BITS = 3;

/** TABLE[index] in both lanes. */
// @ts-expect-error: decorator
@inline function constant(index: i32): v128 {
  return v128.load64_splat(TABLE + ((<usize>index) << 3));
}

/** INTEGERS[index] in both lanes. */
// @ts-expect-error: decorator
@inline function integer(index: i32): v128 {
  return v128.load64_splat(INTEGERS + ((<usize>index) << 3));
}

/** value in both lanes (for values outside the hot loops, and 0 and ±∞, which V8 builds cheaply). */
// @ts-expect-error: decorator
@inline function splat(value: f64): v128 {
  return f64x2.splat(value);
}

/** The first byte after the kernel's data: the caller lays its memory out from here (16-byte aligned). */
export function dataEnd(): usize {
  return __heap_base;
}

/** TABLE[a] + r·TABLE[b] */
// @ts-expect-error: decorator
@inline function linear(a: i32, b: i32, r: v128): v128 {
  return f64x2.add(constant(a), f64x2.mul(r, constant(b)));
}

/** (C_a + r·C_(a+1)) + (C_(a+2) + r·C_(a+3))·r² (Estrin's scheme) */
// @ts-expect-error: decorator
@inline function quadratic(a: i32, r: v128, r2: v128): v128 {
  return f64x2.add(linear(AT_C + a, AT_C + a + 1, r), f64x2.mul(linear(AT_C + a + 2, AT_C + a + 3, r), r2));
}

/**
 * e^v per lane for v ≤ 0, −∞ or NaN (NaN stays NaN), 0 below `threshold`: v = max(v, −601),
 * m = ⌊½ − v/ln 2⌋, r = v + m·ln2_high + m·ln2_low, e^r by the degree-13 Taylor polynomial in
 * Estrin's scheme, times 2^−m.
 */
// @ts-expect-error: decorator
@inline function exponential(value: v128, threshold: v128): v128 {
  // Pseudo-maximum: a NaN lane stays NaN.
  const v = f64x2.pmax(value, constant(AT_CLAMP));
  // Floor = truncation: the argument is ≥ ½.
  const m = f64x2.floor(f64x2.sub(constant(AT_HALF), f64x2.mul(v, constant(AT_INVERSE_LN2))));
  const exponent = i64x2.sub(f64x2.add(m, constant(AT_TWO_52)), integer(AT_TWO_52_BITS));
  const r = f64x2.add(f64x2.add(v, f64x2.mul(m, constant(AT_LN2_HIGH))), f64x2.mul(m, constant(AT_LN2_LOW)));
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const s1 = quadratic(4, r, r2);
  const s2 = quadratic(8, r, r2);
  const s3 = linear(AT_C + 12, AT_C + 13, r);
  const high = f64x2.add(s1, f64x2.mul(f64x2.add(s2, f64x2.mul(s3, r4)), r4));
  const p = f64x2.add(constant(AT_ONE), f64x2.add(r, f64x2.add(f64x2.mul(r2, linear(AT_HALF, AT_C3, r)), f64x2.mul(high, r4))));
  // 2^−m from its exponent bits (m ≤ 867: a normal number).
  const scale = i64x2.shl(i64x2.sub(integer(AT_BIAS), exponent), 52);
  return v128.andnot(f64x2.mul(p, scale), f64x2.lt(v, threshold));
}

/**
 * e^v as `exponential`, skipping the polynomial when every lane is below the threshold — most
 * terms of well-separated data, so the branch pays for itself.
 */
// @ts-expect-error: decorator
@inline function term(value: v128, threshold: v128): v128 {
  return i64x2.all_true(f64x2.lt(value, threshold)) ? splat(0) : exponential(value, threshold);
}

/** Lane 0 kept, lane 1 zeroed: an odd K's splatted last entry counted once. */
// @ts-expect-error: decorator
@inline function laneZero(value: v128): v128 {
  return v128.and(value, i64x2(-1, 0));
}

/**
 * Row-major block (block[i·K + k]). Per row: 1. v = block + logWeights, written back, max over the
 * non-NaN entries → maxes; 2. e = e^(v − max) (max taken as 0 unless it is > −∞), written back,
 * their sum → sums; 3. if the sum is > 0, r = e·weight/sum, written back and added to the
 * accumulators; otherwise (an impossible row) the row is set to 0. `shifts` is unused.
 */
export function responsibilities(block: usize, rows: i32, k: i32, logWeights: usize, weights: usize, maxes: usize, sums: usize, accumulators: usize, shifts: usize, threshold: f64): void {
  const limit = splat(threshold);
  const rowBytes = (<usize>k) << 3;
  const pairBytes = rowBytes & ~15;
  const odd = pairBytes < rowBytes;
  const end = block + <usize>rows * rowBytes;
  let rowIndex: usize = 0;
  for (let row = block; row < end; row += rowBytes, rowIndex += 8) {
    // 1. add the log weights; the row's maximum
    let maxima = splat(-Infinity);
    for (let column: usize = 0; column < pairBytes; column += 16) {
      const value = f64x2.add(v128.load(row + column), v128.load(logWeights + column));
      v128.store(row + column, value);
      maxima = f64x2.pmax(maxima, value);
    }
    if (odd) {
      const value = f64x2.add(v128.load64_splat(row + pairBytes), v128.load64_splat(logWeights + pairBytes));
      v128.store64_lane(row + pairBytes, value, 0);
      maxima = f64x2.pmax(maxima, value);
    }
    const rowMax = max<f64>(f64x2.extract_lane(maxima, 0), f64x2.extract_lane(maxima, 1));
    store<f64>(maxes + rowIndex, rowMax);
    const shift = splat(rowMax > -Infinity ? rowMax : 0);
    // 2. exponentials and their sum
    let sumPair = splat(0);
    for (let column: usize = 0; column < pairBytes; column += 16) {
      const value = term(f64x2.sub(v128.load(row + column), shift), limit);
      v128.store(row + column, value);
      sumPair = f64x2.add(sumPair, value);
    }
    if (odd) {
      const value = term(f64x2.sub(v128.load64_splat(row + pairBytes), shift), limit);
      v128.store64_lane(row + pairBytes, value, 0);
      sumPair = f64x2.add(sumPair, laneZero(value));
    }
    const sum = f64x2.extract_lane(sumPair, 0) + f64x2.extract_lane(sumPair, 1);
    store<f64>(sums + rowIndex, sum);
    // 3. responsibilities (or a row of zeros); the accumulators have a spare slot after the last
    // component for the splatted entry's zeroed lane 1.
    if (sum > 0) {
      const scale = splat(load<f64>(weights + rowIndex) / sum);
      for (let column: usize = 0; column < pairBytes; column += 16) {
        const value = f64x2.mul(v128.load(row + column), scale);
        v128.store(row + column, value);
        v128.store(accumulators + column, f64x2.add(v128.load(accumulators + column), value));
      }
      if (odd) {
        const value = f64x2.mul(v128.load64_splat(row + pairBytes), scale);
        v128.store64_lane(row + pairBytes, value, 0);
        v128.store(accumulators + pairBytes, f64x2.add(v128.load(accumulators + pairBytes), laneZero(value)));
      }
    } else {
      for (let column: usize = 0; column < rowBytes; column += 8) store<f64>(row + column, 0);
    }
  }
}

/**
 * Component-major block (block[k·rows + i]): the same three steps, each one sweep down every
 * column, two rows per vector, with the per-row maxima, shifts, sums and scales in their own
 * arrays (contiguous, never a strided access). `shifts` ends holding the per-row scales; the
 * accumulators hold two lanes per component.
 */
export function responsibilitiesByComponent(block: usize, rows: i32, k: i32, logWeights: usize, weights: usize, maxes: usize, sums: usize, accumulators: usize, shifts: usize, threshold: f64): void {
  const limit = splat(threshold);
  const columnBytes = (<usize>rows) << 3;
  const pairEnd = (<usize>(rows & ~1)) << 3;
  const odd = pairEnd < columnBytes;
  const end = block + <usize>k * columnBytes;
  // 0. maxima −∞, sums 0 (rows rounded up to a pair)
  for (let offset: usize = 0; offset < columnBytes; offset += 16) {
    v128.store(maxes + offset, splat(-Infinity));
    v128.store(sums + offset, splat(0));
  }
  // 1. add the log weights; maxima per row
  for (let column = block, logWeight = logWeights; column < end; column += columnBytes, logWeight += 8) {
    const add = v128.load64_splat(logWeight);
    for (let offset: usize = 0; offset < pairEnd; offset += 16) {
      const value = f64x2.add(v128.load(column + offset), add);
      v128.store(column + offset, value);
      v128.store(maxes + offset, f64x2.pmax(v128.load(maxes + offset), value));
    }
    if (odd) {
      const value = f64x2.add(v128.load64_splat(column + pairEnd), add);
      v128.store64_lane(column + pairEnd, value, 0);
      v128.store(maxes + pairEnd, f64x2.pmax(v128.load(maxes + pairEnd), value));
    }
  }
  // shift = max > −∞ ? max : 0 (NaN → 0)
  for (let offset: usize = 0; offset < columnBytes; offset += 16) {
    const max = v128.load(maxes + offset);
    v128.store(shifts + offset, v128.and(max, f64x2.gt(max, splat(-Infinity))));
  }
  // 2. exponentials and their sums; negligible pairs store 0 and leave the sums as they are
  for (let column = block; column < end; column += columnBytes) {
    for (let offset: usize = 0; offset < pairEnd; offset += 16) {
      const value = f64x2.sub(v128.load(column + offset), v128.load(shifts + offset));
      if (i64x2.all_true(f64x2.lt(value, limit))) {
        v128.store(column + offset, splat(0));
      } else {
        const e = exponential(value, limit);
        v128.store(column + offset, e);
        v128.store(sums + offset, f64x2.add(v128.load(sums + offset), e));
      }
    }
    if (odd) {
      const value = f64x2.sub(v128.load64_splat(column + pairEnd), v128.load(shifts + pairEnd));
      if (i64x2.all_true(f64x2.lt(value, limit))) {
        v128.store64_lane(column + pairEnd, splat(0), 0);
      } else {
        const e = exponential(value, limit);
        v128.store64_lane(column + pairEnd, e, 0);
        v128.store(sums + pairEnd, f64x2.add(v128.load(sums + pairEnd), e));
      }
    }
  }
  // scale = sum > 0 ? weight / sum : 0, over the shifts (no longer needed)
  for (let offset: usize = 0; offset < columnBytes; offset += 16) {
    const sum = v128.load(sums + offset);
    v128.store(shifts + offset, v128.and(f64x2.div(v128.load(weights + offset), sum), f64x2.gt(sum, splat(0))));
  }
  // 3. responsibilities (0 where the scale is 0: impossible rows may hold NaN) and their sums
  for (let column = block, accumulator = accumulators; column < end; column += columnBytes, accumulator += 16) {
    let accumulated = splat(0);
    for (let offset: usize = 0; offset < pairEnd; offset += 16) {
      const scale = v128.load(shifts + offset);
      const value = v128.and(f64x2.mul(v128.load(column + offset), scale), f64x2.gt(scale, splat(0)));
      v128.store(column + offset, value);
      accumulated = f64x2.add(accumulated, value);
    }
    if (odd) {
      const scale = v128.load(shifts + pairEnd);
      const value = v128.and(f64x2.mul(v128.load64_splat(column + pairEnd), scale), f64x2.gt(scale, splat(0)));
      v128.store64_lane(column + pairEnd, value, 0);
      accumulated = f64x2.add(accumulated, laneZero(value));
    }
    v128.store(accumulator, f64x2.add(v128.load(accumulator), accumulated));
  }
}

/**
 * out[0..1] (two lanes) += Σ w_i·(max_i + log sum_i) over the rows whose sum is > 0, and out[2..3]
 * (two i64 lanes) += the number of rows with weight > 0 whose sum is not (impossible rows); two rows
 * per vector, `pairs` vectors. log s for s ≥ 1: s = 2^e·m with m in [√½, √2), log m = 2·atanh(t),
 * t = (m − 1)/(m + 1), |t| ≤ 0.172, by its odd series to t²³ (truncation below 10⁻¹⁸ relative;
 * Estrin's scheme), plus e·ln 2 in two parts.
 */
export function logLikelihood(maxes: usize, sums: usize, weights: usize, pairs: i32, out: usize): void {
  const end = (<usize>pairs) << 4;
  let total = v128.load(out);
  let impossible = v128.load(out, 16);
  for (let offset: usize = 0; offset < end; offset += 16) {
    let sum = v128.load(sums + offset);
    const good = f64x2.gt(sum, splat(0));
    const weight = v128.load(weights + offset);
    // impossible rows with weight > 0: lanes of −1 (all ones) subtracted from the count
    impossible = i64x2.sub(impossible, v128.andnot(f64x2.gt(weight, splat(0)), good));
    // e (as a double, through 2⁵² + biased exponent) and m in [1, 2); an impossible row's sum is replaced by 1
    sum = v128.bitselect(sum, constant(AT_ONE), good);
    let exponent = f64x2.sub(v128.or(i64x2.shr_u(sum, 52), integer(AT_TWO_52_BITS)), constant(AT_TWO_52_BIASED));
    let mantissa = v128.or(v128.and(sum, integer(AT_MANTISSA)), integer(AT_ONE_BITS));
    const big = f64x2.gt(mantissa, constant(AT_SQRT2));
    mantissa = v128.bitselect(f64x2.mul(mantissa, constant(AT_HALF)), mantissa, big);
    exponent = f64x2.add(exponent, v128.and(constant(AT_ONE), big));
    const t = f64x2.div(f64x2.sub(mantissa, constant(AT_ONE)), f64x2.add(mantissa, constant(AT_ONE)));
    const t2 = f64x2.mul(t, t);
    // 1 + t²/3 + t⁴/5 + … + t²²/23 in Estrin's scheme (u = t²): pairs 1/(4j+1) + u/(4j+3), joined by u², u⁴, u⁸.
    const u2 = f64x2.mul(t2, t2);
    const u4 = f64x2.mul(u2, u2);
    const u8 = f64x2.mul(u4, u4);
    const p0 = linear(AT_SERIES, AT_SERIES + 1, t2);
    const p1 = linear(AT_SERIES + 2, AT_SERIES + 3, t2);
    const p2 = linear(AT_SERIES + 4, AT_SERIES + 5, t2);
    const p3 = linear(AT_SERIES + 6, AT_SERIES + 7, t2);
    const p4 = linear(AT_SERIES + 8, AT_SERIES + 9, t2);
    const p5 = linear(AT_SERIES + 10, AT_SERIES + 11, t2);
    const low = f64x2.add(f64x2.add(p0, f64x2.mul(p1, u2)), f64x2.mul(f64x2.add(p2, f64x2.mul(p3, u2)), u4));
    const series = f64x2.add(low, f64x2.mul(f64x2.add(p4, f64x2.mul(p5, u2)), u8));
    // total += good ? w·(max + (e·ln2_high + (2t·P + e·ln2_low))) : 0
    const logSum = f64x2.add(f64x2.mul(exponent, constant(AT_LN2_HIGH)), f64x2.add(f64x2.mul(f64x2.add(t, t), series), f64x2.mul(exponent, constant(AT_LN2_LOW))));
    total = f64x2.add(total, v128.and(f64x2.mul(weight, f64x2.add(v128.load(maxes + offset), logSum)), good));
  }
  v128.store(out, total);
  v128.store(out, impossible, 16);
}
