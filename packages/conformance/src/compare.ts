/**
 * Structural comparison and copying of parameter trees, statistics and data: plain objects,
 * arrays, typed arrays, and class instances such as DenseMatrix (compared field by field, with
 * the same prototype). Used by the laws, and exported because model tests need the same checks.
 */

/** How two numbers are compared by `firstDifference`. */
export interface CompareOptions {
  /**
   * Relative tolerance: numbers a, b match when |a − b| ≤ relative·max(scale, |a|, |b|).
   * 0 (the default) means exact equality (0 and −0 match, NaN matches NaN).
   */
  readonly relative?: number;
  /** Magnitude below which the tolerance stops shrinking (default 1). */
  readonly scale?: number;
}

type TypedArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray;

function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function numbersMatch(a: number, b: number, options: CompareOptions): boolean {
  if (a === b) return true;
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  const relative = options.relative ?? 0;
  if (relative === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= relative * Math.max(options.scale ?? 1, Math.abs(a), Math.abs(b));
}

function describeNumberPair(path: string, a: number, b: number): string {
  const difference = Number.isFinite(a) && Number.isFinite(b) ? ` (difference ${Math.abs(a - b).toExponential(3)})` : '';
  return `${path}: ${String(a)} ≠ ${String(b)}${difference}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (isTypedArray(value)) return value.constructor.name;
  if (typeof value === 'object') {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === Object.prototype || prototype === null) return 'object';
    const constructor = (prototype as { constructor?: { name?: string } }).constructor;
    return constructor?.name ?? 'object';
  }
  return typeof value;
}

/**
 * The first place where `actual` and `expected` differ, as a readable path and values
 * ("θ.components.rates[2]: 1.5 ≠ 1.5000001 (difference 1.000e-7)"), or undefined when they
 * match. Types must match exactly: a number[] never equals a Float64Array, a class instance
 * only equals an instance of the same class.
 */
export function firstDifference(actual: unknown, expected: unknown, path = 'value', options: CompareOptions = {}): string | undefined {
  return compareAt(actual, expected, path, options, 0);
}

const MAX_DEPTH = 64;

function compareAt(actual: unknown, expected: unknown, path: string, options: CompareOptions, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return `${path}: nested deeper than ${MAX_DEPTH} levels (a cycle?)`;
  if (typeof actual === 'number' && typeof expected === 'number') {
    return numbersMatch(actual, expected, options) ? undefined : describeNumberPair(path, actual, expected);
  }
  const actualKind = kindOf(actual);
  const expectedKind = kindOf(expected);
  if (actualKind !== expectedKind) return `${path}: ${actualKind} where ${expectedKind} was expected`;
  if (typeof actual !== 'object' || actual === null) {
    return actual === expected ? undefined : `${path}: ${String(actual)} ≠ ${String(expected)}`;
  }
  if (isTypedArray(actual)) {
    const other = expected as TypedArray;
    if (actual.length !== other.length) return `${path}: length ${actual.length} ≠ ${other.length}`;
    for (let i = 0; i < actual.length; i++) {
      const a = actual[i] as number;
      const b = other[i] as number;
      if (!numbersMatch(a, b, options)) return describeNumberPair(`${path}[${i}]`, a, b);
    }
    return undefined;
  }
  if (Array.isArray(actual)) {
    const other = expected as readonly unknown[];
    if (actual.length !== other.length) return `${path}: length ${actual.length} ≠ ${other.length}`;
    for (let i = 0; i < actual.length; i++) {
      const difference = compareAt(actual[i], other[i], `${path}[${i}]`, options, depth + 1);
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  if (actual instanceof Map || actual instanceof Set) {
    const a = [...(actual as Map<unknown, unknown> | Set<unknown>).entries()];
    const b = [...(expected as Map<unknown, unknown> | Set<unknown>).entries()];
    return compareAt(a, b, `${path}.entries()`, options, depth + 1);
  }
  const a = actual as Record<string, unknown>;
  const b = expected as Record<string, unknown>;
  const actualKeys = Object.keys(a).sort();
  const expectedKeys = Object.keys(b).sort();
  for (const key of expectedKeys) if (!Object.prototype.hasOwnProperty.call(a, key)) return `${path}.${key}: missing`;
  for (const key of actualKeys) if (!Object.prototype.hasOwnProperty.call(b, key)) return `${path}.${key}: unexpected (not in the expected value)`;
  for (const key of expectedKeys) {
    const difference = compareAt(a[key], b[key], `${path}.${key}`, options, depth + 1);
    if (difference !== undefined) return difference;
  }
  return undefined;
}

/**
 * A deep copy that keeps types: typed arrays are copied onto fresh buffers (a view copies only
 * its window), class instances keep their prototype, Maps and Sets are copied entry by entry.
 * Used to detect mutation: copy, call, compare.
 */
export function deepClone<T>(value: T): T {
  return cloneAt(value, new Map<object, unknown>()) as T;
}

function cloneAt(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (isTypedArray(value)) {
    const copy = value.slice();
    seen.set(value, copy);
    return copy;
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(cloneAt(item, seen));
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map<unknown, unknown>();
    seen.set(value, copy);
    for (const [k, v] of value) copy.set(cloneAt(k, seen), cloneAt(v, seen));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set<unknown>();
    seen.set(value, copy);
    for (const v of value) copy.add(cloneAt(v, seen));
    return copy;
  }
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  seen.set(value, copy);
  for (const key of Object.keys(value)) {
    Object.defineProperty(copy, key, {
      value: cloneAt((value as Record<string, unknown>)[key], seen),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return copy;
}

/** Throws an Error naming the first difference (exact comparison unless `options.relative`). */
export function expectDeepEqual(actual: unknown, expected: unknown, label = 'value', options: CompareOptions = {}): void {
  const difference = firstDifference(actual, expected, label, options);
  if (difference !== undefined) throw new Error(`Expected equal values; first difference at ${difference}.`);
}

/** Tolerances of `expectClose` / `isClose`. */
export interface CloseOptions {
  /** Relative tolerance (default 1e-9), applied to max(1, |actual|, |expected|). */
  readonly relative?: number;
  /** Absolute tolerance added to the relative one (default 0). */
  readonly absolute?: number;
}

/** |actual − expected| ≤ absolute + relative·max(1, |actual|, |expected|); equal infinities and NaN/NaN match. */
export function isClose(actual: number, expected: number, options: CloseOptions = {}): boolean {
  if (actual === expected || (Number.isNaN(actual) && Number.isNaN(expected))) return true;
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) return false;
  const allowed = (options.absolute ?? 0) + (options.relative ?? 1e-9) * Math.max(1, Math.abs(actual), Math.abs(expected));
  return Math.abs(actual - expected) <= allowed;
}

/** Throws an Error with both values and the allowance unless `isClose(actual, expected, options)`. */
export function expectClose(actual: number, expected: number, label = 'value', options: CloseOptions = {}): void {
  if (isClose(actual, expected, options)) return;
  const allowed = (options.absolute ?? 0) + (options.relative ?? 1e-9) * Math.max(1, Math.abs(actual), Math.abs(expected));
  throw new Error(
    `${label}: expected ${String(expected)}, got ${String(actual)} (difference ${Math.abs(actual - expected).toExponential(3)} > allowed ${allowed.toExponential(3)}).`,
  );
}
