/**
 * Checkpointed forward–backward over one sequence: the same scaled recursions as
 * forward-backward.ts (Rabiner's α̂, β̂ and c_t, shifted densities b_t = exp(log f − m_t)), with
 * tables of one segment of S steps instead of the whole sequence of T steps.
 *
 * Forward sweep: segment by segment, α̂ is computed and only the last α̂ before each segment
 * starts is kept (a checkpoint, K doubles per segment), with log p(x) = Σ_t (log c_t + m_t).
 * Backward sweep, last segment first: α̂, c_t and b_t inside the segment are recomputed from its
 * checkpoint (bit for bit the forward sweep's values: the same operations in the same order),
 * then β̂ runs backwards through the segment; the K-vector carried across a segment boundary,
 * b_{t+1} ⊙ β̂_{t+1} / c_{t+1}, links it to the segment after. γ, Σ ξ and the emission statistics
 * are accumulated as the in-memory E-step does (ξ_t(i, j) = α̂_t(i) A_ij carried_{t+1}(j), with
 * A_ij applied once at the end; γ_t = α̂_t ⊙ β̂_t renormalised; the guard of backwardGuarded: a
 * state without forward mass carries nothing).
 *
 * Memory: (2K + 2)·S doubles of segment tables plus K·⌈T/S⌉ checkpoints, for 2× the density and
 * forward work of the plain recursion. The loops are the general TypeScript ones (no kernels):
 * this path is for sequences whose T×K tables do not fit, where reading the data dominates.
 */
import { type ComponentFamily, ImpossibleObservationError, InvalidOptionsError, NumericalError, type Statistics } from '@em/core';
import type { HmmStatistics } from './hmm-model.js';
import type { HmmParameters } from './parameters.js';

/** Buffers of one segment, reused across sequences. */
export class CheckpointWorkspace {
  /** S×K: a segment's log-densities, then its shifted densities b_t. */
  emission = new Float64Array(0);
  /** S×K: a segment's α̂, then its posteriors γ. */
  forward = new Float64Array(0);
  /** S: a segment's normalisers c_t. */
  scales = new Float64Array(0);
  /** S: a segment's shifts m_t. */
  shifts = new Float64Array(0);
  /** ⌈T/S⌉×K: α̂ at the step before each segment (row 0 unused: the first segment starts from π). */
  checkpoints = new Float64Array(0);

  /** Grows the buffers for segments of `segment` steps, K = `states`, and `segments` checkpoints. */
  ensure(segment: number, states: number, segments: number): void {
    if (this.forward.length < segment * states) {
      this.emission = new Float64Array(segment * states);
      this.forward = new Float64Array(segment * states);
    }
    if (this.scales.length < segment) {
      this.scales = new Float64Array(segment);
      this.shifts = new Float64Array(segment);
    }
    if (this.checkpoints.length < segments * states) this.checkpoints = new Float64Array(segments * states);
  }
}

/**
 * Adds one sequence's expected statistics (rows offset … offset + length − 1 of `x`) into
 * `statistics` with segments of `segment` steps, and returns its log-likelihood. Throws
 * ImpossibleObservationError (probability 0 at some step) or NumericalError (a NaN/+∞ density,
 * non-finite posteriors), with the sequence's 0-based `sequence` index and row in the details.
 */
