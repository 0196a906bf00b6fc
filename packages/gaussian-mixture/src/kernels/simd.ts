/**
 * The two hottest loops of the full-covariance kernels — the row-vectorised triangular solve and
 * the weighted scatter — as a tiny WebAssembly SIMD module (f64x2), assembled here from bytes so
 * the package needs no build step or binary asset. Everything else stays in TypeScript. Where
 * WebAssembly SIMD is unavailable, `simdKernels()` returns undefined and the TypeScript loops of
 * blocked.ts run instead (same results up to round-off).
 *
 * Memory layout of one call (byte offsets chosen by the caller): coordinate-major blocks with a
 * row stride that is a multiple of 8 rows, so the loops take 2 or 8 rows per step without tails.
 */
import { wasm } from '@em/core';
import { F64, I32, V128, addInto, addressOf, at, eightRowSquaredDistances, forLoop, laneSum, op, whileLoop, zero } from './simd-instructions.js';
import { componentDensitiesBody, momentsBody, weightedSumsBody } from './simd-spans.js';

/**
 * whiten(work, pairs, stride, d, factors, inverseDiagonals, squares): in place forward
 * substitution L·y = z on every row (two rows per f64x2), squares = ‖y‖² per row.
 * `pairs` is even (rows padded to a multiple of 4).
 */
function whitenBody(): { params: number; locals: number[]; code: number[] } {
  const [work, pairs, stride, d, factors, inverse, squares] = [0, 1, 2, 3, 4, 5, 6];
  const [a, b, p, ra, rb, end, address] = [7, 8, 9, 10, 11, 12, 13];
  const [l, v] = [14, 15];
  const [rb1, rb2, rb3, factorAddress] = [16, 17, 18, 19];
  const [l1, l2, l3] = [20, 21, 22];
  const axpy = (offset: number): number[] => [
    ...op.get(address),
    ...op.get(address),
    ...op.v128Load(offset),
    ...op.get(l),
    ...at(rb, p),
    ...op.v128Load(offset),
    ...op.f64x2Mul,
    ...op.f64x2Sub,
    ...op.v128Store(offset),
  ];
  // z_a −= l0·y_b + l1·y_{b+1} + l2·y_{b+2} + l3·y_{b+3}: one load/store of z_a for four columns.
  const axpy4 = (offset: number): number[] => [
    ...op.get(address),
    ...op.get(address),
    ...op.v128Load(offset),
    ...op.get(l),
    ...at(rb, p),
    ...op.v128Load(offset),
    ...op.f64x2Mul,
    ...op.get(l1),
    ...at(rb1, p),
    ...op.v128Load(offset),
    ...op.f64x2Mul,
    ...op.f64x2Add,
    ...op.get(l2),
    ...at(rb2, p),
    ...op.v128Load(offset),
    ...op.f64x2Mul,
    ...op.get(l3),
    ...at(rb3, p),
    ...op.v128Load(offset),
    ...op.f64x2Mul,
    ...op.f64x2Add,
    ...op.f64x2Add,
    ...op.f64x2Sub,
    ...op.v128Store(offset),
  ];
  const scale = (offset: number): number[] => [
    ...op.get(address),
    ...op.v128Load(offset),
    ...op.get(l),
    ...op.f64x2Mul,
    ...op.set(v),
    ...op.get(address),
    ...op.get(v),
    ...op.v128Store(offset),
    ...at(squares, p),
    ...at(squares, p),
    ...op.v128Load(offset),
    ...op.get(v),
    ...op.get(v),
    ...op.f64x2Mul,
    ...op.f64x2Add,
    ...op.v128Store(offset),
  ];
  // factorAddress = factors + (a·d + b)·8
  const factorAt = [...op.get(factors), ...op.get(a), ...op.get(d), ...op.mul, ...op.get(b), ...op.add, ...op.i32(3), ...op.shl, ...op.add, ...op.set(factorAddress)];
  const splatFactor = (offset: number, target: number): number[] => [...op.get(factorAddress), ...op.f64LoadAt(offset), ...op.splat, ...op.set(target)];
  const code = [
    ...op.get(pairs),
    ...op.i32(4),
    ...op.shl,
    ...op.set(end),
    ...forLoop(p, end, 32, [...at(squares, p), ...op.v128Zero, ...op.v128Store(0), ...at(squares, p), ...op.v128Zero, ...op.v128Store(16)]),
    ...forLoop(a, d, 1, [
      ...addressOf(ra, work, a, stride),
      ...op.i32(0),
      ...op.set(b),
      // Four columns of L per pass while b + 4 ≤ a.
      ...whileLoop(
        [...op.get(b), ...op.i32(4), ...op.add, ...op.get(a), ...op.gtS],
        [
          ...factorAt,
          ...splatFactor(0, l),
          ...splatFactor(8, l1),
          ...splatFactor(16, l2),
          ...splatFactor(24, l3),
          ...addressOf(rb, work, b, stride),
          ...op.get(rb),
          ...op.get(stride),
          ...op.add,
          ...op.set(rb1),
          ...op.get(rb1),
          ...op.get(stride),
          ...op.add,
          ...op.set(rb2),
          ...op.get(rb2),
          ...op.get(stride),
          ...op.add,
          ...op.set(rb3),
          ...forLoop(p, end, 32, [...at(ra, p), ...op.set(address), ...axpy4(0), ...axpy4(16)]),
          ...op.get(b),
          ...op.i32(4),
          ...op.add,
          ...op.set(b),
        ],
      ),
      // The remaining 0–3 columns one at a time.
      ...whileLoop(
        [...op.get(b), ...op.get(a), ...op.geS],
        [
          ...factorAt,
          ...splatFactor(0, l),
          ...addressOf(rb, work, b, stride),
          ...forLoop(p, end, 32, [...at(ra, p), ...op.set(address), ...axpy(0), ...axpy(16)]),
          ...op.get(b),
          ...op.i32(1),
          ...op.add,
          ...op.set(b),
        ],
      ),
      ...op.get(inverse),
      ...op.get(a),
      ...op.i32(3),
      ...op.shl,
      ...op.add,
      ...op.f64Load,
      ...op.splat,
      ...op.set(l),
      ...forLoop(p, end, 32, [...at(ra, p), ...op.set(address), ...scale(0), ...scale(16)]),
    ]),
  ];
  return { params: 7, locals: [I32, I32, I32, I32, I32, I32, I32, V128, V128, I32, I32, I32, I32, V128, V128, V128], code };
}

