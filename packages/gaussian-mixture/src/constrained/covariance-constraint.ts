import { InvalidParametersError } from '@em/core';
import { componentCountOf, denseCovariance, type GaussianComponents } from '../gaussian-components.js';
import { isClassicModel, lettersOf, storageOf, type CovarianceModel } from './covariance-models.js';
import { logDeterminant } from './constrained-maximization.js';
import { symmetricEigen } from './small-eigen.js';

/**
 * Relative tolerance of the constraint check on given covariances: mclust's own start matrices
 * satisfy their constraint only to ~1e-15, and parameters printed with fewer digits to less.
 */
export const CONSTRAINT_TOLERANCE = 1e-8;

/** One component's Σ_k = volume · orientation · diag(shape) · orientationᵀ. */
export type CovarianceDecomposition = {
  /** λ_k = det(Σ_k)^{1/D}. */
  readonly volume: number;
  /** Diagonal of A_k (product 1): in coordinate order for the models with identity orientation, else decreasing. */
  readonly shape: number[];
  /** D_k as rows (column j is the direction of shape[j]); the identity for the *I models. */
  readonly orientation: number[][];
  /** Σ_k itself. */
  readonly covariance: number[][];
};

/** The volume, shape and orientation of every component, in the form the model constrains. */
export function decomposeCovariances(components: GaussianComponents, model: CovarianceModel): CovarianceDecomposition[] {
  const d = components.dimension;
  const k = componentCountOf(components);
  const dd = d * d;
  const dense = new Float64Array(k * dd);
  for (let c = 0; c < k; c++) denseCovariance(components, c, dense, c * dd);
  const { shape: shapeLetter, orientation: orientationLetter } = lettersOf(model);
  // A common orientation: eigenvectors of a blend of the Σ_k whose eigenvalues are distinct.
  let common: Float64Array | undefined;
  if (orientationLetter === 'E' && shapeLetter !== 'I') {
    const blend = new Float64Array(dd);
    for (let c = 0; c < k; c++) for (let i = 0; i < dd; i++) blend[i] = (blend[i] as number) + (1 + 0.6180339887498949 * c) * (dense[c * dd + i] as number);
    common = symmetricEigen(blend, d).vectors;
  }
  const out: CovarianceDecomposition[] = [];
  for (let c = 0; c < k; c++) {
    const volume = Math.exp(logDeterminant(dense, d, c * dd) / d);
    let vectors: Float64Array;
    let values: Float64Array;
    if (orientationLetter === 'I' || shapeLetter === 'I') {
      vectors = identity(d);
      values = new Float64Array(d);
      for (let a = 0; a < d; a++) values[a] = dense[c * dd + a * d + a] as number;
    } else if (common !== undefined) {
      vectors = common;
      values = new Float64Array(d);
      for (let j = 0; j < d; j++) values[j] = quadratic(dense, c * dd, vectors, j, d);
    } else {
      ({ vectors, values } = symmetricEigen(dense, d, c * dd));
    }
    const orientation: number[][] = [];
    const covariance: number[][] = [];
    for (let a = 0; a < d; a++) {
      orientation.push(Array.from(vectors.subarray(a * d, (a + 1) * d)));
      covariance.push(Array.from(dense.subarray(c * dd + a * d, c * dd + (a + 1) * d)));
    }
    out.push({ volume, shape: Array.from(values, (v) => v / volume), orientation, covariance });
  }
  return out;
}

/**
 * Throws InvalidParametersError naming the component and the part of the model (volume, shape,
 * orientation) that given covariances violate by more than CONSTRAINT_TOLERANCE.
 */
