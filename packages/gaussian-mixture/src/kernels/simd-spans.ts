/**
 * Kernels that sweep every component over a block in row spans small enough to stay in the
 * level-1 cache. A block of 504 rows is D + K columns of 4 KB; swept once per component (or per
 * component and coordinate) it is re-read from the level-2 cache K (or K·D) times, and that
 * traffic, not arithmetic, bounded the component-at-a-time kernels. Here the rows go in spans of
 * `span` bytes per column (the caller sizes the span so that the span's D + K columns fit in
 * 32 KB) and every component works on the span while it is in the level-1 cache; per-span sums
 * are added into the output.
 *
 * Layout as in simd.ts: coordinate-major blocks, component-major weights, all `stride` bytes
 * apart; `span` and `stride` multiples of 64 bytes (8 rows).
 */
import { I32, V128, addInto, addressOf, at, eightRowSquaredDistances, forLoop, op, whileLoop, zero } from './simd-instructions.js';

/** for (counter = from; counter < limit; counter += step) body — locals. */
function rangeLoop(counter: number, from: number, limit: number, step: number, body: number[]): number[] {
  return [...op.get(from), ...op.set(counter), ...whileLoop([...op.get(counter), ...op.get(limit), ...op.geS], [...body, ...op.get(counter), ...op.i32(step), ...op.add, ...op.set(counter)])];
}

/** for (start = 0; start < stride; start += span) { end = min(start + span, stride); body } */
function overSpans(start: number, end: number, span: number, stride: number, body: number[]): number[] {
  return [
        ...op.i32(0),
        ...op.set(start),
        ...whileLoop(
          [...op.get(start), ...op.get(stride), ...op.geS],
          [
            ...op.get(start),
            ...op.get(span),
            ...op.add,
            ...op.tee(end),
            ...op.get(stride),
            ...op.get(end),
            ...op.get(stride),
            ...op.ltS,
            ...op.select,
            ...op.set(end),
            ...body,
            ...op.get(start),
            ...op.get(span),
            ...op.add,
            ...op.set(start),
          ],
        ),
      ];
}

/** out[offset] += the two lanes of local `sum` (address local `o`). */
function addLanes(o: number, sum: number, offset: number): number[] {
  return [...op.get(o), ...op.get(o), ...op.f64LoadAt(offset), ...op.get(sum), ...op.lane(0), ...op.f64Add, ...op.get(sum), ...op.lane(1), ...op.f64Add, ...op.f64StoreAt(offset)];
}

/**
 * weightedSums(source, weights, span, stride, d, k, out): out[c·d + a] += Σ_i w_ic·x_ia — the
 * product Wᵀ·X of the component-major weights (K × stride) and the coordinate-major block
 * (D × stride), one multiply and one add per term. Coordinates in tiles of four, each weight
 * pair loaded once for the four, walking one pointer per column (V8 keeps the four sums and the
 * pointers in registers; wider tiles spilled and ran slower); the last d mod 4 coordinates one at
 * a time, four row pairs per step.
 */
