import { InvalidParametersError, type JsonValue } from '@em/core';

/** Parameters θ of a hidden Markov model with K states (plain data). */
export interface HmmParameters<C> {
  /** π: K probabilities, π_k = p(z_1 = k). */
  readonly startProbabilities: Float64Array;
  /** A: K×K row-major, A[i·K + j] = p(z_{t+1} = j | z_t = i); rows sum to 1. */
  readonly transitionMatrix: Float64Array;
  /** Emission components of the K states (the family's parameter type). */
  readonly emissions: C;
}

/** The same parameters as nested plain arrays (what `parameters` and `toJSON` show). */
export interface HmmParametersJson {
  readonly startProbabilities: readonly number[];
  readonly transitionMatrix: readonly (readonly number[])[];
  readonly emissions: JsonValue;
}

/** Tolerance on probability sums (rows of A, π). */
export const SUM_TOLERANCE = 1e-8;

/** Throws InvalidParametersError unless `values[offset..offset+k)` is a probability vector. */
export function validateProbabilityRow(values: ArrayLike<number>, offset: number, k: number, name: string): void {
  let sum = 0;
  for (let j = 0; j < k; j++) {
    const v = values[offset + j] as number;
    if (!Number.isFinite(v) || v < 0 || v > 1 + SUM_TOLERANCE) {
      throw new InvalidParametersError(`${name}[${j}] = ${String(v)} is not a probability.`, `Every entry of ${name} must be a finite number in [0, 1].`, {
        parameter: name,
        index: j,
      });
    }
    sum += v;
  }
  if (sum === 0) {
    throw new InvalidParametersError(`${name} sums to zero.`, `Give ${name} at least one positive entry (the row of a state must lead somewhere).`, {
      parameter: name,
    });
  }
  if (Math.abs(sum - 1) > SUM_TOLERANCE) {
    throw new InvalidParametersError(`${name} sums to ${sum}, not 1.`, `Normalise ${name} (divide each entry by the sum).`, { parameter: name, sum });
  }
}

/** Checks π and A (shapes, entries in [0, 1], rows summing to 1). */
export function validateChain(start: Float64Array, transition: Float64Array, k: number): void {
  if (start.length !== k) {
    throw new InvalidParametersError(`startProbabilities has ${start.length} entries; the model has ${k} states.`, `Give ${k} start probabilities.`, {
      parameter: 'startProbabilities',
    });
  }
  if (transition.length !== k * k) {
    throw new InvalidParametersError(
      `transitionMatrix has ${transition.length} entries; a ${k}-state model needs ${k}×${k} = ${k * k}.`,
      `Give a ${k}×${k} transition matrix.`,
      { parameter: 'transitionMatrix' },
    );
  }
  validateProbabilityRow(start, 0, k, 'startProbabilities');
  for (let i = 0; i < k; i++) validateProbabilityRow(transition, i * k, k, `transitionMatrix[${i}]`);
}

/** Reads a JSON vector of numbers. */
export function vectorFromJson(value: JsonValue | undefined, name: string, length?: number): Float64Array {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number')) {
    throw new InvalidParametersError(`${name} must be an array of numbers.`, `Give ${name} as a JSON array${length === undefined ? '' : ` of ${length} numbers`}.`, {
      parameter: name,
    });
  }
  if (length !== undefined && value.length !== length) {
    throw new InvalidParametersError(`${name} has ${value.length} entries; expected ${length}.`, `Give exactly ${length} numbers.`, { parameter: name });
  }
  return Float64Array.from(value as number[]);
}

/** Reads a JSON square matrix (nested arrays) into a row-major Float64Array. */
export function squareMatrixFromJson(value: JsonValue | undefined, name: string, k: number): Float64Array {
  if (!Array.isArray(value) || value.length !== k) {
    throw new InvalidParametersError(
      `${name} must be ${k} rows of ${k} numbers.`,
      `Give ${name} as nested arrays, e.g. [[0.9, 0.1], [0.2, 0.8]] for 2 states.`,
      { parameter: name },
    );
  }
  const out = new Float64Array(k * k);
  (value as readonly JsonValue[]).forEach((row, i) => out.set(vectorFromJson(row, `${name}[${i}]`, k), i * k));
  return out;
}

/** Row-major K×K as nested arrays. */
export function matrixToArrays(values: Float64Array, k: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < k; i++) out.push(Array.from(values.subarray(i * k, (i + 1) * k)));
  return out;
}