/**
 * scatter(weighted, centered, octets, stride, d, out): out[a·d + b] = Σ_rows weighted_a·centered_b
 * for b ≤ a, eight rows per step in four f64x2 accumulators.
 */
function scatterBody(): { params: number; locals: number[]; code: number[] } {
  const [weighted, centered, octets, stride, d, out] = [0, 1, 2, 3, 4, 5];
  const [a, b, p, wa, cb, end, bound] = [6, 7, 8, 9, 10, 11, 12];
  const [s0, s1, s2, s3] = [13, 14, 15, 16];
  const term = (sum: number, offset: number): number[] => [
    ...op.get(sum),
    ...at(wa, p),
    ...op.v128Load(offset),
    ...at(cb, p),
    ...op.v128Load(offset),
    ...op.f64x2Mul,
    ...op.f64x2Add,
    ...op.set(sum),
  ];
  const code = [
    ...op.get(octets),
    ...op.i32(6),
    ...op.shl,
    ...op.set(end),
    ...forLoop(a, d, 1, [
      ...addressOf(wa, weighted, a, stride),
      ...op.get(a),
      ...op.i32(1),
      ...op.add,
      ...op.set(bound),
      ...forLoop(b, bound, 1, [
        ...addressOf(cb, centered, b, stride),
        ...[s0, s1, s2, s3].flatMap(zero),
        ...forLoop(p, end, 64, [...term(s0, 0), ...term(s1, 16), ...term(s2, 32), ...term(s3, 48)]),
        // out[a·d + b] = lane0 + lane1 of (s0 + s1) + (s2 + s3)
        ...op.get(out),
        ...op.get(a),
        ...op.get(d),
        ...op.mul,
        ...op.get(b),
        ...op.add,
        ...op.i32(3),
        ...op.shl,
        ...op.add,
        ...op.get(s0),
        ...op.get(s1),
        ...op.f64x2Add,
        ...op.get(s2),
        ...op.get(s3),
        ...op.f64x2Add,
        ...op.f64x2Add,
        ...op.set(s0),
        ...laneSum(s0),
        ...op.f64Store,
      ]),
    ]),
  ];
  return { params: 6, locals: [I32, I32, I32, I32, I32, I32, I32, V128, V128, V128, V128], code };
}

