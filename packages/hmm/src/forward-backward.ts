/**
 * Scaled forward–backward over one sequence (Rabiner 1989, §V.A), on flat row-major buffers.
 *
 * Emission log-densities are shifted per time step by their maximum m_t before exponentiation,
 * so b_t(k) = exp(log f_k(x_t) − m_t) ∈ [0, 1] with max 1 (a family that can produce b_t and m_t
 * directly — a categorical table — hands them over "prescaled", with no exp per step; otherwise
 * the exp is `exponential` of exponential.ts, within 3 units of 2⁻⁵² of Math.exp and 2–3× faster). Forward
 * variables are normalised at every step by c_t = Σ_k α̃_t(k); then
 *   log p(x_1..T) = Σ_t (log c_t + m_t),
 * summed with Neumaier compensation, and γ_t = α̂_t ⊙ β̂_t needs no further normalisation.
 * Memory: the emission and forward buffers (T·K each) plus T scales and T shifts.
 *
 * K = 2 has its own loops with the chain in scalar locals (the per-step overhead of the general
 * loops dominates there); K ≥ 3 runs the WebAssembly kernels compiled from
 * ../assembly/forward-backward.ts (AssemblyScript, generic over K, SIMD), on buffers that live in
 * the workspace's own WebAssembly memory. They replaced loops generated per K at run time with
 * `new Function` (unrolled over the states), which a Content-Security-Policy without
 * 'unsafe-eval' forbids; measured against them the kernels are faster for K = 10 and as fast for
 * K = 5 (bench/phases.ts). Where WebAssembly SIMD is unavailable, or the buffers would not fit in
 * a 32-bit memory, the general loops run: they keep α̂_{t−1} in a K-vector and use four
 * accumulators for the K-term dot products.
 */
import { InvalidOptionsError } from '@em/core';
import type { DensityTable } from './scaled-densities.js';
import { exponential, FRACTION_POWERS, POWERS } from './exponential.js';
import { wasmModule } from './generated/forward-backward.wasm.js';

let kernelsAllowed = true;

/**
 * Turns the WebAssembly forward–backward kernels (K ≥ 3) on or off for this thread (default on).
 * For tests and tuning: compares them with the general TypeScript loops, which give the same
 * results up to round-off. Takes effect for workspaces created or grown afterwards.
 */
export function useForwardBackwardKernels(enabled: boolean): void {
  kernelsAllowed = enabled;
}

/** Steps per kernel call (the symbols of one call's steps are copied into the kernels' memory). */
export const KERNEL_CHUNK = 4096;

/** Largest memory the kernels lay out (bytes): 32-bit addresses, less one page. */
const MAX_KERNEL_BYTES = 2 ** 32 - 2 ** 16;
const PAGE = 2 ** 16;

interface ForwardBackwardExports {
  forward(k: number, first: number, end: number, start: number, transposed: number, emission: number, forward: number, scales: number, shifts: number, previous: number): number;
  forwardLog(
    k: number,
    first: number,
    end: number,
    start: number,
    transposed: number,
    emission: number,
    forward: number,
    scales: number,
    shifts: number,
    previous: number,
    fractions: number,
    powers: number,
  ): number;
  forwardTabulated(
    k: number,
    first: number,
    end: number,
    start: number,
    transposed: number,
    forward: number,
    scales: number,
    shifts: number,
    previous: number,
    codes: number,
    codeFirst: number,
    table: number,
    symbolShifts: number,
  ): number;
  backward(k: number, first: number, end: number, transition: number, emission: number, gamma: number, scales: number, beta: number, carried: number, outer: number, occupancy: number): void;
  backwardTabulated(
    k: number,
    first: number,
    end: number,
    transition: number,
    gamma: number,
    scales: number,
    beta: number,
    carried: number,
    outer: number,
    occupancy: number,
    codes: number,
    codeFirst: number,
    table: number,
  ): void;
}

/** Byte offsets of every buffer in the kernels' memory (see the file comment of ../assembly/forward-backward.ts). */
interface KernelLayout {
  readonly fractions: number;
  readonly powers: number;
  readonly start: number;
  readonly transposed: number;
  readonly transition: number;
  readonly previous: number;
  readonly beta: number;
  readonly carried: number;
  readonly outer: number;
  readonly occupancy: number;
  readonly codes: number;
  readonly table: number;
  readonly symbolShifts: number;
  readonly emission: number;
  readonly forward: number;
  readonly scales: number;
  readonly shifts: number;
  readonly bytes: number;
}

