// Turning results into comparable data: JSON cannot carry NaN, ±Infinity or −0, so numbers that
// JSON would lose are tagged; then two results are compared leaf by leaf with a relative tolerance.

/** Replaces numbers JSON would lose with { $number: "NaN" | "Infinity" | "-Infinity" | "-0" }. */
export function encodeResults(value) {
  if (typeof value === 'number') {
    if (Number.isNaN(value) || !Number.isFinite(value) || Object.is(value, -0)) return { $number: Object.is(value, -0) ? '-0' : String(value) };
    return value;
  }
  if (Array.isArray(value)) return value.map(encodeResults);
  if (ArrayBuffer.isView(value)) return Array.from(value, encodeResults);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, encodeResults(entry)]));
  return value;
}

function decodeNumber(value) {
  return value.$number === '-0' ? -0 : Number(value.$number);
}

/**
 * Every difference between `actual` and `expected` beyond |a − b| ≤ tolerance · max(1, |a|, |b|),
 * as "path: actual vs expected" lines (at most `limit`). Non-numbers must be identical.
 */
export function differences(actual, expected, tolerance, path = '$', out = [], limit = 20) {
  if (out.length >= limit) return out;
  const isTagged = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.$number === 'string' && Object.keys(v).length === 1;
  const a = isTagged(actual) ? decodeNumber(actual) : actual;
  const b = isTagged(expected) ? decodeNumber(expected) : expected;
  if (typeof a === 'number' && typeof b === 'number') {
    const same = Object.is(a, b) || (Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b)));
    if (!same) out.push(`${path}: ${a} vs ${b} (difference ${a - b})`);
    return out;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) {
      out.push(`${path}: array of length ${Array.isArray(a) ? a.length : typeof a} vs ${Array.isArray(b) ? b.length : typeof b}`);
      return out;
    }
    for (let i = 0; i < a.length; i++) differences(a[i], b[i], tolerance, `${path}[${i}]`, out, limit);
    return out;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      if (!(key in a) || !(key in b)) out.push(`${path}.${key}: present on one side only`);
      else differences(a[key], b[key], tolerance, `${path}.${key}`, out, limit);
    }
    return out;
  }
  if (a !== b) out.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  return out;
}
