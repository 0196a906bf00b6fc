/**
 * Expected sufficient statistics are plain data: numbers, Float64Arrays, arrays and records of
 * them. Everything here works on that tree shape, so every model's statistics can be merged
 * across chunks (`add`), subtracted for incremental EM (`scale(s, -1)`), sent to workers
 * (structured clone) and serialised, without the model writing any of it.
 */
export type Statistics = number | Float64Array | readonly Statistics[] | StatisticsRecord;
export interface StatisticsRecord {
  readonly [key: string]: Statistics;
}

function isRecord(value: Statistics): value is StatisticsRecord {
  return typeof value === 'object' && !(value instanceof Float64Array) && !Array.isArray(value);
}

/** A zero of the same shape. */
export function zeroLike<S extends Statistics>(s: S): S {
  return map(s, () => 0) as S;
}

/** a + b (new value; inputs untouched). Shapes must match. */
export function addStatistics<S extends Statistics>(a: S, b: S): S {
  return combine(a, b, 1, 'add') as S;
}

/** a + factor·b (new value). `addScaled(a, b, -1)` subtracts. */
export function addScaled<S extends Statistics>(a: S, b: S, factor: number): S {
  return combine(a, b, factor, 'addScaled') as S;
}

/** factor·s (new value). */
export function scaleStatistics<S extends Statistics>(s: S, factor: number): S {
  return map(s, (v) => v * factor) as S;
}

/** Deep copy. */
export function cloneStatistics<S extends Statistics>(s: S): S {
  return map(s, (v) => v) as S;
}

/**
 * target += factor·source, in place, for accumulators (Float64Array leaves are updated in place;
 * number leaves inside records cannot be, so accumulators should keep scalars in Float64Arrays).
 * Returns the updated value (a new number for number leaves).
 */
export function accumulateInto<S extends Statistics>(target: S, source: S, factor = 1): S {
  if (typeof target === 'number') {
    if (typeof source !== 'number') throw new TypeError(`accumulateInto: statistics shapes differ (number vs ${describe(source)}).`);
    return (target + factor * source) as S;
  }
  if (target instanceof Float64Array) {
    if (!(source instanceof Float64Array)) throw new TypeError(`accumulateInto: statistics shapes differ (Float64Array vs ${describe(source)}).`);
    checkLength(target.length, source.length, 'accumulateInto');
    for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) + factor * (source[i] as number);
    return target;
  }
  if (Array.isArray(target)) {
    if (!Array.isArray(source)) throw new TypeError(`accumulateInto: statistics shapes differ (array vs ${describe(source)}).`);
    const src = source as readonly Statistics[];
    checkLength(target.length, src.length, 'accumulateInto');
    const t = target as Statistics[];
    for (let i = 0; i < t.length; i++) t[i] = accumulateInto(t[i] as Statistics, src[i] as Statistics, factor);
    return target;
  }
  if (!isRecord(source)) throw new TypeError(`accumulateInto: statistics shapes differ (record vs ${describe(source)}).`);
  const t = target as Record<string, Statistics>;
  checkKeys(t, source, 'accumulateInto');
  for (const key of Object.keys(t)) t[key] = accumulateInto(t[key] as Statistics, source[key] as Statistics, factor);
  return target;
}

/** Largest absolute difference between two statistics of the same shape (for tests). */
export function maxAbsDifference(a: Statistics, b: Statistics): number {
  let max = 0;
  visitPairs(a, b, (x, y) => {
    const d = Math.abs(x - y);
    if (d > max || Number.isNaN(d)) max = Number.isNaN(d) ? Infinity : d;
  });
  return max;
}

/** Largest |value| in a statistics tree (a scale for relative tolerances). */
export function maxAbsValue(s: Statistics): number {
  let max = 0;
  map(s, (v) => {
    max = Math.max(max, Math.abs(v));
    return v;
  });
  return max;
}

/** True when every leaf of `s` is finite. */
export function isFiniteStatistics(s: Statistics): boolean {
  let ok = true;
  map(s, (v) => {
    if (!Number.isFinite(v)) ok = false;
    return v;
  });
  return ok;
}

/** Plain-JSON form: Float64Arrays become `{ "f64": [...] }` so the shape round-trips exactly. */
export type StatisticsJson = number | { readonly f64: number[] } | readonly StatisticsJson[] | { readonly [key: string]: StatisticsJson };

export function statisticsToJSON(s: Statistics): StatisticsJson {
  if (typeof s === 'number') return s;
  if (s instanceof Float64Array) return { f64: Array.from(s) };
  if (Array.isArray(s)) return (s as readonly Statistics[]).map(statisticsToJSON);
  const out: Record<string, StatisticsJson> = {};
  for (const [k, v] of Object.entries(s as StatisticsRecord)) out[k] = statisticsToJSON(v);
  return out;
}

