import { FormatError, InvalidParametersError } from '@em/core';

// Shape checks for the JSON documents given with --init: each failure names the field and says
// what the whole document should look like (`expected`).

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function numberArray(value: unknown, label: string, expected: string): number[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'number')) {
    throw new FormatError(`${label} must be an array of numbers.`, `Expected ${expected}.`);
  }
  return value as number[];
}

export function numberMatrix(value: unknown, label: string, expected: string): number[][] {
  if (!Array.isArray(value)) throw new FormatError(`${label} must be an array of arrays of numbers.`, `Expected ${expected}.`);
  return value.map((row, i) => numberArray(row, `${label}[${i}]`, expected));
}

/** A length that must equal `wanted`; `problem` says what is off, `remedy` what to do. */
export function expectLength(actual: number, wanted: number, problem: string, remedy: string, parameter: string): void {
  if (actual !== wanted) throw new InvalidParametersError(`${problem}.`, remedy, { parameter });
}