/**
 * distances(source, pairs, stride, d, means, precisions, squares): squares = Σ_a (x_a − m_a)²·τ_a
 * per row, eight rows per step with their sums kept in registers (`pairs` a multiple of 4). Diagonal, spherical (τ = 1) and tied (on whitened
 * rows) log-densities.
 */
function distancesBody(weighted: boolean): { params: number; locals: number[]; code: number[] } {
  const [source, pairs, stride, d, means, precisions, squares] = [0, 1, 2, 3, 4, 5, 6];
  const [p, end, ab, dBytes, xa] = [7, 8, 9, 10, 11];
  const [m, tau, s0, s1, s2, s3, z] = [12, 13, 14, 15, 16, 17, 18];
  const sums = [s0, s1, s2, s3] as const;
  const code = [
    ...op.get(pairs),
    ...op.i32(4),
    ...op.shl,
    ...op.set(end),
    ...op.get(d),
    ...op.i32(3),
    ...op.shl,
    ...op.set(dBytes),
    ...forLoop(p, end, 64, [
      ...eightRowSquaredDistances({ source, p, stride, dBytes, ab, xa, means, precisions, m, tau, z, sums }, weighted),
      ...sums.flatMap((s, lane) => [...at(squares, p), ...op.get(s), ...op.v128Store(lane * 16)]),
    ]),
  ];
  return { params: 7, locals: [I32, I32, I32, I32, I32, V128, V128, V128, V128, V128, V128, V128], code };
}

/** center(source, pairs, stride, d, means, target): target_a = source_a − m_a for every coordinate, two rows per f64x2. */
function centerBody(): { params: number; locals: number[]; code: number[] } {
  const [source, pairs, stride, d, means, target] = [0, 1, 2, 3, 4, 5];
  const [a, p, sa, ta, end] = [6, 7, 8, 9, 10];
  const [m] = [11];
  const step = (offset: number): number[] => [...at(ta, p), ...at(sa, p), ...op.v128Load(offset), ...op.get(m), ...op.f64x2Sub, ...op.v128Store(offset)];
  const code = [
    ...op.get(pairs),
    ...op.i32(4),
    ...op.shl,
    ...op.set(end),
    ...forLoop(a, d, 1, [
      ...addressOf(sa, source, a, stride),
      ...addressOf(ta, target, a, stride),
      ...op.get(means),
      ...op.get(a),
      ...op.i32(3),
      ...op.shl,
      ...op.add,
      ...op.f64Load,
      ...op.splat,
      ...op.set(m),
      ...forLoop(p, end, 32, [...step(0), ...step(16)]),
    ]),
  ];
  return { params: 6, locals: [I32, I32, I32, I32, I32, V128], code };
}

/**
 * weigh(source, weights, quads, stride, d, means, centered, weighted, out): z = x_a − m_a into
 * `centered`, w·z into `weighted`, out[a] = Σ w·z, four rows per step in two f64x2 sums.
 */
