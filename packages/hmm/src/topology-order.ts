/**
 * Matching the clusters of an emission start (k-means or random responsibilities) to the states
 * of a chain with structural zeros. k-means numbers its clusters in no particular order; in a
 * left-right chain that starts in state 0, a start whose state 0 describes the END of the
 * sequences makes the data (nearly) impossible: the forward pass either fails at t = 0 or the
 * scaled backward variables of unreachable states overflow, and Baum–Welch cannot move the
 * emissions out of that corner. Ordering the clusters along the chain's topology gives a start
 * the chain can reach.
 */

/** Largest K for the pairwise-swap search (O(K⁴) per pass; beyond it the time order is kept). */
const SWAP_SEARCH_LIMIT = 48;

/** Whether a given start vector or transition matrix has a zero (a structural constraint). */
export function hasStructuralZeros(start: Float64Array | undefined, transition: Float64Array | undefined): boolean {
  return (start !== undefined && start.includes(0)) || (transition !== undefined && transition.includes(0));
}

/**
 * The states in a topological order of the chain's allowed moves between different states
 * (self-loops ignored; ties by index), or undefined when the moves contain a cycle.
 */
export function topologicalOrder(transition: Float64Array, k: number): Int32Array | undefined {
  const incoming = new Int32Array(k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (i !== j && (transition[i * k + j] as number) > 0) incoming[j] = (incoming[j] as number) + 1;
  const order = new Int32Array(k);
  const placed = new Uint8Array(k);
  for (let position = 0; position < k; position++) {
    let next = -1;
    for (let j = 0; j < k && next < 0; j++) if (placed[j] === 0 && incoming[j] === 0) next = j;
    if (next < 0) return undefined;
    placed[next] = 1;
    order[position] = next;
    for (let j = 0; j < k; j++) if (j !== next && (transition[next * k + j] as number) > 0) incoming[j] = (incoming[j] as number) - 1;
  }
  return order;
}

/**
 * `stateOf[cluster]`: the state each cluster of `labels` (one per row, sequences at `offsets`)
 * starts. When the chain's moves form a DAG (a left-right chain), clusters are placed along a
 * topological order of the states by their mean relative position in the sequences (the mean,
 * not the first occurrence, so a single stray row does not reorder them). Then pairs are swapped
 * while that lowers the number of label moves (and sequence starts) the chain forbids.
 */
export function clustersAlongTopology(labels: Int32Array, offsets: ArrayLike<number>, count: number, start: Float64Array, transition: Float64Array, k: number): Int32Array {
  const moves = new Float64Array(k * k);
  const starts = new Float64Array(k);
  const positionSums = new Float64Array(k);
  const sizes = new Float64Array(k);
  for (let s = 0; s < count; s++) {
    const first = offsets[s] as number;
    const end = offsets[s + 1] as number;
    const span = Math.max(1, end - first - 1);
    starts[labels[first] as number] = (starts[labels[first] as number] as number) + 1;
    for (let row = first; row < end; row++) {
      const label = labels[row] as number;
      positionSums[label] = (positionSums[label] as number) + (row - first) / span;
      sizes[label] = (sizes[label] as number) + 1;
      if (row + 1 < end) moves[label * k + (labels[row + 1] as number)] = (moves[label * k + (labels[row + 1] as number)] as number) + 1;
    }
  }
  const stateOf = new Int32Array(k);
  const order = topologicalOrder(transition, k);
  if (order === undefined) for (let c = 0; c < k; c++) stateOf[c] = c;
  else {
    // Empty clusters last; otherwise by mean relative position, then by index.
    const clusters = Array.from({ length: k }, (_, c) => c);
    const key = (c: number): number => ((sizes[c] as number) > 0 ? (positionSums[c] as number) / (sizes[c] as number) : 2);
    clusters.sort((a, b) => key(a) - key(b) || a - b);
    clusters.forEach((cluster, rank) => (stateOf[cluster] = order[rank] as number));
  }
  if (k > SWAP_SEARCH_LIMIT) return stateOf;
  let cost = forbiddenCount(stateOf, moves, starts, start, transition, k);
  for (let pass = 0; pass < k && cost > 0; pass++) {
    let improved = false;
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        swap(stateOf, a, b);
        const candidate = forbiddenCount(stateOf, moves, starts, start, transition, k);
        if (candidate < cost) {
          cost = candidate;
          improved = true;
        } else swap(stateOf, a, b);
      }
    }
    if (!improved) break;
  }
  return stateOf;
}

/** Label moves and sequence starts that the chain forbids under the assignment. */
function forbiddenCount(stateOf: Int32Array, moves: Float64Array, starts: Float64Array, start: Float64Array, transition: Float64Array, k: number): number {
  let count = 0;
  for (let a = 0; a < k; a++) {
    const from = stateOf[a] as number;
    if ((start[from] as number) === 0) count += starts[a] as number;
    for (let b = 0; b < k; b++) if ((transition[from * k + (stateOf[b] as number)] as number) === 0) count += moves[a * k + b] as number;
  }
  return count;
}

function swap(values: Int32Array, a: number, b: number): void {
  const value = values[a] as number;
  values[a] = values[b] as number;
  values[b] = value;
}

/** Responsibilities n×K with column c moved to column stateOf[c]. */
export function permuteColumns(weights: Float64Array, rows: number, stateOf: Int32Array, k: number): Float64Array {
  const out = new Float64Array(rows * k);
  for (let row = 0; row < rows; row++) {
    const base = row * k;
    for (let c = 0; c < k; c++) out[base + (stateOf[c] as number)] = weights[base + c] as number;
  }
  return out;
}

/** Argmax label of each row of n×K responsibilities. */
export function labelsOf(weights: Float64Array, rows: number, k: number): Int32Array {
  const labels = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    const base = row * k;
    let best = 0;
    for (let c = 1; c < k; c++) if ((weights[base + c] as number) > (weights[base + best] as number)) best = c;
    labels[row] = best;
  }
  return labels;
}