/** Offsets for K states, `length` steps (emission buffer only if `withEmission`) and `tableRows` symbols; every buffer 16-byte aligned. */
function kernelLayout(k: number, length: number, withEmission: boolean, tableRows: number): KernelLayout {
  let at = 0;
  const take = (doubles: number): number => {
    const offset = at;
    at += Math.ceil(doubles / 2) * 16;
    return offset;
  };
  return {
    // The exponential's tables first: the same place in every layout, written once.
    fractions: take(FRACTION_POWERS.length),
    powers: take(POWERS.length),
    start: take(k),
    transposed: take(k * k),
    transition: take(k * k),
    previous: take(k),
    beta: take(k),
    carried: take(k),
    outer: take(k * k),
    occupancy: take(k),
    codes: take(KERNEL_CHUNK),
    table: take(tableRows * k),
    symbolShifts: take(tableRows),
    emission: take(withEmission ? length * k : 0),
    forward: take(length * k),
    scales: take(length),
    shifts: take(length),
    bytes: at,
  };
}

/** The kernels instantiated over one workspace's memory. */
class KernelMemory {
  readonly memory: WebAssembly.Memory;
  readonly exports: ForwardBackwardExports;
  layout: KernelLayout;

  constructor(module: WebAssembly.Module, layout: KernelLayout) {
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(layout.bytes / PAGE) });
    this.exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as ForwardBackwardExports;
    this.layout = layout;
    this.view(layout.fractions, FRACTION_POWERS.length).set(FRACTION_POWERS);
    this.view(layout.powers, POWERS.length).set(POWERS);
  }

  /** Lays the buffers out anew (contents are not kept), growing the memory if needed. */
  relayout(layout: KernelLayout): void {
    const missing = layout.bytes - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / PAGE));
    this.layout = layout;
  }

  view(offset: number, doubles: number): Float64Array<ArrayBuffer> {
    // Not shared (no `shared: true`), so an ArrayBuffer.
    return new Float64Array(this.memory.buffer as ArrayBuffer, offset, doubles);
  }
}

/** The kernels of a workspace whose buffers `ensure` laid out in their memory. */
const kernelsOf = new WeakMap<ForwardBackwardWorkspace, KernelMemory>();

/** Buffers reused across sequences and E-steps (grown on demand, never shrunk). */
export class ForwardBackwardWorkspace {
  /** T×K: log-densities, then shifted densities b_t(k). */
  emission = new Float64Array(0);
  /** T×K: scaled forward variables α̂, then posteriors γ. */
  forward = new Float64Array(0);
  /** T: per-step normalisers c_t. */
  scales = new Float64Array(0);
  /** T: per-step shifts m_t. */
  shifts = new Float64Array(0);
  /** K: scaled backward variables at t + 1 (forward pass: α̂_{t−1}). */
  backward = new Float64Array(0);
  /** K: b_{t+1} ⊙ β̂_{t+1} / c_{t+1}. */
  carried = new Float64Array(0);
  /** K×K: Σ_t α̂_t(i) · carried_{t+1}(j), before multiplying by A_ij. */
  outer = new Float64Array(0);
  /** K×K: Aᵀ, so the forward sum over i runs along a contiguous row. */
  transposed = new Float64Array(0);
  /** The WebAssembly kernels and the memory all the buffers above live in (K ≥ 3), or undefined. */
  private kernels: KernelMemory | undefined;
  private states = 0;
  private capacity = 0;
  private emissionCapacity = 0;
  private tableRows = 0;

  /** Drops the T·K buffers (they are re-allocated on the next use). */
  release(): void {
    this.emission = new Float64Array(0);
    this.forward = new Float64Array(0);
    this.scales = new Float64Array(0);
    this.shifts = new Float64Array(0);
    if (this.kernels !== undefined) {
      this.kernels = undefined;
      kernelsOf.delete(this);
      this.states = 0;
      this.capacity = 0;
      this.emissionCapacity = 0;
      this.tableRows = 0;
      this.backward = new Float64Array(0);
    }
  }

