// What a task message copies, and making that copy no larger than the data the task needs.
// postMessage clones a typed array's whole ArrayBuffer, not just the view: a chunk that is rows
// [a, b) of a matrix on an ordinary ArrayBuffer would carry every row of the matrix, once per
// task. Views on a SharedArrayBuffer are not copied at all (fitAsync shares the data when the
// runtime allows; browsers only when the page is cross-origin isolated).

const MAX_DEPTH = 16;

function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
}

/** Arrays and plain or class-instance objects are rebuilt (structured clone drops prototypes anyway); Map, Date… are left alone. */
function isRecord(value: object): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}

export interface PreparedTransfer {
  /** The value to post: `value` itself when no view needed trimming. */
  readonly value: unknown;
  /** Bytes the structured clone of `value` will copy (views on SharedArrayBuffers count 0). */
  readonly copiedBytes: number;
}

/**
 * Replaces each typed-array view that covers only part of an ordinary ArrayBuffer by a copy of
 * that part, and counts the bytes the message will copy.
 */
export function prepareTransfer(value: unknown): PreparedTransfer {
  let copiedBytes = 0;
  const counted = new Set<ArrayBufferLike>();
  const walk = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return v;
    if (ArrayBuffer.isView(v)) {
      if (isShared(v.buffer)) return v;
      if (v.byteLength < v.buffer.byteLength && !(v instanceof DataView)) {
        copiedBytes += v.byteLength;
        return (v as unknown as { slice(): unknown }).slice();
      }
      if (!counted.has(v.buffer)) {
        counted.add(v.buffer);
        copiedBytes += v.buffer.byteLength;
      }
      return v;
    }
    if (v instanceof ArrayBuffer) {
      if (!counted.has(v)) {
        counted.add(v);
        copiedBytes += v.byteLength;
      }
      return v;
    }
    if (Array.isArray(v)) {
      let changed = false;
      const out = v.map((item: unknown) => {
        const next = walk(item, depth + 1);
        changed ||= next !== item;
        return next;
      });
      return changed ? out : v;
    }
    if (!isRecord(v)) return v;
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(v)) {
      const next = walk(item, depth + 1);
      changed ||= next !== item;
      out[key] = next;
    }
    return changed ? out : v;
  };
  const prepared = walk(value, 0);
  return { value: prepared, copiedBytes };
}
