/**
 * The E-step's per-row log-sum-exp and responsibilities as a WebAssembly SIMD kernel (f64x2).
 *
 * A mixture's fused pass (mixture-model.ts) spends much of its time here: per row, add the log
 * weights, take the maximum, K exponentials, normalise, weigh, and add the responsibilities to
 * the per-component weight sums. The kernel takes two rows per step — lane 0 one row, lane 1 the
 * next — so every row-wise reduction (maximum, sum) stays inside its lane and any K works without
 * a tail. Its exponential is the same Taylor–Estrin evaluation as `exponential` in
 * exponential.ts, instruction for instruction (WebAssembly does not fuse multiply-adds), so the
 * responsibilities are bit-for-bit those of the TypeScript path; only the order in which the
 * weight sums add up differs.
 *
 * The block of log-densities lives in the kernel's memory: the family writes into a Float64Array
 * view of it and the family's `accumulate` reads the responsibilities from the same view, so no
 * block is ever copied. Each arena (memory + instance) serves one pass at a time; a small pool
 * hands out arenas, so a nested pass (a mixture inside a family) gets its own.
 */
import { INVERSE_LN2, LN2_HIGH, LN2_LOW, LOWEST_NEGLIGIBLE_LOG_RATIO, TAYLOR, negligibleLogRatio } from './exponential.js';
import { F64, I32, V128, increment, moduleWithImportedMemory, op, simdSupported, whileBelow, type FunctionBody } from '../wasm/assembler.js';

const PAGE = 65536;

const { C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13 } = TAYLOR;
/**
 * Inputs are clamped just below LOWEST_NEGLIGIBLE_LOG_RATIO (every threshold is above it, and
 * results below the threshold are set to 0): every intermediate stays a normal number (no
 * subnormal slow path) and 2^−m needs one factor.
 */
const CLAMP = LOWEST_NEGLIGIBLE_LOG_RATIO - 1;

// Locals of the kernel: parameters, then i32, f64 and v128 work.
const [BLOCK, ROWS, K, LOG_WEIGHTS, WEIGHTS, MAXES, SUMS, ACCUMULATORS] = [0, 1, 2, 3, 4, 5, 6, 7];
const [ROW, ROW_END, ROW_BYTES, PAIR_BYTES, COLUMN, ROW_INDEX, ADDRESS] = [8, 9, 10, 11, 12, 13, 14];
const [MAX, SUM] = [15, 16];
const [VALUE, MAXIMA, SHIFT, SUMS_V, SCALE, REDUCED, REDUCED2, REDUCED4, EXPONENT, TAIL] = [17, 18, 19, 20, 21, 22, 23, 24, 25, 26];

/**
 * The kernel's vector constants live in a table at byte 0 of its memory: a v128.load from a fixed
 * address is one instruction, where V8 builds a v128.const from general registers in several.
 */
const constantTable: Array<Float64Array | BigInt64Array> = [new Float64Array(2)];

/** Entry 0 is not a constant: `prepare` writes negligibleLogRatio(K) there (both lanes). */
const threshold = (): number[] => [...op.i32(0), ...op.v128Load(0)];

function tableEntry(entry: Float64Array | BigInt64Array): number[] {
  const bytes = new Uint8Array(entry.buffer);
  let index = constantTable.findIndex((known, i) => i > 0 && new Uint8Array(known.buffer).every((byte, j) => byte === bytes[j]));
  if (index < 0) index = constantTable.push(entry) - 1;
  return [...op.i32(0), ...op.v128Load(index * 16)];
}

/** All ones in lane 0, zeros in lane 1 (a mask keeping lane 0), from the constant table. */
const laneZero = (): number[] => tableEntry(new Float64Array(new BigInt64Array([-1n, 0n]).buffer));

/** Both lanes `value`, from the constant table. */
const constant = (value: number): number[] => tableEntry(new Float64Array([value, value]));
/** Both lanes the 64-bit integer `value`, from the constant table. */
const integerConstant = (value: bigint): number[] => tableEntry(new BigInt64Array([value, value]));

/** ADDRESS = ROW + COLUMN, left on the stack as well. */
const rowColumn = [...op.get(ROW), ...op.get(COLUMN), ...op.i32Add, ...op.tee(ADDRESS)];

/** for (COLUMN = 0; COLUMN < PAIR_BYTES; COLUMN += 16) body — the row's entries two at a time. */
function overPairs(body: readonly number[]): number[] {
  return [...op.i32(0), ...op.set(COLUMN), ...whileBelow(COLUMN, PAIR_BYTES, [...body, ...increment(COLUMN, 16)])];
}

/** if (PAIR_BYTES < ROW_BYTES) body, with COLUMN = PAIR_BYTES: the last entry of a row of odd K. */
function oddTail(body: readonly number[]): number[] {
  return [...op.get(PAIR_BYTES), ...op.get(ROW_BYTES), ...op.i32LtU, ...op.if, ...op.get(PAIR_BYTES), ...op.set(COLUMN), ...body, ...op.end];
}

