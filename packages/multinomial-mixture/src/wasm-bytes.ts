// Just enough of the WebAssembly binary format to write the SIMD kernels of simd-kernels.ts by
// hand: LEB128 numbers, the instructions they use, structured loops, and module sections.

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

/** Instructions (memory offsets in bytes; alignment hints are the natural ones). */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  end: [0x0b],
  br: (depth: number): number[] => [0x0c, ...unsignedLeb(depth)],
  brIf: (depth: number): number[] => [0x0d, ...unsignedLeb(depth)],
  get: (local: number): number[] => [0x20, ...unsignedLeb(local)],
  set: (local: number): number[] => [0x21, ...unsignedLeb(local)],
  i32: (value: number): number[] => [0x41, ...signedLeb(value)],
  i32Load: (offset = 0): number[] => [0x28, 2, ...unsignedLeb(offset)],
  f64Load: (offset = 0): number[] => [0x2b, 3, ...unsignedLeb(offset)],
  f64Zero: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
  f64Eq: [0x61],
  i32Eqz: [0x45],
  i32GeU: [0x4f],
  i32LtU: [0x49],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  v128Load: (offset = 0): number[] => [0xfd, 0x00, 4, ...unsignedLeb(offset)],
  v128Store: (offset = 0): number[] => [0xfd, 0x0b, 4, ...unsignedLeb(offset)],
  v128AnyTrue: [0xfd, 0x53],
  f64x2Splat: [0xfd, 0x14],
  f64x2Add: [0xfd, 0xf0, 0x01],
  f64x2Mul: [0xfd, 0xf2, 0x01],
};

/** local += step (i32). */
export function increment(local: number, step: number | number[]): number[] {
  return [...op.get(local), ...(typeof step === 'number' ? op.i32(step) : step), ...op.i32Add, ...op.set(local)];
}

/** while (local < limit) { body } — unsigned comparison of two locals (byte addresses). */
export function whileBelow(local: number, limit: number, body: number[]): number[] {
  return [...op.block, ...op.loop, ...op.get(local), ...op.get(limit), ...op.i32GeU, ...op.brIf(1), ...body, ...op.br(0), ...op.end, ...op.end];
}

/** A function body: its parameter count (all i32, no result), extra locals by type, and code. */
export interface FunctionBody {
  readonly params: number;
  readonly locals: readonly number[];
  readonly code: readonly number[];
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsignedLeb(content.length), ...content];
}

function vector(items: readonly number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

function utf8(text: string): number[] {
  return [...unsignedLeb(text.length), ...Array.from(text, (character) => character.charCodeAt(0))];
}

/**
 * A module importing its memory as env.memory and exporting `functions` under their names.
 * Every function takes i32 parameters and returns nothing.
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