  /**
   * `withEmission` false: the densities come from a DensityTable, no T×K emission buffer;
   * `tableRows`: room for a DensityTable of that many symbols (kernels only).
   */
  ensure(length: number, states: number, withEmission = true, tableRows = 0): void {
    if (states >= 3 && kernelsAllowed && this.ensureKernels(length, states, withEmission, tableRows)) return;
    if (this.kernels !== undefined) this.release();
    const size = length * states;
    if (this.forward.length < size) this.forward = new Float64Array(Math.max(size, Math.min(2 * this.forward.length, 1 << 26)));
    if (withEmission && this.emission.length < size) this.emission = new Float64Array(Math.max(size, Math.min(2 * this.emission.length, 1 << 26)));
    if (this.scales.length < length) {
      this.scales = new Float64Array(Math.max(length, 2 * this.scales.length));
      this.shifts = new Float64Array(this.scales.length);
    }
    if (this.backward.length !== states) {
      this.backward = new Float64Array(states);
      this.carried = new Float64Array(states);
      this.outer = new Float64Array(states * states);
      this.transposed = new Float64Array(states * states);
    }
  }

  /** Lays the buffers out in the kernels' memory; false when the kernels are unavailable or it would not fit. */
  private ensureKernels(length: number, states: number, withEmission: boolean, tableRows: number): boolean {
    const module = wasmModule();
    if (module === undefined) return false;
    const grow = (needed: number, current: number): number => (needed <= current ? current : Math.max(needed, Math.min(2 * current, 1 << 23)));
    const same = this.kernels !== undefined && this.states === states;
    const capacity = grow(length, same ? this.capacity : 0);
    const emissionBuffer = withEmission || (same && this.emissionCapacity > 0);
    const rows = Math.max(tableRows, same ? this.tableRows : 0);
    if (same && capacity === this.capacity && emissionBuffer === this.emissionCapacity > 0 && rows === this.tableRows) return true;
    const layout = kernelLayout(states, capacity, emissionBuffer, rows);
    if (layout.bytes > MAX_KERNEL_BYTES) return false;
    try {
      if (this.kernels === undefined) this.kernels = new KernelMemory(module, layout);
      else this.kernels.relayout(layout);
    } catch {
      // Memory refused (RangeError): the general loops on ordinary arrays (release() forgets the
      // kernels and every view into their memory, so ensure() allocates those arrays afresh).
      this.release();
      return false;
    }
    this.states = states;
    this.capacity = capacity;
    this.emissionCapacity = emissionBuffer ? capacity : 0;
    this.tableRows = rows;
    this.refreshViews();
    kernelsOf.set(this, this.kernels);
    return true;
  }

  /** Re-creates the views after a new layout or a memory growth (which detaches the old ones). */
  private refreshViews(): void {
    const kernels = this.kernels as KernelMemory;
    const { layout } = kernels;
    const k = this.states;
    this.emission = kernels.view(layout.emission, this.emissionCapacity * k);
    this.forward = kernels.view(layout.forward, this.capacity * k);
    this.scales = kernels.view(layout.scales, this.capacity);
    this.shifts = kernels.view(layout.shifts, this.capacity);
    this.backward = kernels.view(layout.beta, k);
    this.carried = kernels.view(layout.carried, k);
    this.outer = kernels.view(layout.outer, k * k);
    this.transposed = kernels.view(layout.transposed, k * k);
  }
}

/** Where a sequence became impossible (−1 when it did not). */
export interface ForwardOutcome {
  logLikelihood: number;
  /** First time step (0-based, within the sequence) with probability zero, or −1. */
  impossibleAt: number;
  /** When impossible: true if every state has density 0 there (false: unreachable by the chain). */
  noDensity?: boolean;
}

/**
 * Forward pass. `emission` holds log-densities for T×K on entry (or, when `prescaled`, the
 * shifted densities b with their shifts m_t in `workspace.shifts`) and the shifted densities b on
 * exit; `forward` receives α̂. Returns log p(x) or −∞ with the first impossible step.
 */
export function forwardScaled(
  states: number,
  length: number,
  start: Float64Array,
  transition: Float64Array,
  workspace: ForwardBackwardWorkspace,
  outcome: ForwardOutcome,
  prescaled = false,
): void {
  let failedAt: number;
  const kernels = states >= 3 ? kernelsOf.get(workspace) : undefined;
  if (states === 2) failedAt = forwardTwo(length, start, transition, workspace, prescaled);
  else if (kernels !== undefined) failedAt = forwardWithKernels(kernels, states, length, start, transition, workspace, undefined, 0, prescaled);
  else failedAt = forwardGeneral(states, length, start, transition, workspace, prescaled);
  finishForward(length, workspace, outcome, failedAt);
}

