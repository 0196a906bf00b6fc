/**
 * Forward and backward loops for one K (3 ≤ K ≤ 16), fully unrolled over the states: α̂_{t−1},
 * β̂_{t+1} and the ξ sums live in locals and every index is a constant, which makes the K×K work
 * per step 3–4× faster in V8 than the general loops (measured for K = 5 and 10; bench/phases.ts).
 * The source is generated once per K from integers only and compiled with `new Function`; where
 * that is not allowed (a Content-Security-Policy without 'unsafe-eval'), `unrolledKernels`
 * returns undefined and the general loops of forward-backward.ts run instead.
 *
 * Same recursions and conventions as forward-backward.ts (round-off differs: sums run in state
 * order in one expression).
 */

import { exponential } from './exponential.js';

/**
 * Forward pass over steps first … end − 1 of a sequence (α̂_{first−1} read back from `forward`):
 * returns the first impossible step, or −1. `transition` is A row-major; buffers as in
 * ForwardBackwardWorkspace. The tabulated variant reads b_t from `table` at row codes[offset + t]
 * (and m_t from `symbolShifts`) instead of `emission`; the others ignore the last four arguments.
 */
export type UnrolledForward = (
  first: number,
  end: number,
  start: Float64Array,
  transition: Float64Array,
  emission: Float64Array,
  forward: Float64Array,
  scales: Float64Array,
  shifts: Float64Array,
  codes: Float64Array,
  offset: number,
  table: Float64Array,
  symbolShifts: Float64Array,
) => number;

/**
 * Backward pass over steps end − 1 down to first (each needs step t + 1): turns α̂_t in `gamma`
 * into γ_t, carrying β̂ in `beta` (K), and adds Σ_t α̂_t(i)·b_{t+1}(j)β̂_{t+1}(j)/c_{t+1} into `outer`
 * (K×K, not yet multiplied by A_ij) and Σ_t γ_t into `occupancy` (K).
 */
export type UnrolledBackward = (
  first: number,
  end: number,
  transition: Float64Array,
  emission: Float64Array,
  gamma: Float64Array,
  scales: Float64Array,
  beta: Float64Array,
  outer: Float64Array,
  occupancy: Float64Array,
  codes: Float64Array,
  offset: number,
  table: Float64Array,
) => void;

/**
 * Steps per kernel call. Short calls let V8 optimise a kernel after a few calls instead of
 * in the middle of one long loop (on-stack replacement, which left the first E-steps of a
 * 10^6-step sequence running unoptimised code); the state carried between calls is O(K²).
 */
export const UNROLLED_CHUNK = 4096;

export interface UnrolledKernels {
  readonly forwardLog: UnrolledForward;
  readonly forwardPrescaled: UnrolledForward;
  readonly forwardTabulated: UnrolledForward;
  readonly backward: UnrolledBackward;
  /** Reads b_{t+1} from `table` at row codes[offset + t + 1] (see ForwardTable in forward-backward.ts). */
  readonly backwardTabulated: UnrolledBackward;
}

/** Largest K with generated kernels (the backward body grows as 3K² terms). */
export const MAX_UNROLLED_STATES = 16;

const cache = new Map<number, UnrolledKernels | null>();
const FORWARD_PARAMETERS = ['first', 'end', 'start', 'transition', 'emission', 'forward', 'scales', 'shifts', 'codes', 'offset', 'table', 'symbolShifts'];
const BACKWARD_PARAMETERS = ['first', 'end', 'transition', 'emission', 'gamma', 'scales', 'beta', 'outer', 'occupancy', 'codes', 'offset', 'table'];