/** The larger lane of local `vector` (NaN if either is NaN). */
function laneMax(vector: number): number[] {
  return [...op.get(vector), ...op.f64x2ExtractLane(0), ...op.get(vector), ...op.f64x2ExtractLane(1), ...op.f64Max];
}

/**
 * e^VALUE per lane, left on the stack (VALUE ≤ 0, −∞ or NaN; NaN stays NaN), 0 below the
 * threshold negligibleLogRatio(K) (exponential.ts: no subnormal numbers anywhere). v = max(v, −601),
 * m = ⌊½ − v/ln 2⌋, r = v + m·ln2_high + m·ln2_low, e^r by the degree-13 Taylor polynomial in
 * Estrin's scheme, times 2^−m built from its exponent bits.
 */
/** a + r·b on the stack (r = REDUCED). */
function linear(a: number, b: number): number[] {
  return [...constant(a), ...op.get(REDUCED), ...constant(b), ...op.f64x2Mul, ...op.f64x2Add];
}

/** (a + r·b) + (c + r·d)·r² on the stack (Estrin's scheme, r² = REDUCED2). */
function quadratic(a: number, b: number, c: number, d: number): number[] {
  return [...linear(a, b), ...linear(c, d), ...op.get(REDUCED2), ...op.f64x2Mul, ...op.f64x2Add];
}

function exponentialOfValue(): number[] {
  const twoToMinus = (exponent: number[]): number[] => [...integerConstant(1023n), ...exponent, ...op.i64x2Sub, ...op.i32(52), ...op.i64x2Shl];
  return [
    // v < −746 ? −746 : v (pseudo-maximum: NaN stays NaN)
    ...op.get(VALUE),
    ...constant(CLAMP),
    ...op.f64x2Pmax,
    ...op.set(VALUE),
    // m as a double in REDUCED4 for the moment (floor = truncation: the argument is ≥ ½).
    ...constant(0.5),
    ...op.get(VALUE),
    ...constant(INVERSE_LN2),
    ...op.f64x2Mul,
    ...op.f64x2Sub,
    ...op.f64x2Floor,
    ...op.set(REDUCED4),
    // m as 64-bit integers (the bits of m + 2⁵² minus those of 2⁵², exact for 0 ≤ m < 2⁵²).
    ...op.get(REDUCED4),
    ...constant(2 ** 52),
    ...op.f64x2Add,
    ...integerConstant(0x4330000000000000n),
    ...op.i64x2Sub,
    ...op.set(EXPONENT),
    // r = (v + m·ln2_high) + m·ln2_low
    ...op.get(VALUE),
    ...op.get(REDUCED4),
    ...constant(LN2_HIGH),
    ...op.f64x2Mul,
    ...op.f64x2Add,
    ...op.get(REDUCED4),
    ...constant(LN2_LOW),
    ...op.f64x2Mul,
    ...op.f64x2Add,
    ...op.tee(REDUCED),
    ...op.get(REDUCED),
    ...op.f64x2Mul,
    ...op.tee(REDUCED2),
    ...op.get(REDUCED2),
    ...op.f64x2Mul,
    ...op.set(REDUCED4),
    // s1 = (C4 + r·C5) + (C6 + r·C7)·r²
    ...quadratic(C4, C5, C6, C7),
    // s2 = (C8 + r·C9) + (C10 + r·C11)·r²
    ...quadratic(C8, C9, C10, C11),
    // s3·r⁴ = (C12 + r·C13)·r⁴; high = s1 + (s2 + s3·r⁴)·r⁴; TAIL = high·r⁴
    ...linear(C12, C13),
    ...op.get(REDUCED4),
    ...op.f64x2Mul,
    ...op.f64x2Add,
    ...op.get(REDUCED4),
    ...op.f64x2Mul,
    ...op.f64x2Add,
    ...op.get(REDUCED4),
    ...op.f64x2Mul,
    ...op.set(TAIL),
    // p = 1 + (r + (r²·(½ + r·C3) + TAIL))
    ...constant(1),
    ...op.get(REDUCED),
    ...op.get(REDUCED2),
    ...constant(0.5),
    ...op.get(REDUCED),
    ...constant(C3),
    ...op.f64x2Mul,
    ...op.f64x2Add,
    ...op.f64x2Mul,
    ...op.get(TAIL),
    ...op.f64x2Add,
    ...op.f64x2Add,
    ...op.f64x2Add,
    // p · 2^−m (m ≤ 867: a normal number), then 0 where v is below the threshold (NaN stays NaN)
    ...twoToMinus(op.get(EXPONENT)),
    ...op.f64x2Mul,
    ...op.get(VALUE),
    ...threshold(),
    ...op.f64x2Lt,
    ...op.v128AndNot,
  ];
}