/**
 * Forward pass reading the densities of rows offset … offset + length − 1 from a DensityTable
 * (no emission buffer). Returns false, having done nothing, when there are no WebAssembly kernels
 * for this K (K < 3, turned off, or unavailable): the caller then fills the emission buffer and uses
 * `forwardScaled`. Otherwise as `forwardScaled`; follow it with `backwardScaled(…, densities, offset)`.
 */
export function forwardTabulated(
  states: number,
  length: number,
  start: Float64Array,
  transition: Float64Array,
  densities: DensityTable,
  offset: number,
  workspace: ForwardBackwardWorkspace,
  outcome: ForwardOutcome,
): boolean {
  if (states < 3 || !kernelsAllowed) return false;
  workspace.ensure(length, states, false, densities.shifts.length);
  const kernels = kernelsOf.get(workspace);
  if (kernels === undefined) return false;
  finishForward(length, workspace, outcome, forwardWithKernels(kernels, states, length, start, transition, workspace, densities, offset, true));
  return true;
}

/**
 * The forward pass in the kernels, in chunks of KERNEL_CHUNK steps (log-densities are shifted and
 * exponentiated there, with exponential.ts's algorithm and tables); a DensityTable and the chunk's
 * symbols are copied into the kernels' memory.
 */
function forwardWithKernels(
  kernels: KernelMemory,
  k: number,
  length: number,
  start: Float64Array,
  transition: Float64Array,
  workspace: ForwardBackwardWorkspace,
  densities: DensityTable | undefined,
  offset: number,
  prescaled: boolean,
): number {
  const { layout, exports } = kernels;
  kernels.view(layout.start, k).set(start.subarray(0, k));
  const transposed = workspace.transposed;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) transposed[j * k + i] = transition[i * k + j] as number;
  const codes = kernels.view(layout.codes, KERNEL_CHUNK);
  if (densities !== undefined) copyTable(kernels, k, densities);
  let failedAt = -1;
  for (let first = 0; first < length && failedAt < 0; first += KERNEL_CHUNK) {
    const end = Math.min(length, first + KERNEL_CHUNK);
    if (densities !== undefined) {
      codes.set(densities.codes.subarray(offset + first, offset + end));
      failedAt = exports.forwardTabulated(k, first, end, layout.start, layout.transposed, layout.forward, layout.scales, layout.shifts, layout.previous, layout.codes, first, layout.table, layout.symbolShifts);
    } else if (prescaled) {
      failedAt = exports.forward(k, first, end, layout.start, layout.transposed, layout.emission, layout.forward, layout.scales, layout.shifts, layout.previous);
    } else {
      failedAt = exports.forwardLog(k, first, end, layout.start, layout.transposed, layout.emission, layout.forward, layout.scales, layout.shifts, layout.previous, layout.fractions, layout.powers);
    }
  }
  return failedAt;
}

function copyTable(kernels: KernelMemory, k: number, densities: DensityTable): void {
  const rows = densities.shifts.length;
  kernels.view(kernels.layout.table, rows * k).set(densities.table.subarray(0, rows * k));
  kernels.view(kernels.layout.symbolShifts, rows).set(densities.shifts);
}

/** The backward pass in the kernels (after `forwardWithKernels` on the same workspace), in chunks. */
function backwardWithKernels(
  kernels: KernelMemory,
  k: number,
  length: number,
  transition: Float64Array,
  workspace: ForwardBackwardWorkspace,
  densities: DensityTable | undefined,
  offset: number,
): Float64Array {
  const { layout, exports } = kernels;
  kernels.view(layout.transition, k * k).set(transition.subarray(0, k * k));
  workspace.backward.fill(1);
  workspace.outer.fill(0);
  // γ_{T−1} = α̂_{T−1} (β̂_{T−1} = 1).
  const occupancy = kernels.view(layout.occupancy, k);
  occupancy.set(workspace.forward.subarray((length - 1) * k, length * k));
  const codes = kernels.view(layout.codes, KERNEL_CHUNK);
  if (densities !== undefined) copyTable(kernels, k, densities);
  for (let end = length - 1; end > 0; end -= KERNEL_CHUNK) {
    const first = Math.max(0, end - KERNEL_CHUNK);
    if (densities === undefined) exports.backward(k, first, end, layout.transition, layout.emission, layout.forward, layout.scales, layout.beta, layout.carried, layout.outer, layout.occupancy);
    else {
      // Step t reads the symbol of step t + 1.
      codes.set(densities.codes.subarray(offset + first + 1, offset + end + 1));
      exports.backwardTabulated(k, first, end, layout.transition, layout.forward, layout.scales, layout.beta, layout.carried, layout.outer, layout.occupancy, layout.codes, first + 1, layout.table);
    }
  }
  return occupancy;
}