/** The kernels for K states, or undefined (K out of range, or code generation not allowed). */
export function unrolledKernels(k: number): UnrolledKernels | undefined {
  if (!Number.isInteger(k) || k < 3 || k > MAX_UNROLLED_STATES) return undefined;
  let kernels = cache.get(k);
  if (kernels === undefined) {
    try {
      kernels = {
        forwardLog: compile<UnrolledForward>(FORWARD_PARAMETERS, forwardSource(k, 'log')),
        forwardPrescaled: compile<UnrolledForward>(FORWARD_PARAMETERS, forwardSource(k, 'prescaled')),
        forwardTabulated: compile<UnrolledForward>(FORWARD_PARAMETERS, forwardSource(k, 'tabulated')),
        backward: compile<UnrolledBackward>(BACKWARD_PARAMETERS, backwardSource(k, false)),
        backwardTabulated: compile<UnrolledBackward>(BACKWARD_PARAMETERS, backwardSource(k, true)),
      };
      warmUp(k, kernels);
    } catch {
      kernels = null;
    }
    cache.set(k, kernels);
  }
  return kernels ?? undefined;
}

/**
 * Runs each kernel on a short uniform sequence, so V8 has type feedback for every statement
 * — including the code after the loops — before the first long sequence. Without it the
 * optimised code that V8 compiles in the middle of that first loop (on-stack replacement) lacks
 * feedback for the stores after the loop and is thrown away there, again and again (measured:
 * 4× slower E-steps for K = 10).
 */
function warmUp(k: number, kernels: UnrolledKernels): void {
  const length = 3;
  const uniform = new Float64Array(k).fill(1 / k);
  const transition = new Float64Array(k * k).fill(1 / k);
  const emission = new Float64Array(length * k);
  const forward = new Float64Array(length * k);
  const scales = new Float64Array(length);
  const shifts = new Float64Array(length);
  const beta = new Float64Array(k).fill(1);
  const outer = new Float64Array(k * k);
  const occupancy = new Float64Array(k);
  const codes = new Float64Array(length);
  const table = new Float64Array(k).fill(1);
  const symbolShifts = new Float64Array(1);
  // V8 allocates a function's feedback vector only after a few calls: hence several rounds.
  for (let round = 0; round < 12; round++) {
    kernels.forwardLog(0, length, uniform, transition, emission, forward, scales, shifts, codes, 0, table, symbolShifts);
    kernels.forwardPrescaled(0, 1, uniform, transition, emission, forward, scales, shifts, codes, 0, table, symbolShifts);
    kernels.forwardPrescaled(1, length, uniform, transition, emission, forward, scales, shifts, codes, 0, table, symbolShifts);
    kernels.backward(0, length - 1, transition, emission, forward, scales, beta, outer, occupancy, codes, 0, table);
    kernels.forwardTabulated(0, 1, uniform, transition, emission, forward, scales, shifts, codes, 0, table, symbolShifts);
    kernels.forwardTabulated(1, length, uniform, transition, emission, forward, scales, shifts, codes, 0, table, symbolShifts);
    kernels.backwardTabulated(0, length - 1, transition, emission, forward, scales, beta, outer, occupancy, codes, 0, table);
  }
}

function compile<F>(parameters: readonly string[], body: string): F {
  // The body is built from integer indices only (no user data); see the file comment. It sees
  // one binding besides its parameters: `exponential` (exponential.ts).
  const factory = new Function('exponential', `'use strict';\nreturn function (${parameters.join(', ')}) {\n${body}\n};`) as (exp: typeof exponential) => F;
  return factory(exponential);
}

function each(k: number, line: (index: number) => string): string[] {
  return Array.from({ length: k }, (_, index) => line(index));
}

