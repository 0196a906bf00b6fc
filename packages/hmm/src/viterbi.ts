/**
 * Viterbi decoding of one sequence in log space: δ_t(j) = max_i [δ_{t−1}(i) + log A_ij] + log f_j(x_t),
 * with back-pointers (T×K integers). `logEmission` holds the T×K log-densities.
 */

/** Buffers reused across sequences. */
export class ViterbiWorkspace {
  delta = new Float64Array(0);
  nextDelta = new Float64Array(0);
  backPointers = new Int32Array(0);

  /** Drops the back-pointer buffer. */
  release(): void {
    this.backPointers = new Int32Array(0);
  }

  ensure(length: number, states: number): void {
    if (this.delta.length !== states) {
      this.delta = new Float64Array(states);
      this.nextDelta = new Float64Array(states);
    }
    if (this.backPointers.length < length * states) this.backPointers = new Int32Array(Math.max(length * states, 2 * this.backPointers.length));
  }
}

/**
 * Writes the most probable state path into `path[offset..offset+T)` and returns its joint
 * log-probability log p(x, z*). Returns −∞ (path left as zeros from the first impossible step)
 * when no path has positive probability; `impossible.at` then holds that step.
 */
export function viterbiPath(
  states: number,
  length: number,
  logStart: Float64Array,
  logTransition: Float64Array,
  logEmission: Float64Array,
  workspace: ViterbiWorkspace,
  path: Int32Array,
  offset: number,
  impossible: { at: number },
): number {
  const k = states;
  let delta = workspace.delta;
  let nextDelta = workspace.nextDelta;
  const back = workspace.backPointers;
  impossible.at = -1;
  let anyFinite = false;
  for (let j = 0; j < k; j++) {
    const v = (logStart[j] as number) + (logEmission[j] as number);
    delta[j] = v;
    if (v > -Infinity) anyFinite = true;
  }
  if (!anyFinite) {
    impossible.at = 0;
    path.fill(0, offset, offset + length);
    return -Infinity;
  }
  for (let t = 1; t < length; t++) {
    const base = t * k;
    anyFinite = false;
    for (let j = 0; j < k; j++) {
      let best = -Infinity;
      let arg = 0;
      for (let i = 0; i < k; i++) {
        const v = (delta[i] as number) + (logTransition[i * k + j] as number);
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      const value = best + (logEmission[base + j] as number);
      nextDelta[j] = value;
      back[base + j] = arg;
      if (value > -Infinity) anyFinite = true;
    }
    if (!anyFinite) {
      impossible.at = t;
      path.fill(0, offset, offset + length);
      return -Infinity;
    }
    const swap = delta;
    delta = nextDelta;
    nextDelta = swap;
  }
  let best = -Infinity;
  let arg = 0;
  for (let j = 0; j < k; j++) {
    if ((delta[j] as number) > best) {
      best = delta[j] as number;
      arg = j;
    }
  }
  path[offset + length - 1] = arg;
  for (let t = length - 1; t > 0; t--) {
    arg = back[t * k + arg] as number;
    path[offset + t - 1] = arg;
  }
  workspace.delta = delta;
  workspace.nextDelta = nextDelta;
  return best;
}