function weighBody(): { params: number; locals: number[]; code: number[] } {
  const [source, weights, quads, stride, d, means, centered, weighted, out] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [a, p, xa, ca, wa, end] = [9, 10, 11, 12, 13, 14];
  const [m, s0, s1, z, wz] = [15, 16, 17, 18, 19];
  const step = (offset: number, sum: number): number[] => [
    ...at(xa, p),
    ...op.v128Load(offset),
    ...op.get(m),
    ...op.f64x2Sub,
    ...op.set(z),
    ...at(ca, p),
    ...op.get(z),
    ...op.v128Store(offset),
    ...op.get(weights),
    ...op.get(p),
    ...op.add,
    ...op.v128Load(offset),
    ...op.get(z),
    ...op.f64x2Mul,
    ...op.set(wz),
    ...at(wa, p),
    ...op.get(wz),
    ...op.v128Store(offset),
    ...op.get(sum),
    ...op.get(wz),
    ...op.f64x2Add,
    ...op.set(sum),
  ];
  const code = [
    ...op.get(quads),
    ...op.i32(5),
    ...op.shl,
    ...op.set(end),
    ...forLoop(a, d, 1, [
      ...addressOf(xa, source, a, stride),
      ...addressOf(ca, centered, a, stride),
      ...addressOf(wa, weighted, a, stride),
      ...op.get(means),
      ...op.get(a),
      ...op.i32(3),
      ...op.shl,
      ...op.add,
      ...op.f64Load,
      ...op.splat,
      ...op.set(m),
      ...zero(s0),
      ...zero(s1),
      ...forLoop(p, end, 32, [...step(0, s0), ...step(16, s1)]),
      ...op.get(out),
      ...op.get(a),
      ...op.i32(3),
      ...op.shl,
      ...op.add,
      ...addInto(z, s0, s1),
      ...laneSum(z),
      ...op.f64Store,
    ]),
  ];
  return { params: 9, locals: [I32, I32, I32, I32, I32, I32, V128, V128, V128, V128, V128], code };
}

/**
 * transpose(raw, rows, d, source, stride, origin, centered): source[a·stride + i] = raw[i·d + a]
 * — a row-major block (copied in with one memcpy) laid out coordinate-major, two rows by two
 * coordinates per step (two loads, two shuffles, two stores); rows from the even-rounded row
 * count up to the stride are set to 0 (for an odd count the caller zeroes raw row `rows`). With
 * `centred`, also centered[a·stride + i] = raw[i·d + a] − origin[a] (padding rows 0 as well, but
 * for an odd count's partner row, which comes out as −origin).
 * `stride` in bytes.
 */
function transposeBody(centred: boolean): { params: number; locals: number[]; code: number[] } {
  const [raw, rows, d, source, stride, origin, centered] = [0, 1, 2, 3, 4, 5, 6];
  const [p, end, row0, row1, column, shifted, ab, rowBytes, pairEnd] = [7, 8, 9, 10, 11, 12, 13, 14, 15];
  const [first, second] = [16, 17];
  const low = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
  const high = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];
  // Stores `value` (code leaving a vector) at column (+ stride for the second coordinate) and, centred, value − origin[a (+1)].
  const put = (value: number[], next: boolean): number[] => [
    ...op.get(column),
    ...(next ? [...op.get(stride), ...op.add] : []),
    ...value,
    ...op.v128Store(0),
    ...(centred
      ? [
          ...op.get(shifted),
          ...(next ? [...op.get(stride), ...op.add] : []),
          ...value,
          ...op.get(origin),
          ...op.get(ab),
          ...op.add,
          ...op.load64Splat(next ? 8 : 0),
          ...op.f64x2Sub,
          ...op.v128Store(0),
        ]
      : []),
  ];
  const pairs = [
    ...op.get(row0),
    ...op.get(ab),
    ...op.add,
    ...op.v128Load(0),
    ...op.set(first),
    ...op.get(row1),
    ...op.get(ab),
    ...op.add,
    ...op.v128Load(0),
    ...op.set(second),
    ...put([...op.get(first), ...op.get(second), ...op.shuffle(low)], false),
    ...put([...op.get(first), ...op.get(second), ...op.shuffle(high)], true),
  ];
  const odd = [...op.get(row0), ...op.get(ab), ...op.add, ...op.load64Splat(0), ...op.set(first), ...op.get(row1), ...op.get(ab), ...op.add, ...op.get(first), ...op.load64Lane(1, 0), ...op.set(first), ...put(op.get(first), false)];
  const advance = (local: number, step: number[]): number[] => [...op.get(local), ...step, ...op.add, ...op.set(local)];
  const zeroColumn = (base: number): number[] => [...op.get(base), ...op.get(p), ...op.add, ...op.v128Zero, ...op.v128Store(0)];
  const code = [
    ...op.get(d),
    ...op.i32(3),
    ...op.shl,
    ...op.set(rowBytes),
    ...op.get(d),
    ...op.i32(-2),
    ...op.and,
    ...op.i32(3),
    ...op.shl,
    ...op.set(pairEnd),
    // rows rounded up to even, in bytes of a column
    ...op.get(rows),
    ...op.i32(1),
    ...op.add,
    ...op.i32(-2),
    ...op.and,
    ...op.i32(3),
    ...op.shl,
    ...op.set(end),
    ...op.get(raw),
    ...op.set(row0),
    ...forLoop(p, end, 16, [
      ...op.get(row0),
      ...op.get(rowBytes),
      ...op.add,
      ...op.set(row1),
      ...op.get(source),
      ...op.get(p),
      ...op.add,
      ...op.set(column),
      ...op.get(centered),
      ...op.get(p),
      ...op.add,
      ...op.set(shifted),
      ...op.i32(0),
      ...op.set(ab),
      ...whileLoop(
        [...op.get(ab), ...op.get(pairEnd), ...op.geS],
        [...pairs, ...advance(column, [...op.get(stride), ...op.get(stride), ...op.add]), ...advance(shifted, [...op.get(stride), ...op.get(stride), ...op.add]), ...advance(ab, op.i32(16))],
      ),
      ...op.get(pairEnd),
      ...op.get(rowBytes),
      ...op.ltS,
      ...op.if,
      ...odd,
      ...op.end,
      ...advance(row0, [...op.get(rowBytes), ...op.get(rowBytes), ...op.add]),
    ]),
    // padding rows: 0 in every column
    ...forLoop(ab, d, 1, [
      ...op.get(source),
      ...op.get(ab),
      ...op.get(stride),
      ...op.mul,
      ...op.add,
      ...op.set(column),
      ...op.get(centered),
      ...op.get(ab),
      ...op.get(stride),
      ...op.mul,
      ...op.add,
      ...op.set(shifted),
      ...op.get(end),
      ...op.set(p),
      ...whileLoop([...op.get(p), ...op.get(stride), ...op.geS], [...zeroColumn(column), ...(centred ? zeroColumn(shifted) : []), ...advance(p, op.i32(16))]),
    ]),
  ];
  return { params: 7, locals: [...new Array<number>(9).fill(I32), V128, V128], code };
}

