import { choleskyInPlace, type Random } from '@em/core';
import type { GaussianComponents } from './gaussian-components.js';

/** Draws one observation of component k into `out` (the family's `sample`). */
export type GaussianSampler = (components: GaussianComponents, k: number, random: Random, out: Float64Array) => void;

/**
 * A sampler for one family: x = μ_k + L_k·z with z standard normal. The Cholesky factors of full
 * and tied covariances are computed once per covariance array and kept while it lives.
 */
export function gaussianSampler(): GaussianSampler {
  const sampleFactors = new WeakMap<Float64Array, Float64Array>();
  return (components, k, random, out) => {
    const d = components.dimension;
    const mean = k * d;
    const c = components.covariances;
    switch (components.covarianceType) {
      case 'diagonal':
        for (let a = 0; a < d; a++) out[a] = (components.means[mean + a] as number) + Math.sqrt(c[k * d + a] as number) * random.normal();
        return;
      case 'spherical': {
        const s = Math.sqrt(c[k] as number);
        for (let a = 0; a < d; a++) out[a] = (components.means[mean + a] as number) + s * random.normal();
        return;
      }
      case 'full':
      case 'tied': {
        let factors = sampleFactors.get(c);
        if (factors === undefined) {
          const matrices = components.covarianceType === 'tied' ? 1 : c.length / (d * d);
          factors = new Float64Array(matrices * d * d);
          for (let m = 0; m < matrices; m++) choleskyInPlace(c, d, factors, m * d * d, m * d * d);
          sampleFactors.set(c, factors);
        }
        const offset = components.covarianceType === 'tied' ? 0 : k * d * d;
        // x = μ + L·z, z standard normal (drawn first so the stream does not depend on D's loop order).
        const z = new Float64Array(d);
        for (let a = 0; a < d; a++) z[a] = random.normal();
        for (let a = 0; a < d; a++) {
          let v = components.means[mean + a] as number;
          for (let b = 0; b <= a; b++) v += (factors[offset + a * d + b] as number) * (z[b] as number);
          out[a] = v;
        }
        return;
      }
    }
  };
}