export function validateCovarianceConstraint(components: GaussianComponents, model: CovarianceModel, tolerance = CONSTRAINT_TOLERANCE): void {
  const { volume, shape, orientation } = lettersOf(model);
  // The classic models' own storage cannot break their constraint (no work on the fit path).
  if (model === 'VVV' || (isClassicModel(model) && components.covarianceType === storageOf(model))) return;
  const d = components.dimension;
  const k = componentCountOf(components);
  const dd = d * d;
  const dense = new Float64Array(k * dd);
  for (let c = 0; c < k; c++) denseCovariance(components, c, dense, c * dd);
  const fail = (c: number, part: 'volume' | 'shape' | 'orientation', what: string, gap: number): never => {
    throw new InvalidParametersError(
      `covariances[${c}] does not satisfy model ${model}: its ${part} ${what} (relative difference ${gap.toExponential(2)}, tolerance ${tolerance.toExponential(0)}).`,
      `Give covariances of the form λ_k·D_k·A_k·D_kᵀ with ${describe(model)}, or choose a less constrained model (e.g. VVV).`,
      { parameter: 'covariances', component: c, part, model },
    );
  };
  const volumes = Array.from({ length: k }, (_, c) => Math.exp(logDeterminant(dense, d, c * dd) / d));
  // Round-off in a volume, shape or orientation grows with the matrix's condition number: the
  // comparison of components c and 0 allows that much more than `tolerance`.
  const conditions = Array.from({ length: k }, (_, c) => {
    const values = symmetricEigen(dense, d, c * dd).values;
    return (values[0] as number) / (values[d - 1] as number);
  });
  const allowed = (c: number) => Math.max(tolerance, 16 * Number.EPSILON * Math.max(conditions[c] as number, conditions[0] as number));
  if (orientation === 'I' || shape === 'I') {
    for (let c = 0; c < k; c++) {
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < a; b++) {
          const off = Math.abs(dense[c * dd + a * d + b] as number) / Math.sqrt((dense[c * dd + a * d + a] as number) * (dense[c * dd + b * d + b] as number));
          if (off > allowed(c)) fail(c, 'orientation', `is not the coordinate axes (entry [${a}][${b}] is off-diagonal)`, off);
        }
      }
    }
  }
  if (volume === 'E') {
    for (let c = 1; c < k; c++) {
      const gap = Math.abs((volumes[c] as number) - (volumes[0] as number)) / (volumes[0] as number);
      if (gap > allowed(c)) fail(c, 'volume', `det(Σ)^{1/D} = ${(volumes[c] as number).toPrecision(6)} differs from component 0's ${(volumes[0] as number).toPrecision(6)}`, gap);
    }
  }
  if (shape === 'I') {
    for (let c = 0; c < k; c++) {
      for (let a = 1; a < d; a++) {
        const gap = Math.abs((dense[c * dd + a * d + a] as number) - (dense[c * dd] as number)) / (dense[c * dd] as number);
        if (gap > allowed(c)) fail(c, 'shape', `is not spherical (variance ${a} differs from variance 0)`, gap);
      }
    }
    return;
  }
  if (shape === 'E') {
    // Normalised shapes compared: diagonals (I orientation), whole matrices (E), sorted eigenvalues (V).
    const normalised = (c: number): Float64Array => {
      const v = volumes[c] as number;
      if (orientation === 'I') return Float64Array.from({ length: d }, (_, a) => (dense[c * dd + a * d + a] as number) / v);
      if (orientation === 'E') return dense.slice(c * dd, (c + 1) * dd).map((x) => x / v);
      return symmetricEigen(dense, d, c * dd).values.map((x) => x / v);
    };
    const first = normalised(0);
    let largest = 0;
    for (const x of first) largest = Math.max(largest, Math.abs(x));
    for (let c = 1; c < k; c++) {
      const other = normalised(c);
      let gap = 0;
      for (let i = 0; i < first.length; i++) gap = Math.max(gap, Math.abs((other[i] as number) - (first[i] as number)) / largest);
      if (gap > allowed(c)) fail(c, 'shape', `differs from component 0's`, gap);
    }
  }
  if (orientation === 'E' && shape === 'V') {
    // A common orientation ⇔ the matrices commute.
    for (let c = 1; c < k; c++) {
      const gap = commutator(dense, 0, c * dd, d);
      if (gap > allowed(c)) fail(c, 'orientation', `differs from component 0's (Σ_0Σ_${c} ≠ Σ_${c}Σ_0)`, gap);
    }
  }
}

function describe(model: CovarianceModel): string {
  const { volume, shape, orientation } = lettersOf(model);
  const part = (letter: string, name: string) => (letter === 'E' ? `equal ${name}` : letter === 'V' ? `variable ${name}` : name === 'shape' ? 'spherical shape' : 'axis-aligned orientation');
  return [part(volume, 'volume'), part(shape, 'shape'), shape === 'I' ? undefined : part(orientation, 'orientation')].filter((x) => x !== undefined).join(', ');
}

/** max|AB − BA| / (max|A|·max|B|·D). */
function commutator(dense: Float64Array, a: number, b: number, d: number): number {
  let gap = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < d * d; i++) {
    normA = Math.max(normA, Math.abs(dense[a + i] as number));
    normB = Math.max(normB, Math.abs(dense[b + i] as number));
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let m = 0; m < d; m++) s += (dense[a + i * d + m] as number) * (dense[b + m * d + j] as number) - (dense[b + i * d + m] as number) * (dense[a + m * d + j] as number);
      gap = Math.max(gap, Math.abs(s));
    }
  }
  return gap / (normA * normB * d);
}

function identity(d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let a = 0; a < d; a++) out[a * d + a] = 1;
  return out;
}

function quadratic(dense: Float64Array, offset: number, vectors: Float64Array, j: number, d: number): number {
  let s = 0;
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s += (vectors[a * d + j] as number) * (dense[offset + a * d + b] as number) * (vectors[b * d + j] as number);
  return s;
}
