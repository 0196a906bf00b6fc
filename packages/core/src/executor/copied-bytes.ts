// How much a postMessage of a value copies: typed arrays on ordinary ArrayBuffers are cloned,
// those on a SharedArrayBuffer are not. Used to check a task's data against the memory budget
// before it is sent.

const MAX_DEPTH = 16;

export function copiedBytes(value: unknown): number {
  const seen = new Set<object>();
  const walk = (v: unknown, depth: number): number => {
    if (v === null || typeof v !== 'object' || seen.has(v) || depth > MAX_DEPTH) return 0;
    seen.add(v);
    if (ArrayBuffer.isView(v)) return typeof SharedArrayBuffer !== 'undefined' && v.buffer instanceof SharedArrayBuffer ? 0 : v.byteLength;
    if (v instanceof ArrayBuffer) return v.byteLength;
    let total = 0;
    for (const item of Array.isArray(v) ? v : Object.values(v)) total += walk(item, depth + 1);
    return total;
  };
  return walk(value, 0);
}
