import { describe, expect, it } from 'vitest';
import { InvalidOptionsError, kMeans, kMeansPlusPlus, nearestCenters } from '../src/index.js';
import { Random } from '../src/random.js';

/** Three tight clusters of 50 rows around (0,0), (10,0), (0,10), in a seeded order. */
function clusters(random: Random): { data: Float64Array; truth: Int32Array } {
  const centres = [0, 0, 10, 0, 0, 10];
  const n = 150;
  const data = new Float64Array(n * 2);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    truth[i] = c;
    data[i * 2] = (centres[c * 2] as number) + 0.3 * random.normal();
    data[i * 2 + 1] = (centres[c * 2 + 1] as number) + 0.3 * random.normal();
  }
  return { data, truth };
}

describe('kMeans (shared dense k-means)', () => {
  it('recovers well-separated clusters (same partition up to relabelling), for several seeds', () => {
    for (const seed of [1, 2, 3, 4]) {
      const { data, truth } = clusters(new Random(seed));
      const { labels, centers, iterations } = kMeans(data, 150, 2, 3, new Random(seed + 10));
      expect(iterations).toBeGreaterThanOrEqual(1);
      const mapping = new Map<number, number>();
      for (let i = 0; i < 150; i++) {
        const seen = mapping.get(truth[i] as number);
        if (seen === undefined) mapping.set(truth[i] as number, labels[i] as number);
        else expect(labels[i], `seed ${seed}, row ${i}`).toBe(seen);
      }
      expect(new Set(mapping.values()).size).toBe(3);
      // Centres are the cluster means.
      for (let c = 0; c < 3; c++) {
        let sx = 0;
        let count = 0;
        for (let i = 0; i < 150; i++) {
          if (labels[i] !== c) continue;
          sx += data[i * 2] as number;
          count++;
        }
        expect(centers[c * 2] as number).toBeCloseTo(sx / count, 12);
      }
    }
  });

  it('is reproducible from the seed and the labels are the nearest centres', () => {
    const { data } = clusters(new Random(9));
    const first = kMeans(data, 150, 2, 3, new Random(5));
    expect(kMeans(data, 150, 2, 3, new Random(5))).toEqual(first);
    expect(nearestCenters(data, 150, 2, first.centers, 3)).toEqual(first.labels);
  });

  it('never seeds on a row of weight 0, and maxIterations 0 keeps the seeds', () => {
    const { data } = clusters(new Random(11));
    const weights = new Float64Array(150).fill(1);
    for (let i = 0; i < 150; i += 3) weights[i] = 0; // the whole first cluster
    const seeds = kMeansPlusPlus(data, 150, 2, 2, new Random(3), weights);
    for (let c = 0; c < 2; c++) expect(Math.hypot(seeds[c * 2] as number, seeds[c * 2 + 1] as number)).toBeGreaterThan(5);
    const kept = kMeans(data, 150, 2, 2, new Random(3), { sampleWeights: weights, maxIterations: 0 });
    expect(kept.iterations).toBe(0);
    expect(kept.centers).toEqual(seeds);
  });

  it('rejects k > n and a negative maxIterations with InvalidOptionsError', () => {
    const data = new Float64Array([0, 1, 2]);
    expect(() => kMeans(data, 3, 1, 4, new Random(1))).toThrow(InvalidOptionsError);
    expect(() => kMeans(data, 3, 1, 2, new Random(1), { maxIterations: -1 })).toThrow(/maxIterations/);
  });
});