export function statisticsFromJSON(json: StatisticsJson): Statistics {
  if (typeof json === 'number') return json;
  if (Array.isArray(json)) return (json as readonly StatisticsJson[]).map(statisticsFromJSON);
  const rec = json as Record<string, StatisticsJson>;
  const keys = Object.keys(rec);
  if (keys.length === 1 && keys[0] === 'f64' && Array.isArray(rec['f64'])) return Float64Array.from(rec['f64'] as number[]);
  const out: Record<string, Statistics> = {};
  for (const k of keys) out[k] = statisticsFromJSON(rec[k] as StatisticsJson);
  return out;
}

function map(s: Statistics, f: (v: number) => number): Statistics {
  if (typeof s === 'number') return f(s);
  if (s instanceof Float64Array) {
    const out = new Float64Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = f(s[i] as number);
    return out;
  }
  if (Array.isArray(s)) return (s as readonly Statistics[]).map((x) => map(x, f));
  if (!isRecord(s)) throw new TypeError('Statistics must be numbers, Float64Arrays, arrays or records.');
  const out: Record<string, Statistics> = {};
  for (const key of Object.keys(s)) out[key] = map(s[key] as Statistics, f);
  return out;
}

function combine(a: Statistics, b: Statistics, factor: number, op: string): Statistics {
  if (typeof a === 'number') {
    if (typeof b !== 'number') throw new TypeError(`${op}: statistics shapes differ (number vs ${describe(b)}).`);
    return a + factor * b;
  }
  if (a instanceof Float64Array) {
    if (!(b instanceof Float64Array)) throw new TypeError(`${op}: statistics shapes differ (Float64Array vs ${describe(b)}).`);
    checkLength(a.length, b.length, op);
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) + factor * (b[i] as number);
    return out;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b)) throw new TypeError(`${op}: statistics shapes differ (array vs ${describe(b)}).`);
    const bb = b as readonly Statistics[];
    checkLength(a.length, bb.length, op);
    return (a as readonly Statistics[]).map((x, i) => combine(x, bb[i] as Statistics, factor, op));
  }
  if (!isRecord(b)) throw new TypeError(`${op}: statistics shapes differ (record vs ${describe(b)}).`);
  const out: Record<string, Statistics> = {};
  const ra = a as StatisticsRecord;
  checkKeys(ra, b, op);
  for (const key of Object.keys(ra)) out[key] = combine(ra[key] as Statistics, b[key] as Statistics, factor, op);
  return out;
}

function visitPairs(a: Statistics, b: Statistics, f: (x: number, y: number) => void): void {
  if (describe(a) !== describe(b)) throw new TypeError(`compare: statistics shapes differ (${describe(a)} vs ${describe(b)}).`);
  if (typeof a === 'number') return f(a, b as number);
  if (a instanceof Float64Array) {
    const bb = b as Float64Array;
    checkLength(a.length, bb.length, 'compare');
    for (let i = 0; i < a.length; i++) f(a[i] as number, bb[i] as number);
    return;
  }
  if (Array.isArray(a)) {
    const bb = b as readonly Statistics[];
    checkLength(a.length, bb.length, 'compare');
    (a as readonly Statistics[]).forEach((x, i) => visitPairs(x, bb[i] as Statistics, f));
    return;
  }
  const ra = a as StatisticsRecord;
  const rb = b as StatisticsRecord;
  checkKeys(ra, rb, 'compare');
  for (const key of Object.keys(ra)) visitPairs(ra[key] as Statistics, rb[key] as Statistics, f);
}

/** Both records must have exactly the same keys (a key present on one side only is a shape error). */
function checkKeys(a: StatisticsRecord, b: StatisticsRecord, op: string): void {
  for (const key of Object.keys(a)) {
    if (!Object.hasOwn(b, key)) throw new TypeError(`${op}: statistics shapes differ: key "${key}" is missing.`);
  }
  for (const key of Object.keys(b)) {
    if (!Object.hasOwn(a, key)) throw new TypeError(`${op}: statistics shapes differ: unexpected key "${key}".`);
  }
}

function checkLength(a: number, b: number, op: string): void {
  if (a !== b) throw new TypeError(`${op}: statistics shapes differ (length ${a} vs ${b}).`);
}

function describe(s: Statistics): string {
  if (typeof s === 'number') return 'number';
  if (s instanceof Float64Array) return 'Float64Array';
  return Array.isArray(s) ? 'array' : 'record';
}
