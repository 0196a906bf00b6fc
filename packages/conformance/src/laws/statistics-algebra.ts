import {
  accumulateInto,
  addScaled,
  addStatistics,
  cloneStatistics,
  isFiniteStatistics,
  maxAbsDifference,
  maxAbsValue,
  scaleStatistics,
  statisticsFromJSON,
  statisticsToJSON,
  type StatisticsJson,
  type Statistics,
} from '@em/core';
import { deepClone, firstDifference } from '../compare.js';
import type { ConformanceCase, ResolvedSettings } from '../options.js';
import { call, show, splitChecked, validateCase, violation, type LawAuxiliary } from './support.js';

/** Names the first node that is not plain statistics data (number, Float64Array, array, plain record). */
export function nonPlainStatistics(value: unknown, path: string, depth = 0): string | undefined {
  if (depth > 64) return `${path}: nested deeper than 64 levels`;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} = ${String(value)} is not finite`;
  if (value instanceof Float64Array) {
    for (let i = 0; i < value.length; i++) if (!Number.isFinite(value[i] as number)) return `${path}[${i}] = ${String(value[i])} is not finite`;
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nonPlainStatistics(value[i], `${path}[${i}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      const name = ArrayBuffer.isView(value) ? value.constructor.name : ((prototype as { constructor?: { name?: string } }).constructor?.name ?? 'unknown');
      return `${path} is a ${name}; statistics must be numbers, Float64Arrays, arrays or plain records`;
    }
    for (const [key, child] of Object.entries(value)) {
      const found = nonPlainStatistics(child, `${path}.${key}`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return `${path} is a ${typeof value}; statistics must be numbers, Float64Arrays, arrays or plain records`;
}

/**
 * Law 4. Statistics are plain, finite sums that core's algebra can merge: add is commutative and
 * associative, zeroStatistics(θ) is its identity (same shape, all zeros), adding s scaled by −1
 * gives zero, and they survive structured cloning and JSON exactly.
 */
export function checkStatisticsAlgebra<P, D, S extends Statistics>(
  settings: ResolvedSettings<P, D, S>,
  testCase: ConformanceCase<P, D>,
  auxiliary: LawAuxiliary,
): void {
  const model = settings.model(testCase);
  validateCase(model, testCase);
  const { data, parameters } = testCase;
  const chunks = splitChecked(model, data, Math.max(2, auxiliary.parts));
  const whole = call('eStep on the whole data', () => model.eStep(parameters, data)).statistics;
  const first = call('eStep on the first chunk', () => model.eStep(parameters, chunks[0] as D)).statistics;
  const last = call('eStep on the last chunk', () => model.eStep(parameters, chunks[chunks.length - 1] as D)).statistics;
  const zero = call('zeroStatistics', () => model.zeroStatistics(parameters));
  const named: Array<readonly [string, Statistics]> = [
    ['eStep statistics (whole data)', whole],
    ['eStep statistics (first chunk)', first],
    ['eStep statistics (last chunk)', last],
    ['zeroStatistics(θ)', zero],
  ];
  for (const [name, statistics] of named) {
    const problem = nonPlainStatistics(statistics, name);
    if (problem !== undefined) violation(`Statistics must be plain finite data: ${problem}.`);
    if (!isFiniteStatistics(statistics)) violation(`${name} has a non-finite entry.`);
  }
  if (maxAbsValue(zero) !== 0) violation(`zeroStatistics(θ) is not all zeros (largest |entry| ${show(maxAbsValue(zero))}); it must be the identity of addStatistics.`);
  for (const [name, statistics] of named) {
    const shape = firstDifference(scaleStatistics(statistics, 0), zero, name);
    if (shape !== undefined) violation(`${name} and zeroStatistics(θ) differ in shape: ${shape}.`);
  }

  const scale = Math.max(1, maxAbsValue(whole), maxAbsValue(first), maxAbsValue(last));
  const limit = settings.tolerance.algebra * scale;
  const copies = [deepClone(whole), deepClone(first), deepClone(last), deepClone(zero)] as const;
  const expectClose = (what: string, actual: Statistics, expected: Statistics): void => {
    const difference = call(what, () => maxAbsDifference(actual, expected));
    if (!(difference <= limit)) violation(`${what}: the two sides differ by ${show(difference)} (allowed ${show(limit)}).`);
  };
  const add = (a: S, b: S): S => call('addStatistics', () => addStatistics(a, b));
  expectClose('commutativity: first + last vs last + first', add(first, last), add(last, first));
  expectClose('associativity: (first + last) + whole vs first + (last + whole)', add(add(first, last), whole), add(first, add(last, whole)));
  expectClose('identity: whole + zeroStatistics vs whole', add(whole, zero), whole);
  expectClose('identity: zeroStatistics + whole vs whole', add(zero, whole), whole);
  expectClose('inverse: addScaled(whole, whole, −1) vs zeroStatistics', call('addScaled', () => addScaled(whole, whole, -1)), zero);
  expectClose('inverse: whole + scaleStatistics(whole, −1) vs zeroStatistics', add(whole, scaleStatistics(whole, -1)), zero);
  expectClose('in place: accumulateInto(copy of first, last) vs first + last', call('accumulateInto', () => accumulateInto(cloneStatistics(first), last)), add(first, last));
  for (const [i, original] of [whole, first, last, zero].entries()) {
    const changed = firstDifference(original, copies[i], (named[i] as readonly [string, Statistics])[0]);
    if (changed !== undefined) violation(`Statistics changed while only being read by the algebra (they alias each other or a model buffer?): ${changed}.`);
  }

  if (typeof structuredClone === 'function') {
    const cloned = call('structuredClone of the statistics', () => structuredClone(whole));
    const difference = firstDifference(cloned, whole, 'structuredClone(statistics)');
    if (difference !== undefined) violation(`Statistics do not survive structured cloning (as sent to worker threads): ${difference}.`);
  }
  const text = JSON.stringify(statisticsToJSON(whole));
  const back = statisticsFromJSON(JSON.parse(text) as StatisticsJson);
  const jsonDifference = firstDifference(back, whole, 'statisticsFromJSON(statisticsToJSON(statistics))');
  if (jsonDifference !== undefined) violation(`Statistics do not survive statisticsToJSON/statisticsFromJSON exactly: ${jsonDifference}.`);
}
