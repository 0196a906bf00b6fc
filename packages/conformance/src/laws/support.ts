import type { EStepResult, EmModel, FitEvent, MStepContext, Statistics } from '@em/core';
import { addStatistics } from '@em/core';
import type { ConformanceCase, ResolvedSettings } from '../options.js';

/** Extra generated values every law may use: a seed for `Random`, and a chunk count. */
export interface LawAuxiliary {
  readonly seed: number;
  readonly parts: number;
}

/** A law: given the settings, one check of one generated case (throws to report a violation). */
export type LawCheck = <P, D, S extends Statistics>(settings: ResolvedSettings<P, D, S>, testCase: ConformanceCase<P, D>, auxiliary: LawAuxiliary) => void;

/** A violated law: thrown inside the property, reported by fast-check with the counterexample. */
export class LawViolation extends Error {
  /** The model's own error, when the violation is that a model call threw. */
  readonly modelError: unknown;

  constructor(message: string, modelError?: unknown) {
    super(message);
    this.name = 'LawViolation';
    this.modelError = modelError;
  }
}

export function violation(message: string): never {
  throw new LawViolation(message);
}

/** Round-off allowance tol·max(1, |reference|). */
export function allowance(tolerance: number, reference: number): number {
  return tolerance * Math.max(1, Math.abs(reference));
}

/** Formats a number for messages (full precision). */
export function show(value: number): string {
  return Number.isFinite(value) ? value.toPrecision(17).replace(/\.?0+(e|$)/, '$1') : String(value);
}

/** An M-step context that keeps the reported events. */
export function recordingContext(iteration: number, events: FitEvent[]): MStepContext {
  return { iteration, report: (event) => void events.push(event) };
}

/** Runs a model call, turning an exception into a message that names the call. */
export function call<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof LawViolation) throw error;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new LawViolation(`${what} threw ${message}`, error);
  }
}

/** Validates the generated case so that a bad arbitrary is reported as such, not as a law violation. */
export function validateCase<P, D, S extends Statistics>(model: EmModel<P, D, S>, testCase: ConformanceCase<P, D>): void {
  call('validateData on the generated data (fix the data arbitrary)', () => model.validateData(testCase.data, testCase.parameters));
  call('validateParameters on the generated parameters (fix the parameters arbitrary)', () => model.validateParameters(testCase.parameters));
}

/** Sum of E-step results over chunks, in order, with the algebra's add (no in-place updates). */
export function sumResults<S extends Statistics>(results: readonly EStepResult<S>[]): EStepResult<S> {
  let statistics = (results[0] as EStepResult<S>).statistics;
  let logLikelihood = (results[0] as EStepResult<S>).logLikelihood;
  for (let i = 1; i < results.length; i++) {
    const result = results[i] as EStepResult<S>;
    statistics = call('addStatistics on E-step statistics of two chunks', () => addStatistics(statistics, result.statistics));
    logLikelihood += result.logLikelihood;
  }
  return { statistics, logLikelihood };
}

/** Splits data and checks the contract of splitData: 1..parts non-empty chunks covering the data. */
export function splitChecked<P, D, S extends Statistics>(model: EmModel<P, D, S>, data: D, parts: number): D[] {
  const chunks = call(`splitData(data, ${parts})`, () => model.splitData(data, parts));
  if (chunks.length < 1 || chunks.length > parts) violation(`splitData(data, ${parts}) returned ${chunks.length} chunks; expected between 1 and ${parts}.`);
  const whole = model.observationCount(data);
  let total = 0;
  for (const chunk of chunks) total += model.observationCount(chunk);
  if (Math.abs(total - whole) > 1e-9 * Math.max(1, whole)) {
    violation(`splitData(data, ${parts}) returned chunks with ${show(total)} observations in total; the data has ${show(whole)}.`);
  }
  return chunks;
}

/** Options for a deterministic, fixed-length fit from θ_0 (tolerance 0 runs every iteration). */
export function fixedFitOptions<P>(initialParameters: P, iterations: number, chunks: number, events: FitEvent[]) {
  return { initialParameters, maxIterations: iterations, tolerance: 0, chunks, onEvent: (event: FitEvent) => void events.push(event) } as const;
}

/** Checks that a sequence never drops by more than tol·max(1, |previous|); returns the failing step. */
export function firstDecrease(values: readonly number[], tolerance: number): number | undefined {
  for (let t = 1; t < values.length; t++) {
    const previous = values[t - 1] as number;
    const current = values[t] as number;
    if (Number.isNaN(current)) return t;
    if (previous === -Infinity) continue;
    if (current < previous - allowance(tolerance, previous)) return t;
  }
  return undefined;
}

export function showSequence(values: readonly number[]): string {
  return `[${values.map(show).join(', ')}]`;
}