/**
 * VALUE = e^VALUE per lane (0 below the threshold), skipping the exponential altogether when
 * every lane is below it — most terms of well-separated data, so the branch pays for itself.
 */
function exponentiateValue(): number[] {
  return [...negligible(), ...op.if, ...constant(0), ...op.set(VALUE), ...op.else, ...exponentialOfValue(), ...op.set(VALUE), ...op.end];
}

/** 1 if every lane of VALUE is below the threshold (NaN is not), else 0. */
function negligible(): number[] {
  return [...op.get(VALUE), ...threshold(), ...op.f64x2Lt, ...op.i64x2AllTrue];
}

/**
 * responsibilities(block, rows, k, logWeights, weights, maxes, sums, accumulators), byte
 * addresses; row-major rows of K doubles, taken two entries per vector (an odd K's last entry
 * splatted into both lanes and counted once). Per row:
 *  1. v = block + logWeights, written back; max over the non-NaN entries → maxes;
 *  2. e = exp(v − max) (max taken as 0 unless it is > −∞), written back; their sum → sums;
 *  3. if the sum is > 0: r = e · weight / sum, written back and added to the per-component
 *     accumulators; otherwise (an impossible row) the row is set to 0.
 */
function responsibilitiesBody(): FunctionBody {
  const load = (tail: boolean): number[] => [...rowColumn, ...(tail ? op.v128Load64Splat() : op.v128Load())];
  const store = (tail: boolean): number[] => [...op.get(ADDRESS), ...op.get(VALUE), ...(tail ? op.v128Store64Lane(0) : op.v128Store())];
  /** VALUE, or its lane 0 alone for the splatted last entry (so it is counted once). */
  const counted = (tail: boolean): number[] => [...op.get(VALUE), ...(tail ? [...laneZero(), ...op.v128And] : [])];
  /** The row's entries two at a time, then an odd K's last one splatted: cell(tail). */
  const overRow = (cell: (tail: boolean) => number[]): number[] => [...overPairs(cell(false)), ...oddTail(cell(true))];
  const logWeight = (tail: boolean): number[] => [...op.get(LOG_WEIGHTS), ...op.get(COLUMN), ...op.i32Add, ...(tail ? op.v128Load64Splat() : op.v128Load())];
  const accumulator = [...op.get(ACCUMULATORS), ...op.get(COLUMN), ...op.i32Add, ...op.tee(ADDRESS)];
  const perRow = (base: number): number[] => [...op.get(base), ...op.get(ROW_INDEX), ...op.i32Add];
  const code = [
    ...op.get(K),
    ...op.i32(3),
    ...op.i32Shl,
    ...op.tee(ROW_BYTES),
    ...op.i32(-16),
    ...op.i32And,
    ...op.set(PAIR_BYTES),
    ...op.get(BLOCK),
    ...op.tee(ROW),
    ...op.get(ROWS),
    ...op.get(ROW_BYTES),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.set(ROW_END),
    ...op.i32(0),
    ...op.set(ROW_INDEX),
    ...whileBelow(ROW, ROW_END, [
      // 1. add the log weights; the row's maximum
      ...constant(-Infinity),
      ...op.set(MAXIMA),
      ...overRow((tail) => [
        ...load(tail),
        ...logWeight(tail),
        ...op.f64x2Add,
        ...op.set(VALUE),
        ...store(tail),
        ...op.get(MAXIMA),
        ...op.get(VALUE),
        ...op.f64x2Pmax,
        ...op.set(MAXIMA),
      ]),
      ...perRow(MAXES),
      ...laneMax(MAXIMA),
      ...op.tee(MAX),
      ...op.f64Store(),
      // shift = max > −∞ ? max : 0 (NaN → 0)
      ...op.get(MAX),
      ...op.f64(0),
      ...op.get(MAX),
      ...op.f64(-Infinity),
      ...op.f64Gt,
      ...op.select,
      ...op.f64x2Splat,
      ...op.set(SHIFT),
      // 2. exponentials and their sum
      ...constant(0),
      ...op.set(SUMS_V),
      ...overRow((tail) => [
        ...load(tail),
        ...op.get(SHIFT),
        ...op.f64x2Sub,
        ...op.set(VALUE),
        ...exponentiateValue(),
        ...store(tail),
        ...op.get(SUMS_V),
        ...counted(tail),
        ...op.f64x2Add,
        ...op.set(SUMS_V),
      ]),
      ...op.get(SUMS_V),
      ...op.f64x2ExtractLane(0),
      ...op.get(SUMS_V),
      ...op.f64x2ExtractLane(1),
      ...op.f64Add,
      ...op.set(SUM),
      ...perRow(SUMS),
      ...op.get(SUM),
      ...op.f64Store(),
      // 3. responsibilities (or a row of zeros); the accumulators have a spare slot after the
      // last component for the splatted entry's zeroed lane 1.
      ...op.get(SUM),
      ...op.f64(0),
      ...op.f64Gt,
      ...op.if,
      ...perRow(WEIGHTS),
      ...op.f64Load(),
      ...op.get(SUM),
      ...op.f64Div,
      ...op.f64x2Splat,
      ...op.set(SCALE),
      ...overRow((tail) => [
        ...load(tail),
        ...op.get(SCALE),
        ...op.f64x2Mul,
        ...op.set(VALUE),
        ...store(tail),
        ...accumulator,
        ...op.get(ADDRESS),
        ...op.v128Load(),
        ...counted(tail),
        ...op.f64x2Add,
        ...op.v128Store(),
      ]),
      ...op.else,
      ...op.i32(0),
      ...op.set(COLUMN),
      ...whileBelow(COLUMN, ROW_BYTES, [...rowColumn, ...op.f64(0), ...op.f64Store(), ...increment(COLUMN, 8)]),
      ...op.end,
      ...increment(ROW, op.get(ROW_BYTES)),
      ...increment(ROW_INDEX, 8),
    ]),
  ];
  return { params: 8, locals: [I32, I32, I32, I32, I32, I32, I32, F64, F64, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128], code };
}