function finishForward(length: number, workspace: ForwardBackwardWorkspace, outcome: ForwardOutcome, failedAt: number): void {
  if (failedAt >= 0) {
    outcome.impossibleAt = failedAt;
    const shift = workspace.shifts[failedAt] as number;
    outcome.noDensity = !(shift > -Infinity);
    outcome.logLikelihood = Number.isNaN(shift) || shift === Infinity ? Number.NaN : -Infinity;
    return;
  }
  outcome.impossibleAt = -1;
  outcome.noDensity = false;
  outcome.logLikelihood = logLikelihoodFromScales(length, workspace.scales, workspace.shifts);
}

/**
 * Σ_t (log c_t + m_t) with Neumaier compensation. Π c_t is kept as a running product and its log
 * taken only when it falls below 1e-200 (one Math.log per ~hundreds of steps; the product's
 * relative round-off stays ~1e-14, i.e. ~1e-14 absolute in log p per flush). c_t ≤ 1 (b ≤ 1 and
 * α̂ sums to 1), so the product only shrinks; a tiny c_t is logged on its own so the product never
 * leaves the normal range.
 */
function logLikelihoodFromScales(length: number, scales: Float64Array, shifts: Float64Array): number {
  let sum = 0;
  let compensation = 0;
  let product = 1;
  for (let t = 0; t < length; t++) {
    const scale = scales[t] as number;
    let term = shifts[t] as number;
    if (scale < 1e-100) term += Math.log(scale);
    else product *= scale;
    if (product < 1e-200) {
      term += Math.log(product);
      product = 1;
    }
    const next = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - next + term : term - next + sum;
    sum = next;
  }
  const last = Math.log(product);
  const total = sum + last;
  compensation += Math.abs(sum) >= Math.abs(last) ? sum - total + last : last - total + sum;
  return total + compensation;
}

/**
 * Per-step shift m_t: read from `shifts` when prescaled, else the row maximum (stored). Returns
 * the shift; the caller treats −∞, +∞ and NaN as failure.
 */
function rowShift(k: number, base: number, t: number, emission: Float64Array, shifts: Float64Array, prescaled: boolean): number {
  if (prescaled) return shifts[t] as number;
  let max = -Infinity;
  for (let j = 0; j < k; j++) {
    const v = emission[base + j] as number;
    if (v > max) max = v;
  }
  shifts[t] = max;
  return max;
}

/** General K. Returns the first impossible step, or −1. */
function forwardGeneral(k: number, length: number, start: Float64Array, transition: Float64Array, workspace: ForwardBackwardWorkspace, prescaled: boolean): number {
  const emission = workspace.emission;
  const forward = workspace.forward;
  const scales = workspace.scales;
  const shifts = workspace.shifts;
  const transposed = workspace.transposed;
  const previous = workspace.backward;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) transposed[j * k + i] = transition[i * k + j] as number;
  const k4 = k & ~3;
  for (let t = 0; t < length; t++) {
    const base = t * k;
    const max = rowShift(k, base, t, emission, shifts, prescaled);
    if (!(max > -Infinity) || max === Infinity) return t;
    let scale = 0;
    for (let j = 0; j < k; j++) {
      let b = emission[base + j] as number;
      if (!prescaled) {
        b = exponential(b - max);
        emission[base + j] = b;
      }
      if (b === 0) {
        forward[base + j] = 0;
        continue;
      }
      let v: number;
      if (t === 0) v = (start[j] as number) * b;
      else {
        const column = j * k;
        // Four accumulators: shorter dependency chains.
        let v0 = 0;
        let v1 = 0;
        let v2 = 0;
        let v3 = 0;
        let i = 0;
        for (; i < k4; i += 4) {
          v0 += (previous[i] as number) * (transposed[column + i] as number);
          v1 += (previous[i + 1] as number) * (transposed[column + i + 1] as number);
          v2 += (previous[i + 2] as number) * (transposed[column + i + 2] as number);
          v3 += (previous[i + 3] as number) * (transposed[column + i + 3] as number);
        }
        for (; i < k; i++) v0 += (previous[i] as number) * (transposed[column + i] as number);
        v = (v0 + v1 + (v2 + v3)) * b;
      }
      forward[base + j] = v;
      scale += v;
    }
    if (!(scale > 0)) return t;
    const inverse = 1 / scale;
    for (let j = 0; j < k; j++) {
      const v = (forward[base + j] as number) * inverse;
      forward[base + j] = v;
      previous[j] = v;
    }
    scales[t] = scale;
  }
  return -1;
}