/** affine(values, pairs, constants): values = constants[0] − constants[1]·values, two per f64x2. */
function affineBody(): { params: number; locals: number[]; code: number[] } {
  const [values, pairs, constants] = [0, 1, 2];
  const [p, end, c0, c1] = [3, 4, 5, 6];
  const code = [
    ...op.get(pairs),
    ...op.i32(4),
    ...op.shl,
    ...op.set(end),
    ...op.get(constants),
    ...op.f64Load,
    ...op.splat,
    ...op.set(c0),
    ...op.get(constants),
    ...op.f64LoadAt(8),
    ...op.splat,
    ...op.set(c1),
    ...forLoop(p, end, 16, [...at(values, p), ...op.get(c0), ...at(values, p), ...op.v128Load(0), ...op.get(c1), ...op.f64x2Mul, ...op.f64x2Sub, ...op.v128Store(0)]),
  ];
  return { params: 3, locals: [I32, I32, V128, V128], code };
}

/**
 * bucket(weights, rows, stride, k, thresholds, lists, counts, fraction): thresholds[i] =
 * fraction · Σ_c w_ic (two rows per f64x2 over the padded stride), then for every component the
 * rows whose w_ic exceeds its threshold, in order, to lists[c·stride/8 …] (i32 row indices,
 * appended without branches), their number to counts[c]. `weights` is K × stride bytes,
 * component-major; `fraction` the address of one double.
 */