export function weightedSumsBody(): { params: number; locals: number[]; code: number[] } {
  const [source, weights, span, stride, d, k, out] = [0, 1, 2, 3, 4, 5, 6];
  const [start, end, c, a, wc, wp, wEnd, o, tileEnd] = [7, 8, 9, 10, 11, 12, 13, 14, 15];
  const pointers = [16, 17, 18, 19];
  const [w] = [20];
  const sums = [21, 22, 23, 24];
  const first = pointers[0] as number;
  // Walks `width` columns from coordinate a over the span, `pairs` row pairs per step.
  const sweep = (width: number, pairs: number): number[] => {
    const columns = pointers.slice(0, width);
    const used = sums.slice(0, width * pairs);
    const term = (sum: number, weight: number[], pointer: number, offset: number): number[] => [...op.get(sum), ...weight, ...op.get(pointer), ...op.v128Load(offset), ...op.f64x2Mul, ...op.f64x2Add, ...op.set(sum)];
    const body =
      width > 1
        ? [...op.get(wp), ...op.v128Load(0), ...op.set(w), ...columns.flatMap((pointer, j) => term(sums[j] as number, op.get(w), pointer, 0))]
        : [0, 1, 2, 3].flatMap((j) => term(sums[j] as number, [...op.get(wp), ...op.v128Load(16 * j)], first, 16 * j));
    const advance = (local: number): number[] => [...op.get(local), ...op.i32(16 * pairs), ...op.add, ...op.set(local)];
    const total = width > 1 ? [] : [...addInto(sums[0] as number, sums[0] as number, sums[1] as number), ...addInto(sums[2] as number, sums[2] as number, sums[3] as number), ...addInto(sums[0] as number, sums[0] as number, sums[2] as number)];
    return [
      ...op.get(source),
      ...op.get(a),
      ...op.get(stride),
      ...op.mul,
      ...op.add,
      ...op.get(start),
      ...op.add,
      ...op.set(first),
      ...columns.slice(1).flatMap((pointer, j) => [...op.get(columns[j] as number), ...op.get(stride), ...op.add, ...op.set(pointer)]),
      ...op.get(wc),
      ...op.get(start),
      ...op.add,
      ...op.set(wp),
      ...used.flatMap(zero),
      ...whileLoop([...op.get(wp), ...op.get(wEnd), ...op.geS], [...body, ...advance(wp), ...columns.flatMap(advance)]),
      ...total,
      ...(width > 1 ? columns.flatMap((_, j) => addLanes(o, sums[j] as number, 8 * j)) : addLanes(o, sums[0] as number, 0)),
      ...op.get(o),
      ...op.i32(8 * width),
      ...op.add,
      ...op.set(o),
      ...op.get(a),
      ...op.i32(width),
      ...op.add,
      ...op.set(a),
    ];
  };
  const code = [
    ...op.get(d),
    ...op.i32(-3),
    ...op.add,
    ...op.set(tileEnd),
    ...overSpans(start, end, span, stride, [
      ...op.get(out),
      ...op.set(o),
      ...forLoop(c, k, 1, [
        ...addressOf(wc, weights, c, stride),
        ...op.get(wc),
        ...op.get(end),
        ...op.add,
        ...op.set(wEnd),
        ...op.i32(0),
        ...op.set(a),
        ...whileLoop([...op.get(a), ...op.get(tileEnd), ...op.geS], sweep(4, 1)),
        ...whileLoop([...op.get(a), ...op.get(d), ...op.geS], sweep(1, 4)),
      ]),
    ]),
  ];
  return { params: 7, locals: [...new Array<number>(13).fill(I32), V128, ...sums.map(() => V128)], code };
}

/**
 * moments(source, weights, span, stride, d, k, means, out): for every component c and
 * coordinate a, with z = x_a − m_ca over the rows, out[2(c·d + a)] += Σ w_c·z and
 * out[2(c·d + a) + 1] += Σ w_c·z², eight rows per step in four pairs of f64x2 sums.
 */
export function momentsBody(): { params: number; locals: number[]; code: number[] } {
  const [source, weights, span, stride, d, k, means, out] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [start, end, c, a, p, xa, wc, meanAddress, o] = [8, 9, 10, 11, 12, 13, 14, 15, 16];
  const [m, z, wz] = [17, 18, 19];
  const sums = [20, 21, 22, 23];
  const squares = [24, 25, 26, 27];
  const step = (lane: number): number[] => {
    const offset = lane * 16;
    const s = sums[lane] as number;
    const q = squares[lane] as number;
    return [
      ...at(xa, p),
      ...op.v128Load(offset),
      ...op.get(m),
      ...op.f64x2Sub,
      ...op.set(z),
      ...at(wc, p),
      ...op.v128Load(offset),
      ...op.get(z),
      ...op.f64x2Mul,
      ...op.set(wz),
      ...op.get(s),
      ...op.get(wz),
      ...op.f64x2Add,
      ...op.set(s),
      ...op.get(q),
      ...op.get(wz),
      ...op.get(z),
      ...op.f64x2Mul,
      ...op.f64x2Add,
      ...op.set(q),
    ];
  };
  const [s0, s1, s2, s3] = sums as [number, number, number, number];
  const [q0, q1, q2, q3] = squares as [number, number, number, number];
  const code = [
    ...overSpans(start, end, span, stride, [
      ...op.get(means),
      ...op.set(meanAddress),
      ...op.get(out),
      ...op.set(o),
      ...forLoop(c, k, 1, [
        ...addressOf(wc, weights, c, stride),
        ...forLoop(a, d, 1, [
          ...addressOf(xa, source, a, stride),
          ...op.get(meanAddress),
          ...op.f64Load,
          ...op.splat,
          ...op.set(m),
          ...sums.flatMap(zero),
          ...squares.flatMap(zero),
          ...rangeLoop(p, start, end, 64, [...step(0), ...step(1), ...step(2), ...step(3)]),
          ...addInto(s0, s0, s1),
          ...addInto(s2, s2, s3),
          ...addInto(s0, s0, s2),
          ...addLanes(o, s0, 0),
          ...addInto(q0, q0, q1),
          ...addInto(q2, q2, q3),
          ...addInto(q0, q0, q2),
          ...addLanes(o, q0, 8),
          ...op.get(meanAddress),
          ...op.i32(8),
          ...op.add,
          ...op.set(meanAddress),
          ...op.get(o),
          ...op.i32(16),
          ...op.add,
          ...op.set(o),
        ]),
      ]),
    ]),
  ];
  return { params: 8, locals: [...new Array<number>(9).fill(I32), V128, V128, V128, ...sums.map(() => V128), ...squares.map(() => V128)], code };
}