/** K = 2, with α̂_{t−1} and A in scalar locals. Returns the first impossible step, or −1. */
function forwardTwo(length: number, start: Float64Array, transition: Float64Array, workspace: ForwardBackwardWorkspace, prescaled: boolean): number {
  const emission = workspace.emission;
  const forward = workspace.forward;
  const scales = workspace.scales;
  const shifts = workspace.shifts;
  const a00 = transition[0] as number;
  const a01 = transition[1] as number;
  const a10 = transition[2] as number;
  const a11 = transition[3] as number;
  let previous0 = 0;
  let previous1 = 0;
  for (let t = 0; t < length; t++) {
    const base = 2 * t;
    let b0 = emission[base] as number;
    let b1 = emission[base + 1] as number;
    let max: number;
    if (prescaled) max = shifts[t] as number;
    else {
      max = -Infinity;
      if (b0 > max) max = b0;
      if (b1 > max) max = b1;
      shifts[t] = max;
    }
    if (!(max > -Infinity) || max === Infinity) return t;
    if (!prescaled) {
      b0 = exponential(b0 - max);
      b1 = exponential(b1 - max);
      emission[base] = b0;
      emission[base + 1] = b1;
    }
    let v0: number;
    let v1: number;
    if (t === 0) {
      v0 = (start[0] as number) * b0;
      v1 = (start[1] as number) * b1;
    } else {
      v0 = (previous0 * a00 + previous1 * a10) * b0;
      v1 = (previous0 * a01 + previous1 * a11) * b1;
    }
    const scale = v0 + v1;
    if (!(scale > 0)) {
      forward[base] = v0;
      forward[base + 1] = v1;
      return t;
    }
    const inverse = 1 / scale;
    previous0 = v0 * inverse;
    previous1 = v1 * inverse;
    forward[base] = previous0;
    forward[base + 1] = previous1;
    scales[t] = scale;
  }
  return -1;
}

/**
 * Backward pass after `forwardScaled`: turns `forward` into the posteriors γ (T×K) and adds
 * Σ_t ξ_t(i, j) into `transitionSums` (K×K), γ_0 into `startSums` and Σ_t γ_t into `occupancy`.
 * ξ is never materialised: ξ_t(i, j) = α̂_t(i) A_ij b_{t+1}(j) β̂_{t+1}(j) / c_{t+1}, and A_ij
 * factors out of the sum over t. After `forwardTabulated`, pass the same `densities` and `offset`.
 */
export function backwardScaled(
  states: number,
  length: number,
  transition: Float64Array,
  workspace: ForwardBackwardWorkspace,
  startSums: Float64Array | undefined,
  transitionSums: Float64Array | undefined,
  occupancy: Float64Array | undefined,
  densities?: DensityTable,
  offset = 0,
): void {
  const kernels = states >= 3 ? kernelsOf.get(workspace) : undefined;
  if (densities !== undefined && kernels === undefined) {
    throw new InvalidOptionsError(
      `backwardScaled was given a DensityTable for K = ${states}, but the workspace has no WebAssembly kernels (K < 3, turned off, or unavailable).`,
      'Pass the DensityTable only after forwardTabulated returned true; otherwise fill the emission buffer and use forwardScaled.',
    );
  }
  if (states === 2) backwardTwo(length, transition, workspace, startSums, transitionSums, occupancy);
  else if (kernels !== undefined) {
    const k = states;
    const visits = backwardWithKernels(kernels, k, length, transition, workspace, densities, offset);
    const gamma = workspace.forward;
    const outer = workspace.outer;
    if (occupancy !== undefined) for (let j = 0; j < k; j++) occupancy[j] = (occupancy[j] as number) + (visits[j] as number);
    if (startSums !== undefined) for (let j = 0; j < k; j++) startSums[j] = (startSums[j] as number) + (gamma[j] as number);
    if (transitionSums !== undefined) {
      for (let index = 0; index < k * k; index++) transitionSums[index] = (transitionSums[index] as number) + (outer[index] as number) * (transition[index] as number);
    }
  } else backwardGeneral(states, length, transition, workspace, startSums, transitionSums, occupancy, false);
}