function forwardSource(k: number, mode: 'log' | 'prescaled' | 'tabulated'): string {
  const prescaled = mode === 'prescaled';
  const lines: string[] = [];
  lines.push(`const previous = (first - 1) * ${k};`);
  lines.push(`let ${each(k, (i) => `p${i} = first > 0 ? forward[previous + ${i}] : 0`).join(', ')};`);
  lines.push('for (let t = first; t < end; t++) {');
  lines.push(`  const base = t * ${k};`);
  if (mode === 'tabulated') {
    lines.push('  const code = codes[offset + t] | 0;');
    lines.push(`  const row = code * ${k};`);
    lines.push('  const max = symbolShifts[code];');
    lines.push('  shifts[t] = max;');
  } else if (prescaled) lines.push('  const max = shifts[t];');
  else {
    lines.push('  let max = -Infinity;');
    for (let j = 0; j < k; j++) lines.push(`  const e${j} = emission[base + ${j}]; if (e${j} > max) max = e${j};`);
    lines.push('  shifts[t] = max;');
  }
  lines.push('  if (!(max > -Infinity) || max === Infinity) return t;');
  for (let j = 0; j < k; j++) {
    if (mode === 'tabulated') lines.push(`  const b${j} = table[row + ${j}];`);
    else lines.push(prescaled ? `  const b${j} = emission[base + ${j}];` : `  const b${j} = exponential(e${j} - max); emission[base + ${j}] = b${j};`);
  }
  lines.push(`  let ${each(k, (j) => `v${j}`).join(', ')};`);
  lines.push(`  if (t === 0) { ${each(k, (j) => `v${j} = start[${j}] * b${j};`).join(' ')} }`);
  lines.push('  else {');
  for (let j = 0; j < k; j++) lines.push(`    v${j} = (${each(k, (i) => `p${i} * transition[${i * k + j}]`).join(' + ')}) * b${j};`);
  lines.push('  }');
  lines.push(`  const scale = ${each(k, (j) => `v${j}`).join(' + ')};`);
  lines.push('  if (!(scale > 0)) return t;');
  lines.push('  const inverse = 1 / scale;');
  for (let j = 0; j < k; j++) lines.push(`  p${j} = v${j} * inverse; forward[base + ${j}] = p${j};`);
  lines.push('  scales[t] = scale;');
  lines.push('}');
  lines.push('return -1;');
  return lines.join('\n');
}

function backwardSource(k: number, tabulated: boolean): string {
  const lines: string[] = [];
  lines.push(`let ${each(k, (i) => `beta${i} = beta[${i}]`).join(', ')};`);
  const pairs: string[] = [];
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) pairs.push(`o${i}_${j} = outer[${i * k + j}]`);
  lines.push(`let ${pairs.join(', ')};`);
  lines.push(`let ${each(k, (i) => `q${i} = occupancy[${i}]`).join(', ')};`);
  lines.push('for (let t = end - 1; t >= first; t--) {');
  lines.push(`  const base = t * ${k};`);
  lines.push(`  const next = base + ${k};`);
  lines.push('  const inverse = 1 / scales[t + 1];');
  if (tabulated) lines.push(`  const row = (codes[offset + t + 1] | 0) * ${k};`);
  for (let j = 0; j < k; j++) lines.push(`  const c${j} = ${tabulated ? `table[row + ${j}]` : `emission[next + ${j}]`} * beta${j} * inverse;`);
  for (let i = 0; i < k; i++) lines.push(`  const a${i} = gamma[base + ${i}];`);
  for (let i = 0; i < k; i++) lines.push(`  ${each(k, (j) => `o${i}_${j} += a${i} * c${j};`).join(' ')}`);
  for (let i = 0; i < k; i++) lines.push(`  beta${i} = ${each(k, (j) => `transition[${i * k + j}] * c${j}`).join(' + ')};`);
  for (let i = 0; i < k; i++) lines.push(`  const g${i} = a${i} * beta${i};`);
  lines.push(`  const normalizer = 1 / (${each(k, (i) => `g${i}`).join(' + ')});`);
  for (let i = 0; i < k; i++) lines.push(`  const h${i} = g${i} * normalizer; gamma[base + ${i}] = h${i}; q${i} += h${i};`);
  lines.push('}');
  for (let i = 0; i < k; i++) lines.push(`${each(k, (j) => `outer[${i * k + j}] = o${i}_${j};`).join(' ')}`);
  for (let i = 0; i < k; i++) lines.push(`occupancy[${i}] = q${i}; beta[${i}] = beta${i};`);
  return lines.join('\n');
}
