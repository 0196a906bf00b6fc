/**
 * Just enough of the WebAssembly binary format to write small SIMD kernels by hand in
 * TypeScript: LEB128 numbers, the scalar and f64x2 / i64x2 instructions the kernels use,
 * structured loops, constants, and a module that imports its memory. A package can then ship
 * a kernel with no build step or binary asset; callers check `simdSupported()` and keep a
 * TypeScript fallback.
 *
 * Exported (as `wasm` from @em/core) so model packages assemble their kernels with it too.
 */

/** Unsigned LEB128. */
export function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  let rest = value >>> 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>>= 7;
    if (rest === 0) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** Signed LEB128 (32-bit). */
export function signedLeb(value: number): number[] {
  const out: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    if ((rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

function simd(opcode: number): number[] {
  return [0xfd, ...unsignedLeb(opcode)];
}

/** A 16-byte immediate from two doubles. */
function f64Pair(low: number, high: number): number[] {
  return Array.from(new Uint8Array(new Float64Array([low, high]).buffer));
}

/** A 16-byte immediate from two 64-bit integers. */
function i64Pair(low: bigint, high: bigint): number[] {
  return Array.from(new Uint8Array(new BigInt64Array([low, high]).buffer));
}

/**
 * Instructions. Memory offsets are in bytes; alignment hints are the natural ones (v128 accesses
 * need not be aligned, they are only faster when they are).
 */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number): number[] => [0x0c, ...unsignedLeb(depth)],
  brIf: (depth: number): number[] => [0x0d, ...unsignedLeb(depth)],
  return: [0x0f],
  get: (local: number): number[] => [0x20, ...unsignedLeb(local)],
  set: (local: number): number[] => [0x21, ...unsignedLeb(local)],
  tee: (local: number): number[] => [0x22, ...unsignedLeb(local)],
  i32: (value: number): number[] => [0x41, ...signedLeb(value)],
  f64: (value: number): number[] => [0x44, ...Array.from(new Uint8Array(new Float64Array([value]).buffer))],
  i32Load: (offset = 0): number[] => [0x28, 2, ...unsignedLeb(offset)],
  f64Load: (offset = 0): number[] => [0x2b, 3, ...unsignedLeb(offset)],
  i32Store: (offset = 0): number[] => [0x36, 2, ...unsignedLeb(offset)],
  f64Store: (offset = 0): number[] => [0x39, 3, ...unsignedLeb(offset)],
  f64Zero: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
  f64Eq: [0x61],
  i32Eqz: [0x45],
  i32LtS: [0x48],
  i32LtU: [0x49],
  i32GtS: [0x4a],
  i32GeS: [0x4e],
  i32GeU: [0x4f],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  f64Gt: [0x64],
  select: [0x1b],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  f64Div: [0xa3],
  f64Max: [0xa5],
  v128Load: (offset = 0): number[] => [...simd(0x00), 4, ...unsignedLeb(offset)],
  /** Loads one double into both lanes. */
  v128Load64Splat: (offset = 0): number[] => [...simd(0x0a), 3, ...unsignedLeb(offset)],
  v128Store: (offset = 0): number[] => [...simd(0x0b), 4, ...unsignedLeb(offset)],
  /** [address, vector] → vector with lane `lane` replaced by the double at address + offset. */
  v128Load64Lane: (lane: number, offset = 0): number[] => [...simd(0x57), 3, ...unsignedLeb(offset), lane],
  /** [address, vector] → stores lane `lane` at address + offset. */
  v128Store64Lane: (lane: number, offset = 0): number[] => [...simd(0x5b), 3, ...unsignedLeb(offset), lane],
  /** [a, b] → bytes of a‖b picked by the 16 indices (0–15 from a, 16–31 from b). */
  i8x16Shuffle: (lanes: readonly number[]): number[] => [...simd(0x0d), ...lanes],
  f64x2Const: (low: number, high = low): number[] => [...simd(0x0c), ...f64Pair(low, high)],
  i64x2Const: (low: bigint, high = low): number[] => [...simd(0x0c), ...i64Pair(low, high)],
  f64x2Splat: simd(0x14),
  f64x2ExtractLane: (lane: number): number[] => [...simd(0x21), lane],
  f64x2Lt: simd(0x49),
  f64x2Gt: simd(0x4a),
  v128And: simd(0x4e),
  v128AndNot: simd(0x4f),
  v128Or: simd(0x50),
  /** [a, b, mask] → (a & mask) | (b & ~mask) */
  v128Bitselect: simd(0x52),
  v128AnyTrue: simd(0x53),
  i64x2AllTrue: simd(0xc3),
  f64x2Floor: simd(0x75),
  i64x2ExtendLowI32x4S: simd(0xc7),
  i64x2Shl: simd(0xcb),
  i64x2ShrU: simd(0xcd),
  i64x2Sub: simd(0xd1),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  f64x2Div: simd(0xf3),
  f64x2Max: simd(0xf5),
  /** b < a ? a : b per lane (one instruction on x64, unlike the NaN-propagating f64x2.max). */
  f64x2Pmax: simd(0xf7),
  i64x2Add: simd(0xce),
  i32x4TruncSatF64x2SZero: simd(0xfc),
};

/** local += step (i32; `step` a constant or code that leaves an i32). */
export function increment(local: number, step: number | readonly number[]): number[] {
  return [...op.get(local), ...(typeof step === 'number' ? op.i32(step) : step), ...op.i32Add, ...op.set(local)];
}

/** while (local < limit) { body } — unsigned comparison of two i32 locals (e.g. byte addresses). */
export function whileBelow(local: number, limit: number, body: readonly number[]): number[] {
  return [...op.block, ...op.loop, ...op.get(local), ...op.get(limit), ...op.i32GeU, ...op.brIf(1), ...body, ...op.br(0), ...op.end, ...op.end];
}

/** A function: its parameter count (all i32, no result), extra locals by type, and code. */
export interface FunctionBody {
  readonly params: number;
  readonly locals: readonly number[];
  readonly code: readonly number[];
}

function section(id: number, content: readonly number[]): number[] {
  return [id, ...unsignedLeb(content.length), ...content];
}

function vector(items: readonly (readonly number[])[]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

function utf8(text: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(text));
  return [...unsignedLeb(bytes.length), ...bytes];
}

/**
 * The bytes of a module that imports its memory as env.memory and exports `functions` under their
 * names. Every function takes i32 parameters and returns nothing (results go to memory).
 */
export function moduleWithImportedMemory(functions: ReadonlyArray<readonly [string, FunctionBody]>): Uint8Array<ArrayBuffer> {
  const types = functions.map(([, body]) => [0x60, ...unsignedLeb(body.params), ...new Array<number>(body.params).fill(I32), 0]);
  const code = functions.map(([, body]) => {
    const content = [...vector(body.locals.map((type) => [1, type])), ...body.code, ...op.end];
    return [...unsignedLeb(content.length), ...content];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector(types)),
    ...section(2, vector([[...utf8('env'), ...utf8('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector(functions.map((_, index) => unsignedLeb(index)))),
    ...section(7, vector(functions.map(([name], index) => [...utf8(name), 0x00, ...unsignedLeb(index)]))),
    ...section(10, vector(code)),
  ]);
}

let supported: boolean | undefined;

/** Whether this engine runs WebAssembly with the fixed-width SIMD proposal (Node ≥ 16, current browsers). */
export function simdSupported(): boolean {
  if (supported === undefined) {
    const probe = moduleWithImportedMemory([['probe', { params: 0, locals: [V128], code: [...op.f64x2Const(0), ...op.set(0)] }]]);
    try {
      supported = typeof WebAssembly === 'object' && WebAssembly.validate(probe);
    } catch {
      supported = false;
    }
  }
  return supported;
}