/**
 * `backwardScaled` with the general loops for any K, after `forwardScaled` (not `forwardTabulated`):
 * guarded, they skip states without forward mass, so β̂ overflowing there (an emission start
 * far from what the chain's structural zeros allow) cannot turn γ and ξ into NaN. The fast loops
 * do not test for it (K more compares per step); the HMM falls back to these when their
 * statistics are not finite.
 */
export function backwardGuarded(
  states: number,
  length: number,
  transition: Float64Array,
  workspace: ForwardBackwardWorkspace,
  startSums: Float64Array | undefined,
  transitionSums: Float64Array | undefined,
  occupancy: Float64Array | undefined,
): void {
  backwardGeneral(states, length, transition, workspace, startSums, transitionSums, occupancy, true);
}

function backwardGeneral(
  k: number,
  length: number,
  transition: Float64Array,
  workspace: ForwardBackwardWorkspace,
  startSums: Float64Array | undefined,
  transitionSums: Float64Array | undefined,
  occupancy: Float64Array | undefined,
  guarded: boolean,
): void {
  const emission = workspace.emission;
  const gamma = workspace.forward;
  const scales = workspace.scales;
  const backward = workspace.backward;
  const carried = workspace.carried;
  const outer = workspace.outer;
  const withTransitions = transitionSums !== undefined;
  const k4 = k & ~3;
  outer.fill(0);
  backward.fill(1);
  // γ_{T−1} = α̂_{T−1} (β̂_{T−1} = 1).
  if (occupancy !== undefined) {
    const last = (length - 1) * k;
    for (let j = 0; j < k; j++) occupancy[j] = (occupancy[j] as number) + (gamma[last + j] as number);
  }
  for (let t = length - 2; t >= 0; t--) {
    const next = (t + 1) * k;
    const inverse = 1 / (scales[t + 1] as number);
    for (let j = 0; j < k; j++) carried[j] = (emission[next + j] as number) * (backward[j] as number) * inverse;
    // Guarded: a state without forward mass at t + 1 (γ = α̂ = 0, e.g. behind a structural zero)
    // carries nothing. Its β̂ can overflow (it explains the rest far better than the states that
    // can be there) and 0 · ∞ would poison γ and ξ; in exact arithmetic its terms are 0.
    if (guarded) for (let j = 0; j < k; j++) if ((gamma[next + j] as number) === 0) carried[j] = 0;
    const base = t * k;
    let total = 0;
    for (let i = 0; i < k; i++) {
      const row = i * k;
      const alpha = gamma[base + i] as number;
      let beta0 = 0;
      let beta1 = 0;
      let beta2 = 0;
      let beta3 = 0;
      let j = 0;
      if (withTransitions && alpha !== 0) {
        for (; j < k4; j += 4) {
          const c0 = carried[j] as number;
          const c1 = carried[j + 1] as number;
          const c2 = carried[j + 2] as number;
          const c3 = carried[j + 3] as number;
          beta0 += (transition[row + j] as number) * c0;
          beta1 += (transition[row + j + 1] as number) * c1;
          beta2 += (transition[row + j + 2] as number) * c2;
          beta3 += (transition[row + j + 3] as number) * c3;
          outer[row + j] = (outer[row + j] as number) + alpha * c0;
          outer[row + j + 1] = (outer[row + j + 1] as number) + alpha * c1;
          outer[row + j + 2] = (outer[row + j + 2] as number) + alpha * c2;
          outer[row + j + 3] = (outer[row + j + 3] as number) + alpha * c3;
        }
        for (; j < k; j++) {
          const c = carried[j] as number;
          beta0 += (transition[row + j] as number) * c;
          outer[row + j] = (outer[row + j] as number) + alpha * c;
        }
      } else {
        for (; j < k4; j += 4) {
          beta0 += (transition[row + j] as number) * (carried[j] as number);
          beta1 += (transition[row + j + 1] as number) * (carried[j + 1] as number);
          beta2 += (transition[row + j + 2] as number) * (carried[j + 2] as number);
          beta3 += (transition[row + j + 3] as number) * (carried[j + 3] as number);
        }
        for (; j < k; j++) beta0 += (transition[row + j] as number) * (carried[j] as number);
      }
      const beta = beta0 + beta1 + (beta2 + beta3);
      backward[i] = beta;
      const g = alpha * beta;
      gamma[base + i] = g;
      total += g;
    }
    // γ_t = α̂_t ⊙ β̂_t sums to 1 up to round-off; renormalise so it does exactly.
    const normalizer = 1 / total;
    if (occupancy === undefined) {
      for (let i = 0; i < k; i++) gamma[base + i] = (gamma[base + i] as number) * normalizer;
    } else {
      for (let i = 0; i < k; i++) {
        const g = (gamma[base + i] as number) * normalizer;
        gamma[base + i] = g;
        occupancy[i] = (occupancy[i] as number) + g;
      }
    }
  }
  if (startSums !== undefined) for (let j = 0; j < k; j++) startSums[j] = (startSums[j] as number) + (gamma[j] as number);
  if (withTransitions) {
    for (let index = 0; index < k * k; index++) {
      transitionSums[index] = (transitionSums[index] as number) + (outer[index] as number) * (transition[index] as number);
    }
  }
}

