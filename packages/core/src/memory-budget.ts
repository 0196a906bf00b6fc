import { InvalidOptionsError, MemoryBudgetError } from './errors.js';

/**
 * One memory budget for everything the library allocates on the strength of its input: a dense
 * matrix whose shape a file declares, an HMM's state × symbol tables, a categorical code's table,
 * worker threads. Shapes are checked against the budget *before* allocating, so a 70-byte file
 * that claims 10⁹ rows is refused in microseconds instead of taking gigabytes.
 *
 * The budget covers what the library allocates beyond the arrays the caller already holds; it is
 * not a cap on the process. The default, 256 MiB, fits every shipped example and benchmark with
 * room to spare; raise it with `memoryBudget` (library) or `--memory-budget` (CLI), e.g. `4GiB`.
 */
export const DEFAULT_MEMORY_BUDGET = 256 * 1024 * 1024;

/** Fixed cost of one worker thread (its V8 isolate, heap and module graph), in bytes: a Gaussian-mixture worker measured 20 MiB on Node 20. */
export const WORKER_THREAD_BYTES = 20 * 1024 * 1024;

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};

/**
 * Reads a byte size: a plain decimal number of bytes (`1048576`) or a decimal number with a unit
 * (`512MB`, `1.5 GiB`, `256m`; k/m/g/t alone are binary). Throws InvalidOptionsError otherwise.
 */
export function parseByteSize(text: string, option = 'memoryBudget'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = match?.[2]?.toLowerCase() ?? '';
  const factor = unit === '' ? 1 : UNITS[unit];
  if (match === null || factor === undefined) {
    throw new InvalidOptionsError(`${option} "${text}" is not a byte size.`, 'Write a number of bytes or a number with a unit, e.g. 512MB, 2GiB or 268435456.', { option });
  }
  return resolveMemoryBudget(Number(match[1]) * factor, option);
}

/** The budget in bytes: `undefined` gives the default; a string is parsed by parseByteSize. */
export function resolveMemoryBudget(value: number | string | undefined, option = 'memoryBudget'): number {
  if (value === undefined) return DEFAULT_MEMORY_BUDGET;
  if (typeof value === 'string') return parseByteSize(value, option);
  if (typeof value !== 'number' || !(value >= 1024 * 1024) || !Number.isFinite(value)) {
    throw new InvalidOptionsError(`${option} must be a finite number of bytes ≥ 1 MiB; got ${String(value)}.`, `Pass e.g. { ${option}: 2 ** 30 } (1 GiB) or '1GiB'.`, { option });
  }
  return Math.floor(value);
}

/** Human-readable bytes (binary units), for messages. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value.toFixed(0) : value.toPrecision(3)} ${units[unit]}`;
}

/**
 * Throws MemoryBudgetError when `bytes` (computed in floating point, so 10⁹ × 10⁹ × 8 does not
 * wrap) exceeds `budget`. `what` names the allocation ("a dense 1000000000 × 2 matrix"), `remedy`
 * says what else the user can do besides raising the budget.
 */
export function checkAllocation(bytes: number, budget: number, what: string, remedy = ''): void {
  if (Number.isFinite(bytes) && bytes >= 0 && bytes <= budget) return;
  const raise = `raise the memory budget (memoryBudget / --memory-budget, now ${formatBytes(budget)}) if the machine has the memory`;
  throw new MemoryBudgetError(
    `${what} needs ${formatBytes(bytes)}, more than the memory budget of ${formatBytes(budget)}.`,
    remedy === '' ? `Check the input, or ${raise}.` : `${remedy}; or ${raise}.`,
    { bytes: Number.isFinite(bytes) ? bytes : -1, budget, what },
  );
}

/** Bytes of `count` float64 values (a Float64Array of that length), as a float (no overflow). */
export function float64Bytes(...dimensions: number[]): number {
  let bytes = 8;
  for (const d of dimensions) bytes *= d;
  return bytes;
}