function bucketBody(): { params: number; locals: number[]; code: number[] } {
  const [weights, rows, stride, k, thresholds, lists, counts, fraction] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [c, p, wc, n, listAddress, rowBytes] = [8, 9, 10, 11, 12, 13];
  const [tiny] = [14];
  const code = [
    ...forLoop(p, stride, 16, [...at(thresholds, p), ...op.v128Zero, ...op.v128Store(0)]),
    ...forLoop(c, k, 1, [
      ...addressOf(wc, weights, c, stride),
      ...forLoop(p, stride, 16, [...at(thresholds, p), ...at(thresholds, p), ...op.v128Load(0), ...at(wc, p), ...op.v128Load(0), ...op.f64x2Add, ...op.v128Store(0)]),
    ]),
    ...op.get(fraction),
    ...op.f64Load,
    ...op.splat,
    ...op.set(tiny),
    ...forLoop(p, stride, 16, [...at(thresholds, p), ...at(thresholds, p), ...op.v128Load(0), ...op.get(tiny), ...op.f64x2Mul, ...op.v128Store(0)]),
    ...op.get(rows),
    ...op.i32(3),
    ...op.shl,
    ...op.set(rowBytes),
    ...forLoop(c, k, 1, [
      ...addressOf(wc, weights, c, stride),
      // lists + c·(stride/8 rows)·4 bytes = lists + c·stride/2
      ...op.get(lists),
      ...op.get(c),
      ...op.get(stride),
      ...op.mul,
      ...op.i32(1),
      ...op.shrU,
      ...op.add,
      ...op.set(listAddress),
      ...op.i32(0),
      ...op.set(n),
      ...forLoop(p, rowBytes, 8, [
        // lists[n] = p/8; n += w > threshold
        ...op.get(listAddress),
        ...op.get(n),
        ...op.i32(2),
        ...op.shl,
        ...op.add,
        ...op.get(p),
        ...op.i32(3),
        ...op.shrU,
        ...op.i32Store,
        ...op.get(n),
        ...at(wc, p),
        ...op.f64Load,
        ...at(thresholds, p),
        ...op.f64Load,
        ...op.f64Gt,
        ...op.add,
        ...op.set(n),
      ]),
      ...op.get(counts),
      ...op.get(c),
      ...op.i32(2),
      ...op.shl,
      ...op.add,
      ...op.get(n),
      ...op.i32Store,
    ]),
  ];
  return { params: 8, locals: [I32, I32, I32, I32, I32, I32, V128], code };
}

/**
 * gather(source, weights, stride, d, list, count, means, centered, weighted, sums): for the
 * `count` rows listed (i32 indices at `list`), z = source_a − m_a into `centered`, w·z into
 * `weighted` (both compacted, zero-padded to a multiple of 8 rows), sums[a] = Σ w·z. `weights`
 * is the component's column.
 */
function gatherBody(): { params: number; locals: number[]; code: number[] } {
  const [source, weights, stride, d, list, count, means, centered, weighted, sums] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [a, j, end, padded, sa, ca, wa, row] = [10, 11, 12, 13, 14, 15, 16, 17];
  const [m, s, z, v] = [18, 19, 20, 21];
  const code = [
    ...op.get(count),
    ...op.i32(2),
    ...op.shl,
    ...op.set(end),
    ...op.get(count),
    ...op.i32(7),
    ...op.add,
    ...op.i32(-8),
    ...op.and,
    ...op.i32(3),
    ...op.shl,
    ...op.set(padded),
    ...forLoop(a, d, 1, [
      ...addressOf(sa, source, a, stride),
      ...addressOf(ca, centered, a, stride),
      ...addressOf(wa, weighted, a, stride),
      ...op.get(means),
      ...op.get(a),
      ...op.i32(3),
      ...op.shl,
      ...op.add,
      ...op.f64Load,
      ...op.set(m),
      ...op.f64Const(0),
      ...op.set(s),
      ...forLoop(j, end, 4, [
        ...at(list, j),
        ...op.i32Load,
        ...op.i32(3),
        ...op.shl,
        ...op.set(row),
        ...at(sa, row),
        ...op.f64Load,
        ...op.get(m),
        ...op.f64Sub,
        ...op.set(z),
        // centered[j], weighted[j]: byte offset 2j (j counts 4 bytes per row)
        ...op.get(ca),
        ...op.get(j),
        ...op.i32(1),
        ...op.shl,
        ...op.add,
        ...op.get(z),
        ...op.f64Store,
        ...at(weights, row),
        ...op.f64Load,
        ...op.get(z),
        ...op.f64Mul,
        ...op.set(v),
        ...op.get(wa),
        ...op.get(j),
        ...op.i32(1),
        ...op.shl,
        ...op.add,
        ...op.get(v),
        ...op.f64Store,
        ...op.get(s),
        ...op.get(v),
        ...op.f64Add,
        ...op.set(s),
      ]),
      // zero padding: rows count … padded
      ...op.get(end),
      ...op.i32(1),
      ...op.shl,
      ...op.set(j),
      ...whileLoop([...op.get(j), ...op.get(padded), ...op.geS], [
        ...at(ca, j),
        ...op.f64Const(0),
        ...op.f64Store,
        ...at(wa, j),
        ...op.f64Const(0),
        ...op.f64Store,
        ...op.get(j),
        ...op.i32(8),
        ...op.add,
        ...op.set(j),
      ]),
      ...op.get(sums),
      ...op.get(a),
      ...op.i32(3),
      ...op.shl,
      ...op.add,
      ...op.get(s),
      ...op.f64Store,
    ]),
  ];
  return { params: 10, locals: [I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, F64], code };
}

