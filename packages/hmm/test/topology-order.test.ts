import { describe, expect, it } from 'vitest';
import { clustersAlongTopology, topologicalOrder } from '../src/topology-order.js';

const leftRight = Float64Array.from([0.5, 0.5, 0, 0, 0.5, 0.5, 0, 0, 1]);
/** 0 → 1 → 2 → 0 with self-loops: no topological order. */
const cycle = Float64Array.from([0.5, 0.5, 0, 0, 0.5, 0.5, 0.5, 0, 0.5]);

/** Label moves the chain forbids under stateOf. */
function forbidden(labels: number[], stateOf: Int32Array, transition: Float64Array, k: number): number {
  let count = 0;
  for (let t = 1; t < labels.length; t++) if (transition[(stateOf[labels[t - 1] as number] as number) * k + (stateOf[labels[t] as number] as number)] === 0) count++;
  return count;
}

describe('clusters ordered along the chain', () => {
  it('topological order of a left-right chain; none for a cycle', () => {
    expect(Array.from(topologicalOrder(leftRight, 3) ?? [])).toEqual([0, 1, 2]);
    expect(topologicalOrder(cycle, 3)).toBeUndefined();
    // Reversed numbering: 2 → 1 → 0.
    expect(Array.from(topologicalOrder(Float64Array.from([1, 0, 0, 0.5, 0.5, 0, 0, 0.5, 0.5]), 3) ?? [])).toEqual([2, 1, 0]);
  });

  it('left-right: clusters by mean position in the sequences, a stray early row does not reorder them', () => {
    // Two sequences visiting clusters 2, 0, 1 in that order; one stray row of cluster 1 at the start.
    const labels = [1, 2, 2, 2, 0, 0, 0, 1, 1, 1, 2, 2, 0, 0, 1, 1];
    const stateOf = clustersAlongTopology(Int32Array.from(labels), [0, 10, 16], 2, Float64Array.from([1, 0, 0]), leftRight, 3);
    expect(Array.from(stateOf)).toEqual([1, 2, 0]);
  });

  it('a cyclic chain with zeros: pairwise swaps remove the forbidden moves', () => {
    const labels: number[] = [];
    for (let round = 0; round < 4; round++) labels.push(0, 0, 2, 2, 1, 1);
    const identity = Int32Array.from([0, 1, 2]);
    expect(forbidden(labels, identity, cycle, 3)).toBeGreaterThan(0);
    const stateOf = clustersAlongTopology(Int32Array.from(labels), [0, labels.length], 1, Float64Array.from([1 / 3, 1 / 3, 1 / 3]), cycle, 3);
    expect(forbidden(labels, stateOf, cycle, 3)).toBe(0);
    expect(Array.from(stateOf).sort()).toEqual([0, 1, 2]);
  });
});