export function checkpointedSequenceStatistics<C, X, FS extends Statistics, Prepared>(
  family: ComponentFamily<C, X, FS, Prepared>,
  states: number,
  params: HmmParameters<C>,
  prepared: Prepared,
  x: X,
  offset: number,
  length: number,
  segment: number,
  statistics: HmmStatistics<FS>,
  workspace: CheckpointWorkspace,
  sequence = 0,
): number {
  if (!Number.isInteger(segment) || segment < 1) {
    throw new InvalidOptionsError(`The checkpoint segment must be an integer ≥ 1 step; got ${String(segment)}.`, 'Pass the number of steps whose tables fit the memory budget.', { option: 'segment' });
  }
  const k = states;
  const segments = Math.ceil(length / segment);
  workspace.ensure(Math.min(segment, length), k, segments);
  const { checkpoints } = workspace;
  const transition = params.transitionMatrix;
  const start = params.startProbabilities;
  // Forward sweep: checkpoints and log p(x).
  let total = 0;
  let compensation = 0;
  for (let s = 0; s < segments; s++) {
    const first = s * segment;
    const end = Math.min(length, first + segment);
    if (s > 0) checkpoints.set(workspace.forward.subarray((segment - 1) * k, segment * k), s * k);
    forwardSegment(family, k, start, transition, prepared, x, offset, first, end, s === 0 ? undefined : checkpoints.subarray(s * k, (s + 1) * k), workspace, sequence);
    for (let t = 0; t < end - first; t++) {
      const term = Math.log(workspace.scales[t] as number) + (workspace.shifts[t] as number);
      const next = total + term;
      compensation += Math.abs(total) >= Math.abs(term) ? total - next + term : term - next + total;
      total = next;
    }
  }
  // Backward sweep, last segment first.
  const carried = new Float64Array(k);
  const nextCarried = new Float64Array(k);
  const beta = new Float64Array(k);
  const outer = new Float64Array(k * k);
  let haveNext = false;
  for (let s = segments - 1; s >= 0; s--) {
    const first = s * segment;
    const end = Math.min(length, first + segment);
    const steps = end - first;
    forwardSegment(family, k, start, transition, prepared, x, offset, first, end, s === 0 ? undefined : checkpoints.subarray(s * k, (s + 1) * k), workspace, sequence);
    const { emission, forward: gamma, scales } = workspace;
    for (let t = steps - 1; t >= 0; t--) {
      const base = t * k;
      if (!haveNext) beta.fill(1);
      else {
        if (t < steps - 1) {
          // carried_{t+1} from this segment's tables (γ_{t+1} already overwrote α̂_{t+1}).
          const next = (t + 1) * k;
          const inverse = 1 / (scales[t + 1] as number);
          for (let j = 0; j < k; j++) carried[j] = (gamma[next + j] as number) === 0 ? 0 : (emission[next + j] as number) * (beta[j] as number) * inverse;
        } else carried.set(nextCarried);
        for (let i = 0; i < k; i++) {
          const alpha = gamma[base + i] as number;
          let b = 0;
          for (let j = 0; j < k; j++) {
            const c = carried[j] as number;
            b += (transition[i * k + j] as number) * c;
            if (alpha !== 0) outer[i * k + j] = (outer[i * k + j] as number) + alpha * c;
          }
          beta[i] = b;
        }
      }
      haveNext = true;
      let norm = 0;
      for (let i = 0; i < k; i++) {
        const g = (gamma[base + i] as number) * (beta[i] as number);
        gamma[base + i] = g;
        norm += g;
      }
      const inverse = 1 / norm;
      for (let i = 0; i < k; i++) {
        const g = (gamma[base + i] as number) * inverse;
        gamma[base + i] = g;
        statistics.occupancy[i] = (statistics.occupancy[i] as number) + g;
      }
    }
    // What the segment before needs at its last step: b ⊙ β̂ / c of this segment's first step.
    const inverse = 1 / (scales[0] as number);
    for (let j = 0; j < k; j++) nextCarried[j] = (gamma[j] as number) === 0 ? 0 : (emission[j] as number) * (beta[j] as number) * inverse;
    if (s === 0) for (let j = 0; j < k; j++) statistics.start[j] = (statistics.start[j] as number) + (gamma[j] as number);
    family.accumulate(prepared, statistics.emissions, x, offset + first, offset + end, gamma.subarray(0, steps * k));
  }
  for (let index = 0; index < k * k; index++) statistics.transitions[index] = (statistics.transitions[index] as number) + (outer[index] as number) * (transition[index] as number);
  let occupied = 0;
  for (let i = 0; i < k; i++) occupied += statistics.occupancy[i] as number;
  if (!Number.isFinite(occupied)) {
    throw new NumericalError(`The posteriors of sequence ${sequence} (rows ${offset}–${offset + length - 1}) are not finite: the forward–backward computation overflowed.`, 'Check the data for extreme values and rescale it.', {
      sequence,
    });
  }
  return total + compensation;
}

/**
 * The forward recursion over steps first … end − 1 into the workspace's segment tables (b, α̂, c,
 * m), from `previous` = α̂_{first−1} (undefined at the sequence's start: π).
 */
function forwardSegment<C, X, FS extends Statistics, Prepared>(
  family: ComponentFamily<C, X, FS, Prepared>,
  k: number,
  start: Float64Array,
  transition: Float64Array,
  prepared: Prepared,
  x: X,
  offset: number,
  first: number,
  end: number,
  previous: Float64Array | undefined,
  workspace: CheckpointWorkspace,
  sequence: number,
): void {
  const { emission, forward, scales, shifts } = workspace;
  const steps = end - first;
  family.logDensities(prepared, x, offset + first, offset + end, emission.subarray(0, steps * k));
  for (let t = 0; t < steps; t++) {
    const base = t * k;
    let max = -Infinity;
    let nonFinite = false;
    for (let j = 0; j < k; j++) {
      const v = emission[base + j] as number;
      if (Number.isNaN(v) || v === Infinity) nonFinite = true;
      if (v > max) max = v;
    }
    const row = offset + first + t;
    if (nonFinite) {
      throw new NumericalError(`Sequence ${sequence}, position ${first + t} (row ${row}): an emission log-density is NaN or +∞.`, 'Check that row for huge or non-finite values, or rescale the data.', {
        sequence,
        position: first + t,
        row,
      });
    }
    shifts[t] = max;
    let scale = 0;
    for (let j = 0; j < k; j++) {
      const b = max === -Infinity ? 0 : Math.exp((emission[base + j] as number) - max);
      emission[base + j] = b;
      let v: number;
      if (b === 0) v = 0;
      else if (t === 0 && previous === undefined) v = (start[j] as number) * b;
      else {
        const before = t === 0 ? (previous as Float64Array) : forward;
        const at = t === 0 ? 0 : base - k;
        let sum = 0;
        for (let i = 0; i < k; i++) sum += (before[at + i] as number) * (transition[i * k + j] as number);
        v = sum * b;
      }
      forward[base + j] = v;
      scale += v;
    }
    if (!(scale > 0)) {
      throw new ImpossibleObservationError(
        `Sequence ${sequence}, position ${first + t} (row ${row}) has probability 0 under the model (zero density under every state the chain can be in).`,
        'Check that observation and the structural zeros of the chain, or add a prior pseudo-count.',
        { sequence, position: first + t, row },
      );
    }
    scales[t] = scale;
    const inverse = 1 / scale;
    for (let j = 0; j < k; j++) forward[base + j] = (forward[base + j] as number) * inverse;
  }
}
