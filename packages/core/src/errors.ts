/**
 * Typed errors. Every message names the problem (with the offending index or parameter) and
 * what to do about it; `details` carries the same facts as data for programs.
 */
export type EmErrorCode =
  | 'INVALID_DATA'
  | 'INVALID_PARAMETERS'
  | 'INVALID_OPTIONS'
  | 'DEGENERATE_MODEL'
  | 'IMPOSSIBLE_OBSERVATION'
  | 'FORMAT'
  | 'ABORTED'
  | 'MEMORY_BUDGET'
  | 'NUMERICAL'
  | 'WORKER'
  | 'NOT_FITTED';

export interface EmErrorDetails {
  readonly [key: string]: string | number | boolean | readonly number[] | undefined;
}

export class EmError extends Error {
  readonly code: EmErrorCode;
  /** What the caller can do about it, in one sentence. */
  readonly remedy: string;
  readonly details: EmErrorDetails;

  constructor(code: EmErrorCode, problem: string, remedy: string, details: EmErrorDetails = {}) {
    super(remedy ? `${problem} ${remedy}` : problem);
    this.name = new.target.name;
    this.code = code;
    this.remedy = remedy;
    this.details = details;
  }
}

/** The data given to a model is malformed: wrong shape, NaN/Infinity, negative counts, empty… */
export class InvalidDataError extends EmError {
  constructor(problem: string, remedy: string, details: EmErrorDetails = {}) {
    super('INVALID_DATA', problem, remedy, details);
  }
}

/** Model parameters are not valid (not on the simplex, not positive definite, wrong shape…). */
export class InvalidParametersError extends EmError {
  constructor(problem: string, remedy: string, details: EmErrorDetails = {}) {
    super('INVALID_PARAMETERS', problem, remedy, details);
  }
}

/** An option passed to a model or a fit loop is out of range or inconsistent. */
export class InvalidOptionsError extends EmError {
  constructor(problem: string, remedy: string, details: EmErrorDetails = {}) {
    super('INVALID_OPTIONS', problem, remedy, details);
  }
}

/** The fit reached a degenerate point (a collapsed component, a singular covariance…). */
export class DegenerateModelError extends EmError {
  constructor(problem: string, remedy: string, details: EmErrorDetails = {}) {
    super('DEGENERATE_MODEL', problem, remedy, details);
  }
}

/** An observation has probability zero under every latent state: the log-likelihood is −∞. */
export class ImpossibleObservationError extends EmError {
  constructor(problem: string, remedy: string, details: EmErrorDetails = {}) {
    super('IMPOSSIBLE_OBSERVATION', problem, remedy, details);
  }
}

/** A serialised model or an input file does not have the expected format. */
export class FormatError extends EmError {
  constructor(problem: string, remedy: string, details: EmErrorDetails = {}) {
    super('FORMAT', problem, remedy, details);
  }
}

/** The fit was stopped through its AbortSignal (only thrown where no partial result can be returned). */
export class AbortedError extends EmError {
  constructor(problem = 'The fit was aborted.', remedy = '') {
    super('ABORTED', problem, remedy);
  }
}

/**
 * An allocation implied by the input (a declared shape, a symbol count, a number of states or
 * workers) would exceed the memory budget. Thrown before anything large is allocated;
 * `details.bytes` and `details.budget` say by how much.
 */
export class MemoryBudgetError extends EmError {
  constructor(problem: string, remedy: string, details: EmErrorDetails = {}) {
    super('MEMORY_BUDGET', problem, remedy, details);
  }
}

/**
 * A computation left the finite numbers (an objective of ±Infinity or NaN, a value whose square
 * overflows): the result would be meaningless, so nothing is reported as a success.
 */
export class NumericalError extends EmError {
  constructor(problem: string, remedy: string, details: EmErrorDetails = {}) {
    super('NUMERICAL', problem, remedy, details);
  }
}

/** A worker thread failed (exited, crashed, timed out): the original failure is in `cause`. */
export class WorkerError extends EmError {
  constructor(problem: string, remedy: string, details: EmErrorDetails = {}, options: { cause?: unknown } = {}) {
    super('WORKER', problem, remedy, details);
    if (options.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false, writable: true, configurable: true });
  }
}

/** A member that needs fitted parameters (predict, score, parameters, toJSON…) was called before `fit`. */
export class NotFittedError extends EmError {
  constructor(problem: string, remedy: string, details?: EmErrorDetails);
  /** `new NotFittedError('GaussianMixture', 'predict')`: the message names the class and the member. */
  constructor(estimator: string, member: string);
  constructor(first: string, second: string, details?: EmErrorDetails) {
    if (details !== undefined) super('NOT_FITTED', first, second, details);
    else {
      super(
        'NOT_FITTED',
        `${first}.${second} needs fitted parameters, and this ${first} has not been fitted.`,
        `Call fit(data) first, or setParameters(...), or load a saved model with ${first}.fromJSON(...).`,
        { estimator: first, member: second },
      );
    }
  }
}

/** Throws InvalidOptionsError unless `value` is an integer in [min, max]. */
export function assertInteger(value: number, name: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new InvalidOptionsError(`${name} must be an integer ${range}; got ${String(value)}.`, `Pass an integer ${range}.`, {
      option: name,
    });
  }
}

/** Throws InvalidOptionsError unless `value` is a finite number ≥ min. */
export function assertFiniteAtLeast(value: number, name: string, min: number): void {
  if (!Number.isFinite(value) || value < min) {
    throw new InvalidOptionsError(`${name} must be a finite number ≥ ${min}; got ${String(value)}.`, `Pass a finite number ≥ ${min}.`, {
      option: name,
    });
  }
}
