import { NumericalError } from '@em/core';

/**
 * Refuses to print a result holding NaN or ±Infinity. A fit or a prediction that produced a
 * non-finite number did not succeed, whatever the model says; printing it with exit code 0 (or as
 * `null` in JSON) would pass a failure off as a result. Throws NumericalError naming the first
 * offending field (e.g. `probabilities[3][1]`), so the command exits 1 with one line on stderr.
 *
 * `exempt` names top-level fields that may be non-finite by definition (secondsPerIteration is NaN
 * when no iteration ran).
 */
export function assertFiniteOutput(value: unknown, what: string, exempt: readonly string[] = []): void {
  const path = firstNonFinite(value, '', exempt, 0);
  if (path === undefined) return;
  throw new NumericalError(
    `${what}: ${path.path === '' ? 'the value' : path.path} is ${String(path.value)}, so the result is not valid.`,
    'Rescale the data (values near ±1e154 or beyond overflow squared distances), check the input for extreme values, or use a model with a regularising prior (--prior default).',
    { field: path.path },
  );
}

/** Deep enough for every model's parameters ([K][J][M] tables); deeper nesting is not produced by this program. */
const MAX_DEPTH = 16;

function firstNonFinite(value: unknown, path: string, exempt: readonly string[], depth: number): { path: string; value: number } | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, value };
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) return undefined;
    const items = value as unknown as ArrayLike<number | bigint>;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (typeof item === 'number' && !Number.isFinite(item)) return { path: `${path}[${i}]`, value: item };
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstNonFinite(value[i], `${path}[${i}]`, exempt, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (depth === 0 && exempt.includes(key)) continue;
    const found = firstNonFinite(item, path === '' ? key : `${path}.${key}`, exempt, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
