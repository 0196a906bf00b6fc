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

/**
 * Forward pass over a whole sequence: returns the first impossible step, or −1.
 * `transition` is A row-major; buffers as in ForwardBackwardWorkspace.
 */
export type UnrolledForward = (
  length: number,
  start: Float64Array,
  transition: Float64Array,
  emission: Float64Array,
  forward: Float64Array,
  scales: Float64Array,
  shifts: Float64Array,
) => number;

/**
 * Backward pass: turns α̂ in `gamma` into γ, and writes Σ_t α̂_t(i)·b_{t+1}(j)β̂_{t+1}(j)/c_{t+1}
 * into `outer` (K×K, not yet multiplied by A_ij) and Σ_t γ_t into `occupancy` (overwritten).
 */
export type UnrolledBackward = (
  length: number,
  transition: Float64Array,
  emission: Float64Array,
  gamma: Float64Array,
  scales: Float64Array,
  outer: Float64Array,
  occupancy: Float64Array,
) => void;

export interface UnrolledKernels {
  readonly forwardLog: UnrolledForward;
  readonly forwardPrescaled: UnrolledForward;
  readonly backward: UnrolledBackward;
}

/** Largest K with generated kernels (the backward body grows as 3K² terms). */
export const MAX_UNROLLED_STATES = 16;

const cache = new Map<number, UnrolledKernels | null>();

/** The kernels for K states, or undefined (K out of range, or code generation not allowed). */
export function unrolledKernels(k: number): UnrolledKernels | undefined {
  if (!Number.isInteger(k) || k < 3 || k > MAX_UNROLLED_STATES) return undefined;
  let kernels = cache.get(k);
  if (kernels === undefined) {
    try {
      kernels = {
        forwardLog: compile<UnrolledForward>(['length', 'start', 'transition', 'emission', 'forward', 'scales', 'shifts'], forwardSource(k, false)),
        forwardPrescaled: compile<UnrolledForward>(['length', 'start', 'transition', 'emission', 'forward', 'scales', 'shifts'], forwardSource(k, true)),
        backward: compile<UnrolledBackward>(['length', 'transition', 'emission', 'gamma', 'scales', 'outer', 'occupancy'], backwardSource(k)),
      };
    } catch {
      kernels = null;
    }
    cache.set(k, kernels);
  }
  return kernels ?? undefined;
}

function compile<F>(parameters: readonly string[], body: string): F {
  // The body is built from integer indices only (no user data); see the file comment.
  return new Function(...parameters, `'use strict';\n${body}`) as F;
}

function each(k: number, line: (index: number) => string): string[] {
  return Array.from({ length: k }, (_, index) => line(index));
}

function forwardSource(k: number, prescaled: boolean): string {
  const lines: string[] = [];
  lines.push(`let ${each(k, (i) => `p${i} = 0`).join(', ')};`);
  lines.push('for (let t = 0; t < length; t++) {');
  lines.push(`  const base = t * ${k};`);
  if (prescaled) lines.push('  const max = shifts[t];');
  else {
    lines.push('  let max = -Infinity;');
    for (let j = 0; j < k; j++) lines.push(`  const e${j} = emission[base + ${j}]; if (e${j} > max) max = e${j};`);
    lines.push('  shifts[t] = max;');
  }
  lines.push('  if (!(max > -Infinity) || max === Infinity) return t;');
  for (let j = 0; j < k; j++) {
    lines.push(prescaled ? `  const b${j} = emission[base + ${j}];` : `  const b${j} = Math.exp(e${j} - max); emission[base + ${j}] = b${j};`);
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

function backwardSource(k: number): string {
  const lines: string[] = [];
  lines.push(`let ${each(k, (i) => `beta${i} = 1`).join(', ')};`);
  const pairs: string[] = [];
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) pairs.push(`o${i}_${j} = 0`);
  lines.push(`let ${pairs.join(', ')};`);
  lines.push(`const last = (length - 1) * ${k};`);
  lines.push(`let ${each(k, (i) => `q${i} = gamma[last + ${i}]`).join(', ')};`);
  lines.push('for (let t = length - 2; t >= 0; t--) {');
  lines.push(`  const base = t * ${k};`);
  lines.push(`  const next = base + ${k};`);
  lines.push('  const inverse = 1 / scales[t + 1];');
  for (let j = 0; j < k; j++) lines.push(`  const c${j} = emission[next + ${j}] * beta${j} * inverse;`);
  for (let i = 0; i < k; i++) lines.push(`  const a${i} = gamma[base + ${i}];`);
  for (let i = 0; i < k; i++) lines.push(`  ${each(k, (j) => `o${i}_${j} += a${i} * c${j};`).join(' ')}`);
  for (let i = 0; i < k; i++) lines.push(`  beta${i} = ${each(k, (j) => `transition[${i * k + j}] * c${j}`).join(' + ')};`);
  for (let i = 0; i < k; i++) lines.push(`  const g${i} = a${i} * beta${i};`);
  lines.push(`  const normalizer = 1 / (${each(k, (i) => `g${i}`).join(' + ')});`);
  for (let i = 0; i < k; i++) lines.push(`  const h${i} = g${i} * normalizer; gamma[base + ${i}] = h${i}; q${i} += h${i};`);
  lines.push('}');
  for (let i = 0; i < k; i++) lines.push(`${each(k, (j) => `outer[${i * k + j}] = o${i}_${j};`).join(' ')}`);
  for (let i = 0; i < k; i++) lines.push(`occupancy[${i}] = q${i};`);
  return lines.join('\n');
}