/**
 * columns(weights, other, stride, k, out), component-major K × stride arrays over the padded
 * stride: out[c] = Σ_i w_ic·other_ic (`product`: the `dots` kernel) or Σ_i w_ic (`columnSums`,
 * `other` ignored); two f64x2 sums in flight.
 */
function columnsBody(product: boolean): { params: number; locals: number[]; code: number[] } {
  const [weights, other, stride, k, out] = [0, 1, 2, 3, 4];
  const [c, p, wc, oc] = [5, 6, 7, 8];
  const [s0, s1] = [9, 10];
  const term = (offset: number): number[] => [...at(wc, p), ...op.v128Load(offset), ...(product ? [...at(oc, p), ...op.v128Load(offset), ...op.f64x2Mul] : [])];
  const code = [
    ...forLoop(c, k, 1, [
      ...addressOf(wc, weights, c, stride),
      ...addressOf(oc, other, c, stride),
      ...zero(s0),
      ...zero(s1),
      ...forLoop(p, stride, 32, [...op.get(s0), ...term(0), ...op.f64x2Add, ...op.set(s0), ...op.get(s1), ...term(16), ...op.f64x2Add, ...op.set(s1)]),
      ...op.get(out),
      ...op.get(c),
      ...op.i32(3),
      ...op.shl,
      ...op.add,
      ...addInto(s0, s0, s1),
      ...laneSum(s0),
      ...op.f64Store,
    ]),
  ];
  return { params: 5, locals: [I32, I32, I32, I32, V128, V128], code };
}


/**
 * The kernels as two modules sharing one memory, each under 4 KB: Chrome has limited synchronous
 * compilation on the main thread to modules of 4 KB (the kernels are needed synchronously; the
 * Chromium on this project's machines does not enforce it, older versions did), so staying under
 * it keeps the SIMD path in every browser (a test checks the sizes).
 */
export function moduleBytes(): Array<Uint8Array<ArrayBuffer>> {
  return [
    wasm.moduleWithImportedMemory([
      ['whiten', whitenBody()],
      ['scatter', scatterBody()],
      ['center', centerBody()],
      ['weigh', weighBody()],
      ['transpose', transposeBody(false)],
      ['transposeCentred', transposeBody(true)],
      ['affine', affineBody()],
      ['columnSums', columnsBody(false)],
    ]),
    wasm.moduleWithImportedMemory([
      ['distances', distancesBody(true)],
      ['unweightedDistances', distancesBody(false)],
      ['bucket', bucketBody()],
      ['gather', gatherBody()],
      ['dots', columnsBody(true)],
    ]),
    wasm.moduleWithImportedMemory([
      ['weightedSums', weightedSumsBody()],
      ['moments', momentsBody()],
      ['sphericalDensities', componentDensitiesBody(false, true)],
      ['diagonalDensities', componentDensitiesBody(true, false)],
    ]),
  ];
}

// --- the kernels ---------------------------------------------------------------------------