// The component-major kernel: parameters as above plus SHIFTS; i32 work 9–16; v128 17–29 (the
// exponential's locals keep their indices).
const SHIFTS = 8;
const [COLUMN_BYTES, ROW_OFFSET, PAIR_END, CELL, COMPONENT_END, LOG_WEIGHT, ACCUMULATOR, CELL_ADDRESS] = [9, 10, 11, 12, 13, 14, 15, 16];
const [ACCUMULATED, LOG_WEIGHT_SPLAT] = [28, 29];

/**
 * responsibilitiesByComponent(block, rows, k, logWeights, weights, maxes, sums, accumulators,
 * shifts): the same three steps with the block component-major (K columns of `rows` doubles),
 * each step one sweep down every column, two rows per vector, with the per-row maxima, shifts,
 * sums and scales in their own arrays (contiguous, never a strided access). An odd last row is
 * handled by splatting its entry and storing lane 0 only. The shifts array then holds the
 * per-row scales. The accumulators hold two lanes per component (16 bytes).
 */
function responsibilitiesByComponentBody(): FunctionBody {
  const rowAt = (base: number): number[] => [...op.get(base), ...op.get(ROW_OFFSET), ...op.i32Add];
  /** for (ROW_OFFSET = 0; ROW_OFFSET < limit; ROW_OFFSET += 16) body */
  const overRows = (limit: number, body: readonly number[]): number[] => [...op.i32(0), ...op.set(ROW_OFFSET), ...whileBelow(ROW_OFFSET, limit, [...body, ...increment(ROW_OFFSET, 16)])];
  /** Every column: the pairs of rows, then the odd last row (cell(true)) if there is one. */
  const overCells = (perColumn: readonly number[], cell: (tail: boolean) => number[], afterColumn: readonly number[]): number[] => [
    ...op.get(BLOCK),
    ...op.set(CELL),
    ...op.get(LOG_WEIGHTS),
    ...op.set(LOG_WEIGHT),
    ...op.get(ACCUMULATORS),
    ...op.set(ACCUMULATOR),
    ...whileBelow(CELL, COMPONENT_END, [
      ...perColumn,
      ...overRows(PAIR_END, cell(false)),
      ...op.get(PAIR_END),
      ...op.get(COLUMN_BYTES),
      ...op.i32LtU,
      ...op.if,
      ...op.get(PAIR_END),
      ...op.set(ROW_OFFSET),
      ...cell(true),
      ...op.end,
      ...afterColumn,
      ...increment(CELL, op.get(COLUMN_BYTES)),
      ...increment(LOG_WEIGHT, 8),
      ...increment(ACCUMULATOR, 16),
    ]),
  ];
  const address = [...op.get(CELL), ...op.get(ROW_OFFSET), ...op.i32Add, ...op.tee(CELL_ADDRESS)];
  const load = (tail: boolean): number[] => [...address, ...(tail ? op.v128Load64Splat() : op.v128Load())];
  const store = (tail: boolean, value: number): number[] => [...op.get(CELL_ADDRESS), ...op.get(value), ...(tail ? op.v128Store64Lane(0) : op.v128Store())];
  const code = [
    ...op.get(ROWS),
    ...op.i32(3),
    ...op.i32Shl,
    ...op.set(COLUMN_BYTES),
    ...op.get(ROWS),
    ...op.i32(-2),
    ...op.i32And,
    ...op.i32(3),
    ...op.i32Shl,
    ...op.set(PAIR_END),
    ...op.get(BLOCK),
    ...op.get(K),
    ...op.get(COLUMN_BYTES),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.set(COMPONENT_END),
    // 0. maxima −∞, sums 0 (rows rounded up to a pair)
    ...overRows(COLUMN_BYTES, [...rowAt(MAXES), ...constant(-Infinity), ...op.v128Store(), ...rowAt(SUMS), ...constant(0), ...op.v128Store()]),
    // 1. add the log weights; maxima per row
    ...overCells([...op.get(LOG_WEIGHT), ...op.v128Load64Splat(), ...op.set(LOG_WEIGHT_SPLAT)], (tail) => [
      ...load(tail),
      ...op.get(LOG_WEIGHT_SPLAT),
      ...op.f64x2Add,
      ...op.set(VALUE),
      ...store(tail, VALUE),
      ...rowAt(MAXES),
      ...rowAt(MAXES),
      ...op.v128Load(),
      ...op.get(VALUE),
      ...op.f64x2Pmax,
      ...op.v128Store(),
    ], []),
    // shift = max > −∞ ? max : 0
    ...overRows(COLUMN_BYTES, [...rowAt(SHIFTS), ...rowAt(MAXES), ...op.v128Load(), ...op.tee(MAXIMA), ...op.get(MAXIMA), ...constant(-Infinity), ...op.f64x2Gt, ...op.v128And, ...op.v128Store()]),
    // 2. exponentials and their sums
    ...overCells([], (tail) => [
      ...load(tail),
      ...rowAt(SHIFTS),
      ...op.v128Load(),
      ...op.f64x2Sub,
      ...op.set(VALUE),
      // negligible lanes only: store 0, the sums unchanged; else e^v, stored and summed
      ...negligible(),
      ...op.if,
      ...constant(0),
      ...op.set(VALUE),
      ...store(tail, VALUE),
      ...op.else,
      ...exponentialOfValue(),
      ...op.set(VALUE),
      ...store(tail, VALUE),
      ...rowAt(SUMS),
      ...rowAt(SUMS),
      ...op.v128Load(),
      ...op.get(VALUE),
      ...op.f64x2Add,
      ...op.v128Store(),
      ...op.end,
    ], []),
    // scale = sum > 0 ? weight / sum : 0, over the shifts (no longer needed)
    ...overRows(COLUMN_BYTES, [
      ...rowAt(SHIFTS),
      ...rowAt(WEIGHTS),
      ...op.v128Load(),
      ...rowAt(SUMS),
      ...op.v128Load(),
      ...op.tee(SUMS_V),
      ...op.f64x2Div,
      ...op.get(SUMS_V),
      ...constant(0),
      ...op.f64x2Gt,
      ...op.v128And,
      ...op.v128Store(),
    ]),
    // 3. responsibilities (0 where the scale is 0: impossible rows may hold NaN) and their sums
    ...overCells([...constant(0), ...op.set(ACCUMULATED)], (tail) => [
      ...rowAt(SHIFTS),
      ...op.v128Load(),
      ...op.set(SCALE),
      ...load(tail),
      ...op.get(SCALE),
      ...op.f64x2Mul,
      ...op.get(SCALE),
      ...constant(0),
      ...op.f64x2Gt,
      ...op.v128And,
      ...op.set(VALUE),
      ...store(tail, VALUE),
      ...op.get(ACCUMULATED),
      ...op.get(VALUE),
      ...(tail ? [...laneZero(), ...op.v128And] : []),
      ...op.f64x2Add,
      ...op.set(ACCUMULATED),
    ], [...op.get(ACCUMULATOR), ...op.get(ACCUMULATOR), ...op.v128Load(), ...op.get(ACCUMULATED), ...op.f64x2Add, ...op.v128Store()]),
  ];
  return { params: 9, locals: [I32, I32, I32, I32, I32, I32, I32, I32, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128], code };
}