/** K = 2, with β̂, A, Σ γ and the ξ sums in scalar locals. */
function backwardTwo(
  length: number,
  transition: Float64Array,
  workspace: ForwardBackwardWorkspace,
  startSums: Float64Array | undefined,
  transitionSums: Float64Array | undefined,
  occupancy: Float64Array | undefined,
): void {
  const emission = workspace.emission;
  const gamma = workspace.forward;
  const scales = workspace.scales;
  const a00 = transition[0] as number;
  const a01 = transition[1] as number;
  const a10 = transition[2] as number;
  const a11 = transition[3] as number;
  let beta0 = 1;
  let beta1 = 1;
  let outer00 = 0;
  let outer01 = 0;
  let outer10 = 0;
  let outer11 = 0;
  const last = 2 * (length - 1);
  let occupancy0 = gamma[last] as number;
  let occupancy1 = gamma[last + 1] as number;
  for (let t = length - 2; t >= 0; t--) {
    const next = 2 * t + 2;
    const inverse = 1 / (scales[t + 1] as number);
    const carried0 = (emission[next] as number) * beta0 * inverse;
    const carried1 = (emission[next + 1] as number) * beta1 * inverse;
    const base = 2 * t;
    const alpha0 = gamma[base] as number;
    const alpha1 = gamma[base + 1] as number;
    outer00 += alpha0 * carried0;
    outer01 += alpha0 * carried1;
    outer10 += alpha1 * carried0;
    outer11 += alpha1 * carried1;
    beta0 = a00 * carried0 + a01 * carried1;
    beta1 = a10 * carried0 + a11 * carried1;
    const g0 = alpha0 * beta0;
    const g1 = alpha1 * beta1;
    const normalizer = 1 / (g0 + g1);
    const gamma0 = g0 * normalizer;
    const gamma1 = g1 * normalizer;
    gamma[base] = gamma0;
    gamma[base + 1] = gamma1;
    occupancy0 += gamma0;
    occupancy1 += gamma1;
  }
  if (occupancy !== undefined) {
    occupancy[0] = (occupancy[0] as number) + occupancy0;
    occupancy[1] = (occupancy[1] as number) + occupancy1;
  }
  if (startSums !== undefined) {
    startSums[0] = (startSums[0] as number) + (gamma[0] as number);
    startSums[1] = (startSums[1] as number) + (gamma[1] as number);
  }
  if (transitionSums !== undefined) {
    transitionSums[0] = (transitionSums[0] as number) + outer00 * a00;
    transitionSums[1] = (transitionSums[1] as number) + outer01 * a01;
    transitionSums[2] = (transitionSums[2] as number) + outer10 * a10;
    transitionSums[3] = (transitionSums[3] as number) + outer11 * a11;
  }
}