/**
 * componentDensities(source, span, stride, d, k, means, precisions, constants, squares,
 * densities): for every component c and row, s = Σ_a (x_a − m_ca)²·τ_ca (τ = 1 when
 * `weighted` is false: `precisions` ignored), densities[c·stride + row] = constants[2c] −
 * constants[2c + 1]·s and, `keepSquares`, squares[c·stride + row] = s; eight rows per step with
 * their sums in registers across the coordinates.
 */
export function componentDensitiesBody(weighted: boolean, keepSquares: boolean): { params: number; locals: number[]; code: number[] } {
  const [source, span, stride, d, k, means, precisions, constants, squares, densities] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [start, end, c, p, ab, dBytes, xa, meanBase, tauBase, cell] = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
  const [m, tau, z, c0, c1] = [20, 21, 22, 23, 24];
  const sums = [25, 26, 27, 28] as const;
  const emit = sums.flatMap((s, lane) => [
    ...(keepSquares ? [...at(squares, cell), ...op.get(s), ...op.v128Store(lane * 16)] : []),
    ...at(densities, cell),
    ...op.get(c0),
    ...op.get(c1),
    ...op.get(s),
    ...op.f64x2Mul,
    ...op.f64x2Sub,
    ...op.v128Store(lane * 16),
  ]);
  const code = [
    ...op.get(d),
    ...op.i32(3),
    ...op.shl,
    ...op.set(dBytes),
    ...overSpans(start, end, span, stride, [
      ...op.get(means),
      ...op.set(meanBase),
      ...op.get(precisions),
      ...op.set(tauBase),
      ...forLoop(c, k, 1, [
        ...op.get(constants),
        ...op.get(c),
        ...op.i32(4),
        ...op.shl,
        ...op.add,
        ...op.f64Load,
        ...op.splat,
        ...op.set(c0),
        ...op.get(constants),
        ...op.get(c),
        ...op.i32(4),
        ...op.shl,
        ...op.add,
        ...op.f64LoadAt(8),
        ...op.splat,
        ...op.set(c1),
        ...rangeLoop(p, start, end, 64, [
          ...eightRowSquaredDistances({ source, p, stride, dBytes, ab, xa, means: meanBase, precisions: tauBase, m, tau, z, sums }, weighted),
          ...op.get(c),
          ...op.get(stride),
          ...op.mul,
          ...op.get(p),
          ...op.add,
          ...op.set(cell),
          ...emit,
        ]),
        ...op.get(meanBase),
        ...op.get(dBytes),
        ...op.add,
        ...op.set(meanBase),
        ...op.get(tauBase),
        ...op.get(dBytes),
        ...op.add,
        ...op.set(tauBase),
      ]),
    ]),
  ];
  return { params: 10, locals: [...new Array<number>(10).fill(I32), ...new Array<number>(9).fill(V128)], code };
}