// The log-likelihood kernel's locals.
const [LL_MAXES, LL_SUMS, LL_WEIGHTS, LL_PAIRS, LL_OUT] = [0, 1, 2, 3, 4];
const [LL_OFFSET, LL_END] = [5, 6];
const [LL_SUM, LL_EXPONENT, LL_MANTISSA, LL_BIG, LL_T, LL_T2, LL_POLYNOMIAL, LL_TOTAL, LL_IMPOSSIBLE, LL_WEIGHT, LL_GOOD, LL_U2, LL_U4, LL_U8] = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];

/**
 * logLikelihood(maxes, sums, weights, pairs, out), two rows per vector: out[0..1] (two lanes)
 * += Σ w_i·(max_i + log sum_i) over the rows whose sum is > 0, and out[2..3] (two i64 lanes)
 * += the number of rows with weight > 0 whose sum is not (impossible rows). log s for s ≥ 1:
 * s = 2^e·m with m in [√½, √2), log m = 2·atanh(t) with t = (m − 1)/(m + 1), |t| ≤ 0.172, by
 * its odd series to t²³ (truncation below 10⁻¹⁸ relative; Estrin's scheme), plus e·ln 2 in two parts.
 */
function logLikelihoodBody(): FunctionBody {
  const at = (base: number): number[] => [...op.get(base), ...op.get(LL_OFFSET), ...op.i32Add];
  // 1 + t²/3 + t⁴/5 + … + t²²/23 in Estrin's scheme (u = t²; short dependency chains, where
  // Horner's 11 dependent steps kept the loop waiting): pairs c_2j + c_2j+1·u, joined by u², u⁴, u⁸.
  const coefficient = (j: number): number => 1 / (2 * j + 1);
  const pair = (j: number): number[] => [...constant(coefficient(2 * j)), ...op.get(LL_T2), ...constant(coefficient(2 * j + 1)), ...op.f64x2Mul, ...op.f64x2Add];
  const join = (low: number[], high: number[], power: number): number[] => [...low, ...high, ...op.get(power), ...op.f64x2Mul, ...op.f64x2Add];
  const series = [
    ...op.get(LL_T2),
    ...op.get(LL_T2),
    ...op.f64x2Mul,
    ...op.tee(LL_U2),
    ...op.get(LL_U2),
    ...op.f64x2Mul,
    ...op.tee(LL_U4),
    ...op.get(LL_U4),
    ...op.f64x2Mul,
    ...op.set(LL_U8),
    ...join(join(join(pair(0), pair(1), LL_U2), join(pair(2), pair(3), LL_U2), LL_U4), join(pair(4), pair(5), LL_U2), LL_U8),
  ];
  const code = [
    ...op.get(LL_PAIRS),
    ...op.i32(4),
    ...op.i32Shl,
    ...op.set(LL_END),
    ...op.get(LL_OUT),
    ...op.v128Load(),
    ...op.set(LL_TOTAL),
    ...op.get(LL_OUT),
    ...op.v128Load(16),
    ...op.set(LL_IMPOSSIBLE),
    ...op.i32(0),
    ...op.set(LL_OFFSET),
    ...whileBelow(LL_OFFSET, LL_END, [
      ...at(LL_SUMS),
      ...op.v128Load(),
      ...op.tee(LL_SUM),
      ...constant(0),
      ...op.f64x2Gt,
      ...op.set(LL_GOOD),
      ...at(LL_WEIGHTS),
      ...op.v128Load(),
      ...op.set(LL_WEIGHT),
      // impossible rows with weight > 0: lanes of −1 (all ones) subtracted from the count
      ...op.get(LL_IMPOSSIBLE),
      ...op.get(LL_WEIGHT),
      ...constant(0),
      ...op.f64x2Gt,
      ...op.get(LL_GOOD),
      ...op.v128AndNot,
      ...op.i64x2Sub,
      ...op.set(LL_IMPOSSIBLE),
      // e (as a double, through 2⁵² + biased exponent) and m in [1, 2); an impossible row's sum is replaced by 1
      ...op.get(LL_SUM),
      ...constant(1),
      ...op.get(LL_GOOD),
      ...op.v128Bitselect,
      ...op.tee(LL_SUM),
      ...op.i32(52),
      ...op.i64x2ShrU,
      ...integerConstant(0x4330000000000000n),
      ...op.v128Or,
      ...constant(2 ** 52 + 1023),
      ...op.f64x2Sub,
      ...op.set(LL_EXPONENT),
      ...op.get(LL_SUM),
      ...integerConstant(0x000fffffffffffffn),
      ...op.v128And,
      ...integerConstant(0x3ff0000000000000n),
      ...op.v128Or,
      ...op.tee(LL_MANTISSA),
      ...constant(Math.SQRT2),
      ...op.f64x2Gt,
      ...op.set(LL_BIG),
      ...op.get(LL_MANTISSA),
      ...constant(0.5),
      ...op.f64x2Mul,
      ...op.get(LL_MANTISSA),
      ...op.get(LL_BIG),
      ...op.v128Bitselect,
      ...op.set(LL_MANTISSA),
      ...op.get(LL_EXPONENT),
      ...constant(1),
      ...op.get(LL_BIG),
      ...op.v128And,
      ...op.f64x2Add,
      ...op.set(LL_EXPONENT),
      // t = (m − 1)/(m + 1)
      ...op.get(LL_MANTISSA),
      ...constant(1),
      ...op.f64x2Sub,
      ...op.get(LL_MANTISSA),
      ...constant(1),
      ...op.f64x2Add,
      ...op.f64x2Div,
      ...op.tee(LL_T),
      ...op.get(LL_T),
      ...op.f64x2Mul,
      ...op.set(LL_T2),
      ...series,
      ...op.set(LL_POLYNOMIAL),
      // total += good ? w·(max + (e·ln2_high + (2t·P + e·ln2_low))) : 0
      ...op.get(LL_TOTAL),
      ...op.get(LL_WEIGHT),
      ...at(LL_MAXES),
      ...op.v128Load(),
      ...op.get(LL_EXPONENT),
      ...constant(LN2_HIGH),
      ...op.f64x2Mul,
      ...op.get(LL_T),
      ...op.get(LL_T),
      ...op.f64x2Add,
      ...op.get(LL_POLYNOMIAL),
      ...op.f64x2Mul,
      ...op.get(LL_EXPONENT),
      ...constant(LN2_LOW),
      ...op.f64x2Mul,
      ...op.f64x2Add,
      ...op.f64x2Add,
      ...op.f64x2Add,
      ...op.f64x2Mul,
      ...op.get(LL_GOOD),
      ...op.v128And,
      ...op.f64x2Add,
      ...op.set(LL_TOTAL),
      ...increment(LL_OFFSET, 16),
    ]),
    ...op.get(LL_OUT),
    ...op.get(LL_TOTAL),
    ...op.v128Store(),
    ...op.get(LL_OUT),
    ...op.get(LL_IMPOSSIBLE),
    ...op.v128Store(16),
  ];
  return { params: 5, locals: [I32, I32, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128], code };
}

