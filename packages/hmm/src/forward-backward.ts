/**
 * Scaled forward–backward over one sequence (Rabiner 1989, §V.A), on flat row-major buffers.
 *
 * Emission log-densities are shifted per time step by their maximum m_t before exponentiation,
 * so b_t(k) = exp(log f_k(x_t) − m_t) ∈ [0, 1] with max 1. Forward variables are normalised at
 * every step by c_t = Σ_k α̃_t(k); then
 *   log p(x_1..T) = Σ_t (log c_t + m_t),
 * summed with Neumaier compensation, and γ_t = α̂_t ⊙ β̂_t needs no further normalisation.
 * Memory: the emission and forward buffers (T·K each) plus T scales and T shifts.
 */

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
  /** K: scaled backward variables at t + 1. */
  backward = new Float64Array(0);
  /** K: b_{t+1} ⊙ β̂_{t+1} / c_{t+1}. */
  carried = new Float64Array(0);
  /** K×K: Σ_t α̂_t(i) · carried_{t+1}(j), before multiplying by A_ij. */
  outer = new Float64Array(0);
  /** K×K: Aᵀ, so the forward sum over i runs along a contiguous row. */
  transposed = new Float64Array(0);

  /** Drops the T·K buffers (they are re-allocated on the next use). */
  release(): void {
    this.emission = new Float64Array(0);
    this.forward = new Float64Array(0);
    this.scales = new Float64Array(0);
    this.shifts = new Float64Array(0);
  }

  ensure(length: number, states: number): void {
    const size = length * states;
    if (this.emission.length < size) {
      const capacity = Math.max(size, Math.min(2 * this.emission.length, 1 << 26));
      this.emission = new Float64Array(capacity);
      this.forward = new Float64Array(capacity);
    }
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
}

/** Where a sequence became impossible (−1 when it did not). */
export interface ForwardOutcome {
  logLikelihood: number;
  /** First time step (0-based, within the sequence) with probability zero, or −1. */
  impossibleAt: number;
}

/**
 * Forward pass. `emission` holds log-densities for T×K on entry and the shifted densities b on
 * exit; `forward` receives α̂. Returns log p(x) or −∞ with the first impossible step.
 */
export function forwardScaled(
  states: number,
  length: number,
  start: Float64Array,
  transition: Float64Array,
  workspace: ForwardBackwardWorkspace,
  outcome: ForwardOutcome,
): void {
  const k = states;
  const emission = workspace.emission;
  const forward = workspace.forward;
  const scales = workspace.scales;
  const shifts = workspace.shifts;
  const transposed = workspace.transposed;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) transposed[j * k + i] = transition[i * k + j] as number;
  let sum = 0;
  let compensation = 0;
  // Π c_t is kept as a running product and its log taken only when it falls below 1e-200
  // (one Math.log per ~hundreds of steps instead of one per step; the product's relative
  // round-off stays ~1e-14, i.e. ~1e-14 absolute in log p per flush).
  let product = 1;
  for (let t = 0; t < length; t++) {
    const base = t * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      const v = emission[base + j] as number;
      if (v > max) max = v;
    }
    if (!(max > -Infinity) || max === Infinity) {
      outcome.logLikelihood = max === Infinity ? Number.NaN : -Infinity;
      outcome.impossibleAt = t;
      return;
    }
    let scale = 0;
    if (t === 0) {
      for (let j = 0; j < k; j++) {
        const b = Math.exp((emission[j] as number) - max);
        emission[j] = b;
        const v = (start[j] as number) * b;
        forward[j] = v;
        scale += v;
      }
    } else {
      const previous = base - k;
      for (let j = 0; j < k; j++) {
        const b = Math.exp((emission[base + j] as number) - max);
        emission[base + j] = b;
        if (b === 0) {
          forward[base + j] = 0;
          continue;
        }
        const column = j * k;
        // Two accumulators: shorter dependency chains (measurably faster in V8 for K ≈ 10).
        let v0 = 0;
        let v1 = 0;
        let i = 0;
        for (; i + 1 < k; i += 2) {
          v0 += (forward[previous + i] as number) * (transposed[column + i] as number);
          v1 += (forward[previous + i + 1] as number) * (transposed[column + i + 1] as number);
        }
        if (i < k) v0 += (forward[previous + i] as number) * (transposed[column + i] as number);
        const v = (v0 + v1) * b;
        forward[base + j] = v;
        scale += v;
      }
    }
    if (!(scale > 0)) {
      outcome.logLikelihood = -Infinity;
      outcome.impossibleAt = t;
      return;
    }
    const inverse = 1 / scale;
    for (let j = 0; j < k; j++) forward[base + j] = (forward[base + j] as number) * inverse;
    scales[t] = scale;
    shifts[t] = max;
    // Neumaier summation of the shifts m_t and of the flushed log-products. c_t ≤ 1 (b ≤ 1 and
    // α̂ sums to 1), so the product only shrinks; a tiny c_t is logged on its own so the product
    // never leaves the normal range.
    let term = max;
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
  outcome.logLikelihood = total + compensation;
  outcome.impossibleAt = -1;
}

/**
 * Backward pass after `forwardScaled`: turns `forward` into the posteriors γ (T×K) and adds
 * Σ_t ξ_t(i, j) into `transitionSums` (K×K), γ_0 into `startSums` and Σ_t γ_t into `occupancy`.
 */
export function backwardScaled(
  states: number,
  length: number,
  transition: Float64Array,
  workspace: ForwardBackwardWorkspace,
  startSums: Float64Array | undefined,
  transitionSums: Float64Array | undefined,
  occupancy: Float64Array | undefined,
): void {
  const k = states;
  const emission = workspace.emission;
  const gamma = workspace.forward;
  const scales = workspace.scales;
  const backward = workspace.backward;
  const carried = workspace.carried;
  const outer = workspace.outer;
  const withTransitions = transitionSums !== undefined;
  if (withTransitions) outer.fill(0);
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
    const base = t * k;
    let total = 0;
    for (let i = 0; i < k; i++) {
      const row = i * k;
      const alpha = gamma[base + i] as number;
      let beta0 = 0;
      let beta1 = 0;
      let j = 0;
      if (withTransitions && alpha !== 0) {
        for (; j + 1 < k; j += 2) {
          const c0 = carried[j] as number;
          const c1 = carried[j + 1] as number;
          beta0 += (transition[row + j] as number) * c0;
          beta1 += (transition[row + j + 1] as number) * c1;
          outer[row + j] = (outer[row + j] as number) + alpha * c0;
          outer[row + j + 1] = (outer[row + j + 1] as number) + alpha * c1;
        }
        if (j < k) {
          const c = carried[j] as number;
          beta0 += (transition[row + j] as number) * c;
          outer[row + j] = (outer[row + j] as number) + alpha * c;
        }
      } else {
        for (; j + 1 < k; j += 2) {
          beta0 += (transition[row + j] as number) * (carried[j] as number);
          beta1 += (transition[row + j + 1] as number) * (carried[j + 1] as number);
        }
        if (j < k) beta0 += (transition[row + j] as number) * (carried[j] as number);
      }
      const beta = beta0 + beta1;
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
    // ξ_t(i, j) = α̂_t(i) A_ij b_{t+1}(j) β̂_{t+1}(j) / c_{t+1}; A_ij factors out of the sum over t.
    for (let index = 0; index < k * k; index++) {
      transitionSums[index] = (transitionSums[index] as number) + (outer[index] as number) * (transition[index] as number);
    }
  }
}
