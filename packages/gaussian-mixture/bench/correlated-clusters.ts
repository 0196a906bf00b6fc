import { DenseMatrix, type Random } from '@em/core';

/**
 * N points from K Gaussian clusters with random correlated covariances (lower-triangular factors),
 * their centres drawn `centreSpread` standard deviations per coordinate apart; seeded by `random`.
 * bench.ts spreads them wide (well separated), time-to-solution.ts narrow (EM's slow linear rate).
 */
export function correlatedClusters(n: number, d: number, k: number, centreSpread: number, random: Random): DenseMatrix {
  const centers = new Float64Array(k * d);
  for (let i = 0; i < centers.length; i++) centers[i] = centreSpread * random.normal();
  const factors = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) {
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < a; b++) factors[c * d * d + a * d + b] = 0.3 * random.normal();
      factors[c * d * d + a * d + a] = 0.5 + random.next();
    }
  }
  const data = new Float64Array(n * d);
  const z = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const c = random.integer(k);
    for (let a = 0; a < d; a++) z[a] = random.normal();
    for (let a = 0; a < d; a++) {
      let v = centers[c * d + a] as number;
      for (let b = 0; b <= a; b++) v += (factors[c * d * d + a * d + b] as number) * (z[b] as number);
      data[i * d + a] = v;
    }
  }
  return new DenseMatrix(data, n, d);
}