type Kernel = (block: number, rows: number, k: number, logWeights: number, weights: number, maxes: number, sums: number, accumulators: number, shifts: number) => void;

let compiled: WebAssembly.Module | undefined;
let disabled = false;
let unavailable = false;

/**
 * The kernel module's bytes, kept under 4 KB: Chrome has limited synchronous compilation on the
 * main thread to modules of that size (not every version enforces it; a test checks the size).
 */
export function responsibilitiesModuleBytes(): Uint8Array<ArrayBuffer> {
  return moduleWithImportedMemory([
    ['responsibilities', responsibilitiesBody()],
    ['responsibilitiesByComponent', responsibilitiesByComponentBody()],
    ['logLikelihood', logLikelihoodBody()],
  ]);
}

function compile(): WebAssembly.Module | undefined {
  if (compiled !== undefined || unavailable) return compiled;
  try {
    if (!simdSupported()) throw new Error('no SIMD');
    compiled = new WebAssembly.Module(responsibilitiesModuleBytes());
  } catch {
    unavailable = true;
  }
  return compiled;
}

/** Turns the SIMD kernel off (true) or back on; for tests comparing it with the TypeScript loops. */
export function disableSimdResponsibilities(disable: boolean): void {
  disabled = disable;
}

/**
 * One kernel instance with its memory: the constant table, a block of `capacity` rows × K, the
 * log weights, per-row sample weights, maxima and sums, and the weight sums per component.
 */
