import { CsrMatrix } from '../data/csr-matrix.js';
import { DenseMatrix } from '../data/dense-matrix.js';
import { Sequences } from '../data/sequences.js';
import {
  EmError,
  type EmErrorCode,
  type EmErrorDetails,
  DegenerateModelError,
  FormatError,
  ImpossibleObservationError,
  InvalidDataError,
  InvalidOptionsError,
  InvalidParametersError,
  AbortedError,
  MemoryBudgetError,
  NotFittedError,
  NumericalError,
  WorkerError,
} from '../errors.js';

/**
 * Structured clone (postMessage) keeps typed arrays but drops class prototypes: a DenseMatrix
 * arrives in a worker as a plain { rows, cols, data } object. `reviveData` rebuilds the core
 * data containers anywhere inside a value, by shape.
 */
export function reviveData(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value)) return value;
  if (value instanceof DenseMatrix || value instanceof CsrMatrix || value instanceof Sequences) return value;
  if (Array.isArray(value)) return value.map(reviveData);
  const record = value as Record<string, unknown>;
  if (record['data'] instanceof Float64Array && typeof record['rows'] === 'number' && typeof record['cols'] === 'number') {
    return new DenseMatrix(record['data'], record['rows'], record['cols']);
  }
  if (record['indptr'] instanceof Int32Array && record['indices'] instanceof Int32Array && record['values'] instanceof Float64Array && typeof record['cols'] === 'number') {
    return new CsrMatrix(record['indptr'], record['indices'], record['values'], record['cols']);
  }
  if ('observations' in record && record['lengths'] instanceof Int32Array && record['offsets'] instanceof Float64Array) {
    return new Sequences(reviveData(record['observations']) as DenseMatrix, record['lengths']);
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(record)) out[key] = reviveData(v);
  return out;
}

/** A typed error as plain data, to cross a thread boundary. */
export interface SerializedError {
  /** The error's class name (`InvalidDataError`, `TypeError`, …). */
  readonly name: string;
  /** The `EmError` code, when the error was one: it picks the class rebuilt on the receiving side. */
  readonly code?: EmErrorCode;
  /** The error's message. */
  readonly message: string;
  /** What the user can do about it (an `EmError`'s remedy). */
  readonly remedy?: string;
  /** Where the problem is (row, column, option), when the error says. */
  readonly details?: EmErrorDetails;
  /** The stack trace from the thread that threw. */
  readonly stack?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof EmError) {
    const problem = error.remedy !== '' && error.message.endsWith(error.remedy) ? error.message.slice(0, -error.remedy.length).trimEnd() : error.message;
    return { name: error.name, code: error.code, message: problem, remedy: error.remedy, details: error.details };
  }
  if (error instanceof Error) return error.stack === undefined ? { name: error.name, message: error.message } : { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

/** Rebuilds the typed error (same class, code, remedy and details) on this side; any other error becomes a WorkerError. */
export function deserializeError(e: SerializedError): Error {
  const remedy = e.remedy ?? '';
  const details = e.details ?? {};
  switch (e.code) {
    case 'INVALID_DATA':
      return new InvalidDataError(e.message, remedy, details);
    case 'INVALID_PARAMETERS':
      return new InvalidParametersError(e.message, remedy, details);
    case 'INVALID_OPTIONS':
      return new InvalidOptionsError(e.message, remedy, details);
    case 'DEGENERATE_MODEL':
      return new DegenerateModelError(e.message, remedy, details);
    case 'IMPOSSIBLE_OBSERVATION':
      return new ImpossibleObservationError(e.message, remedy, details);
    case 'FORMAT':
      return new FormatError(e.message, remedy, details);
    case 'ABORTED':
      return new AbortedError(e.message, remedy);
    case 'MEMORY_BUDGET':
      return new MemoryBudgetError(e.message, remedy, details);
    case 'NUMERICAL':
      return new NumericalError(e.message, remedy, details);
    case 'WORKER':
      return new WorkerError(e.message, remedy, details);
    case 'NOT_FITTED':
      return new NotFittedError(e.message, remedy, details);
    default: {
      // Not one of ours (a TypeError in model code, say): a WorkerError, with the original as cause.
      const cause = new Error(e.message);
      cause.name = e.name;
      if (e.stack !== undefined) cause.stack = e.stack;
      const firstLine = e.message.split('\n', 1)[0] ?? '';
      return new WorkerError(
        `An E-step threw ${e.name} in a worker thread: ${firstLine}`,
        'Run the same fit without an executor to see where it is thrown; report it if it comes from an @em package.',
        { errorName: e.name },
        { cause },
      );
    }
  }
}