export interface SimdKernels {
  /** Makes the memory at least `bytes` long (views must be re-created afterwards). */
  reserve(bytes: number): ArrayBuffer;
  whiten(work: number, pairs: number, stride: number, d: number, factors: number, inverseDiagonals: number, squares: number): void;
  scatter(weighted: number, centered: number, octets: number, stride: number, d: number, out: number): void;
  distances(source: number, pairs: number, stride: number, d: number, means: number, precisions: number, squares: number): void;
  /** `distances` with every τ_a = 1 (`precisions` ignored). */
  unweightedDistances(source: number, pairs: number, stride: number, d: number, means: number, precisions: number, squares: number): void;
  center(source: number, pairs: number, stride: number, d: number, means: number, target: number): void;
  /** Adds Σ w·(x − m) and Σ w·(x − m)² per component and coordinate to out (simd-spans.ts). */
  moments(source: number, weights: number, span: number, stride: number, d: number, k: number, means: number, out: number): void;
  /** Adds Σ_i w_ic·x_ia (Wᵀ·X) to out[c·d + a] (simd-spans.ts). */
  weightedSums(source: number, weights: number, span: number, stride: number, d: number, k: number, out: number): void;
  /** Every component's ‖x − μ_c‖² (kept in `squares`) and density constant − scale·‖x − μ_c‖² (simd-spans.ts). */
  sphericalDensities(source: number, span: number, stride: number, d: number, k: number, means: number, unused: number, constants: number, squares: number, densities: number): void;
  /** Every component's density constant − scale·Σ_a (x_a − μ_ca)²·τ_ca (simd-spans.ts; `squares` unused). */
  diagonalDensities(source: number, span: number, stride: number, d: number, k: number, means: number, precisions: number, constants: number, squares: number, densities: number): void;
  weigh(source: number, weights: number, quads: number, stride: number, d: number, means: number, centered: number, weighted: number, out: number): void;
  transpose(raw: number, rows: number, d: number, source: number, stride: number, origin: number, centered: number): void;
  /** `transpose`, and the block less origin[a] per coordinate into `centered` as well. */
  transposeCentred(raw: number, rows: number, d: number, source: number, stride: number, origin: number, centered: number): void;
  affine(values: number, pairs: number, constants: number): void;
  columnSums(weights: number, unused: number, stride: number, k: number, out: number): void;
  bucket(weights: number, rows: number, stride: number, k: number, thresholds: number, lists: number, counts: number, fraction: number): void;
  dots(weights: number, squares: number, stride: number, k: number, out: number): void;
  gather(source: number, weights: number, stride: number, d: number, list: number, count: number, means: number, centered: number, weighted: number, sums: number): void;
}

let cached: SimdKernels | null | undefined;
let disabled = false;

/** Forces the TypeScript fallback (tests of the fallback path; not part of the public API). */
export function useSimdKernels(enabled: boolean): void {
  disabled = !enabled;
}

/** The WebAssembly SIMD kernels of this thread, or undefined where SIMD is unavailable. */
export function simdKernels(): SimdKernels | undefined {
  if (disabled) return undefined;
  if (cached !== undefined) return cached ?? undefined;
  cached = null;
  try {
    if (typeof WebAssembly === 'undefined') return undefined;
    const modules = moduleBytes();
    if (!modules.every((bytes) => WebAssembly.validate(bytes))) return undefined;
    const memory = new WebAssembly.Memory({ initial: 4 });
    const exports = Object.assign(
      {},
      ...modules.map((bytes) => new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports),
    ) as unknown as Omit<SimdKernels, 'reserve'>;
    cached = {
      reserve(bytes: number): ArrayBuffer {
        const missing = bytes - memory.buffer.byteLength;
        if (missing > 0) memory.grow(Math.ceil(missing / 65536));
        return memory.buffer;
      },
      whiten: exports.whiten,
      scatter: exports.scatter,
      distances: exports.distances,
      unweightedDistances: exports.unweightedDistances,
      center: exports.center,
      moments: exports.moments,
      weightedSums: exports.weightedSums,
      sphericalDensities: exports.sphericalDensities,
      diagonalDensities: exports.diagonalDensities,
      weigh: exports.weigh,
      transpose: exports.transpose,
      transposeCentred: exports.transposeCentred,
      affine: exports.affine,
      columnSums: exports.columnSums,
      bucket: exports.bucket,
      gather: exports.gather,
      dots: exports.dots,
    };
  } catch {
    cached = null;
  }
  return cached ?? undefined;
}