export class ResponsibilityArena {
  private readonly memory: WebAssembly.Memory;
  private readonly rowMajor: Kernel;
  private readonly componentMajor: Kernel;
  private readonly logLikelihoodKernel: (maxes: number, sums: number, weights: number, pairs: number, out: number) => void;
  private integers = new Int32Array(0);
  private byComponent = false;
  private doubles = new Float64Array(0);
  private k = 0;
  private capacity = 0;
  private layout = { block: 0, logWeights: 0, weights: 0, maxes: 0, sums: 0, shifts: 0, accumulators: 0, totals: 0, end: 0 };
  /** The block of log-densities, then of weighted responsibilities (capacity × K, in the prepared layout). */
  block = new Float64Array(0);
  /** Rows of the last normalised block (the length of maxes() and sums()). */
  private rowsInBlock = 0;

  constructor(module: WebAssembly.Module) {
    this.memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.rowMajor = instance.exports['responsibilities'] as Kernel;
    this.componentMajor = instance.exports['responsibilitiesByComponent'] as Kernel;
    this.logLikelihoodKernel = instance.exports['logLikelihood'] as (maxes: number, sums: number, weights: number, pairs: number, out: number) => void;
    const bytes = new Uint8Array(this.memory.buffer);
    constantTable.forEach((entry, index) => bytes.set(new Uint8Array(entry.buffer), index * 16));
  }

