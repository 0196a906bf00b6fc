/**
 * The instructions and loop shapes the Gaussian kernels are written in: core's WebAssembly
 * assembler under short names, plus counted loops and address arithmetic on locals.
 */
import { wasm } from '@em/core';

// --- instructions: core's assembler under the short names these kernels use ---------------------

export const { I32, V128, F64 } = wasm;
const core = wasm.op;

export const op = {
  block: core.block,
  loop: core.loop,
  if: core.if,
  end: core.end,
  br: core.br,
  brIf: core.brIf,
  get: core.get,
  set: core.set,
  i32: core.i32,
  add: core.i32Add,
  mul: core.i32Mul,
  shl: core.i32Shl,
  shrU: core.i32ShrU,
  and: core.i32And,
  geS: core.i32GeS,
  gtS: core.i32GtS,
  ltS: core.i32LtS,
  select: core.select,
  tee: core.tee,
  load64Splat: core.v128Load64Splat,
  load64Lane: core.v128Load64Lane,
  shuffle: core.i8x16Shuffle,
  sub: core.i32Sub,
  i32Load: core.i32Load(),
  i32Store: core.i32Store(),
  f64Const: core.f64,
  f64Load: core.f64Load(),
  f64LoadAt: core.f64Load,
  f64Store: core.f64Store(),
  f64StoreAt: core.f64Store,
  f64Add: core.f64Add,
  f64Sub: core.f64Sub,
  f64Mul: core.f64Mul,
  f64Gt: core.f64Gt,
  v128Load: core.v128Load,
  v128Store: core.v128Store,
  v128Zero: core.f64x2Const(0),
  splat: core.f64x2Splat,
  lane: core.f64x2ExtractLane,
  f64x2Add: core.f64x2Add,
  f64x2Sub: core.f64x2Sub,
  f64x2Mul: core.f64x2Mul,
};

/** for (counter = 0; counter < limit; counter += step) body — `limit` a local. */
export function forLoop(counter: number, limit: number, step: number, body: number[]): number[] {
  return [
    ...op.i32(0),
    ...op.set(counter),
    ...op.block,
    ...op.loop,
    ...op.get(counter),
    ...op.get(limit),
    ...op.geS,
    ...op.brIf(1),
    ...body,
    ...op.get(counter),
    ...op.i32(step),
    ...op.add,
    ...op.set(counter),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

/** while (!exit) body — `exit` leaves an i32 on the stack, non-zero to stop. */
export function whileLoop(exit: number[], body: number[]): number[] {
  return [...op.block, ...op.loop, ...exit, ...op.brIf(1), ...body, ...op.br(0), ...op.end, ...op.end];
}

/** local[target] = local[base] + local[index] * local[scale] */
export function addressOf(target: number, base: number, index: number, scale: number): number[] {
  return [...op.get(base), ...op.get(index), ...op.get(scale), ...op.mul, ...op.add, ...op.set(target)];
}

/** The address local[base] + local[p] on the stack. */
export function at(base: number, p: number): number[] {
  return [...op.get(base), ...op.get(p), ...op.add];
}


/** local = (0, 0). */
export function zero(local: number): number[] {
  return [...op.v128Zero, ...op.set(local)];
}

/** local[target] = local[a] + local[b] (f64x2). */
export function addInto(target: number, a: number, b: number): number[] {
  return [...op.get(a), ...op.get(b), ...op.f64x2Add, ...op.set(target)];
}

/** lane 0 + lane 1 of local `vector`, left on the stack. */
export function laneSum(vector: number): number[] {
  return [...op.get(vector), ...op.lane(0), ...op.get(vector), ...op.lane(1), ...op.f64Add];
}

/** Locals of eightRowSquaredDistances (i32: addresses and counters; v128: the rest). */
export interface EightRowLocals {
  readonly source: number;
  readonly p: number;
  readonly stride: number;
  readonly dBytes: number;
  readonly ab: number;
  readonly xa: number;
  readonly means: number;
  readonly precisions: number;
  readonly m: number;
  readonly tau: number;
  readonly z: number;
  readonly sums: readonly [number, number, number, number];
}

/**
 * The inner loop of the squared-distance kernels: for the eight rows at byte p of the
 * coordinate-major block at `source` (columns `stride` bytes apart), the four f64x2 `sums` =
 * Σ_a (x_a − m_a)²·τ_a over the d coordinates (dBytes = 8d), m_a and τ_a read from the addresses in
 * locals `means` / `precisions` (τ = 1 unless `weighted`); the sums stay in registers across the
 * coordinates.
 */
export function eightRowSquaredDistances(l: EightRowLocals, weighted: boolean): number[] {
  const splatAt = (base: number, target: number): number[] => [...at(base, l.ab), ...op.f64Load, ...op.splat, ...op.set(target)];
  const step = (lane: number): number[] => {
    const s = l.sums[lane] as number;
    return [
      ...op.get(l.xa),
      ...op.v128Load(lane * 16),
      ...op.get(l.m),
      ...op.f64x2Sub,
      ...op.set(l.z),
      ...op.get(s),
      ...op.get(l.z),
      ...op.get(l.z),
      ...op.f64x2Mul,
      ...(weighted ? [...op.get(l.tau), ...op.f64x2Mul] : []),
      ...op.f64x2Add,
      ...op.set(s),
    ];
  };
  return [
    ...l.sums.flatMap(zero),
    ...at(l.source, l.p),
    ...op.set(l.xa),
    ...forLoop(l.ab, l.dBytes, 8, [
      ...splatAt(l.means, l.m),
      ...(weighted ? splatAt(l.precisions, l.tau) : []),
      ...step(0),
      ...step(1),
      ...step(2),
      ...step(3),
      ...op.get(l.xa),
      ...op.get(l.stride),
      ...op.add,
      ...op.set(l.xa),
    ]),
  ];
}