  /**
   * Lays the memory out for K components and blocks of up to `capacity` rows, row-major
   * (out[i·K + k]) or component-major (out[k·rows + i], rows those of the block); clears the sums.
   */
  prepare(k: number, capacity: number, logWeights: Float64Array, byComponent = false): void {
    this.byComponent = byComponent;
    if (k !== this.k || capacity > this.capacity) {
      const rows = capacity + 2;
      const block = constantTable.length * 16;
      const logWeightsAt = block + rows * k * 8;
      const weights = logWeightsAt + k * 8 + 16;
      const maxes = weights + rows * 8 + 16;
      const sums = maxes + rows * 8 + 16;
      const shifts = sums + rows * 8 + 16;
      const accumulators = shifts + rows * 8 + 16;
      const align = (offset: number): number => Math.ceil(offset / 16) * 16;
      this.layout = {
        block,
        logWeights: align(logWeightsAt),
        weights: align(weights),
        maxes: align(maxes),
        sums: align(sums),
        shifts: align(shifts),
        accumulators: align(accumulators),
        totals: align(accumulators) + k * 16,
        end: align(accumulators) + k * 16 + 32,
      };
      const pages = Math.ceil(this.layout.end / PAGE);
      const current = this.memory.buffer.byteLength / PAGE;
      if (pages > current) this.memory.grow(pages - current);
      this.k = k;
      this.capacity = capacity;
    }
    // Views are recreated every time: growing (here or by another arena user) detaches old ones.
    this.doubles = new Float64Array(this.memory.buffer);
    this.integers = new Int32Array(this.memory.buffer);
    this.block = new Float64Array(this.memory.buffer, this.layout.block, capacity * k);
    this.doubles[0] = this.doubles[1] = negligibleLogRatio(k);
    this.doubles.set(logWeights, this.layout.logWeights / 8);
    this.doubles.fill(0, this.layout.accumulators / 8, this.layout.end / 8);
    this.rowsInBlock = 0;
  }

  /**
   * Turns the first `rows` rows of `block` (log-densities) into weighted responsibilities
   * w_i·r_ik and adds them to the weight sums. `sampleWeights` (from `offset`) or 1 per row.
   */
  normalize(rows: number, sampleWeights: Float64Array | undefined, offset: number): void {
    const { doubles, layout } = this;
    const weights = layout.weights / 8;
    if (sampleWeights === undefined) doubles.fill(1, weights, weights + rows);
    else doubles.set(sampleWeights.subarray(offset, offset + rows), weights);
    this.rowsInBlock = rows;
    (this.byComponent ? this.componentMajor : this.rowMajor)(layout.block, rows, this.k, layout.logWeights, layout.weights, layout.maxes, layout.sums, layout.accumulators, layout.shifts);
  }

  /**
   * Σ_i w_i·log Σ_k π_k f_k(x_i) over the last normalised block's possible rows, added to the
   * pass's running total (see total()); returns the number of impossible rows with weight > 0 in
   * this block (0 almost always — then maxes() and sums() need not be read at all).
   */
  addLogLikelihood(): number {
    const { doubles, layout } = this;
    const rows = this.rowsInBlock;
    if (rows % 2 === 1) {
      // The partner of an odd last row: weight 0, sum 1, max 0 — adds nothing.
      doubles[layout.weights / 8 + rows] = 0;
      doubles[layout.sums / 8 + rows] = 1;
      doubles[layout.maxes / 8 + rows] = 0;
    }
    const before = this.integers[layout.totals / 4 + 4] as number;
    const beforeHigh = this.integers[layout.totals / 4 + 6] as number;
    this.logLikelihoodKernel(layout.maxes, layout.sums, layout.weights, (rows + 1) >> 1, layout.totals);
    return (this.integers[layout.totals / 4 + 4] as number) - before + ((this.integers[layout.totals / 4 + 6] as number) - beforeHigh);
  }

  /** The running Σ_i w_i·log p(x_i) of addLogLikelihood since prepare. */
  total(): number {
    const base = this.layout.totals / 8;
    return (this.doubles[base] as number) + (this.doubles[base + 1] as number);
  }

  /** Row i's maximum of log weight + log-density over its non-NaN entries (−∞ if there are none); a NaN entry shows in sums() instead. */
  maxes(): Float64Array {
    return this.doubles.subarray(this.layout.maxes / 8, this.layout.maxes / 8 + this.rowsInBlock);
  }

  /** Row i's Σ_k exp(v_ik − max_i) (0 or NaN for an impossible row, whose responsibilities are 0). */
  sums(): Float64Array {
    return this.doubles.subarray(this.layout.sums / 8, this.layout.sums / 8 + this.rowsInBlock);
  }

  /** Adds the accumulated Σ_i w_i r_ik to `weightSums`. */
  addWeightSums(weightSums: Float64Array): void {
    const base = this.layout.accumulators / 8;
    const { doubles } = this;
    if (this.byComponent) for (let j = 0; j < this.k; j++) weightSums[j] = (weightSums[j] as number) + ((doubles[base + 2 * j] as number) + (doubles[base + 2 * j + 1] as number));
    else for (let j = 0; j < this.k; j++) weightSums[j] = (weightSums[j] as number) + (doubles[base + j] as number);
  }
}

const pool: ResponsibilityArena[] = [];

/** An arena for one pass, or undefined where WebAssembly SIMD is unavailable (or disabled). */
export function acquireResponsibilityArena(): ResponsibilityArena | undefined {
  if (disabled) return undefined;
  const module = compile();
  if (module === undefined) return undefined;
  return pool.pop() ?? new ResponsibilityArena(module);
}

/** Returns an arena to the pool. */
export function releaseResponsibilityArena(arena: ResponsibilityArena): void {
  pool.push(arena);
}

