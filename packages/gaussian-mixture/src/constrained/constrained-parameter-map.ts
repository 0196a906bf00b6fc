import { CoordinateReader, CoordinateWriter, InvalidParametersError, type ParameterMap } from '@em/core';
import { componentCountOf, denseCovariance, type GaussianComponents } from '../gaussian-components.js';
import { lettersOf, type CovarianceModel } from './covariance-models.js';
import { symmetricEigen } from './small-eigen.js';

/** The six mclust models with a full-matrix orientation and a shared volume, shape or orientation. */
export type OrientedCovarianceModel = 'VEE' | 'EVE' | 'VVE' | 'EEV' | 'VEV' | 'EVV';

/** The models constrainedParameterMap serves. */
export const ORIENTED_COVARIANCE_MODELS: readonly OrientedCovarianceModel[] = ['VEE', 'EVE', 'VVE', 'EEV', 'VEV', 'EVV'];

/** Whether constrainedParameterMap serves the model. */
export function isOrientedCovarianceModel(model: string): model is OrientedCovarianceModel {
  return (ORIENTED_COVARIANCE_MODELS as readonly string[]).includes(model);
}

/**
 * Σ_k = λ_k·D_k·diag(a_k)·D_kᵀ in canonical form: log-volumes, log-shapes (each row sums to 0, so
 * det A_k = 1) and orientations (row-major D×D, orthogonal; one when the orientation is common).
 */
interface Decomposition {
  /** K log λ_k. */
  readonly logVolumes: Float64Array;
  /** K×D log a_kj, each row summing to 0. */
  readonly logShapes: Float64Array;
  /** One (common orientation) or K row-major D×D orthogonal matrices; column j goes with shape j. */
  readonly orientations: Float64Array;
}

/**
 * Largest |Cayley coordinate| of an orientation relative to its reference that is still read as
 * "near": the inverse Cayley map is singular at rotations by π, where (Q + I) loses rank.
 */
const CAYLEY_LIMIT = 1e6;

/**
 * Gaussian components of mclust's models VEE, EVE, VVE, EEV, VEV and EVV ↔ ℝ^p, for accelerated
 * fits (SQUAREM). Each Σ_k = λ_k·D_k·A_k·D_kᵀ is held by the coordinates of its constraint, so that
 * every point of ℝ^p maps to covariances that satisfy the model's constraint exactly (to round-off):
 * - means as they are;
 * - volumes by their logarithms: one shared log λ (E) or K of them (V);
 * - shapes by their logarithms with det A = 1: D − 1 free log-values, the last minus their sum,
 *   once (E) or per component (V);
 * - orientations by the Cayley map Q = (I − S)⁻¹(I + S) of a skew-symmetric S (its strict lower
 *   triangle, D(D − 1)/2 values), relative to the reference's orientation: D = D_ref·Q, once for a
 *   common orientation (VEE, EVE, VVE) and per component for varying ones (EEV, VEV, EVV).
 *
 * The orientation chart is local, centred at the reference (the `reference` of toUnconstrained, the
 * template of fromUnconstrained; see core's ParameterMap): the reference maps to S = 0 and nearby
 * orientations to small S. The eigen-decomposition that finds λ, A and D fixes the order and signs
 * of D's columns only up to a permutation (with A's entries) and sign flips; before its Cayley
 * coordinates are taken, a point's columns are matched to the reference's — permuted and
 * sign-flipped to the closest (one permutation for all components where they share a shape). So
 * the chart reads a point back to the coordinates it was made from while its columns stay within
 * 45° of the reference's; beyond that it reads the same covariances with another column order (the
 * same Σ_k, other coordinates). A point whose orientation is a half-turn or more from the
 * reference's has no coordinates in this chart (InvalidParametersError; SQUAREM takes the plain EM
 * step for that cycle). SQUAREM's three points lie close together, well inside the chart.
 *
 * Frozen means or covariances are taken from the template bit for bit (frozen covariances have no
 * coordinates). fromUnconstrained(toUnconstrained(θ, θ), θ) = θ to round-off.
 */
export function constrainedParameterMap(model: OrientedCovarianceModel, update: { readonly means: boolean; readonly covariances: boolean }): ParameterMap<GaussianComponents> {
  const letters = lettersOf(model);
  const commonOrientation = letters.orientation === 'E';
  const sharedShape = letters.shape === 'E';
  // Canonical decompositions of the (immutable) parameter values seen, so a cycle's reference is
  // decomposed once.
  const cache = new WeakMap<GaussianComponents, Decomposition>();
  const canonical = (components: GaussianComponents): Decomposition => {
    let found = cache.get(components);
    if (found === undefined) {
      found = decompose(components, model);
      cache.set(components, found);
    }
    return found;
  };

  return {
    toUnconstrained(components, reference = components) {
      const writer = new CoordinateWriter().raw(components.means);
      if (!update.covariances) return writer.result();
      const d = components.dimension;
      const k = componentCountOf(components);
      const own = canonical(components);
      const centre = canonical(reference);
      const aligned = align(own, centre, k, d, commonOrientation, sharedShape);
      const pickVolumes = letters.volume === 'E' ? aligned.logVolumes.subarray(0, 1) : aligned.logVolumes;
      writer.raw(pickVolumes);
      const shapeRows = letters.shape === 'E' ? 1 : k;
      for (let c = 0; c < shapeRows; c++) writer.raw(aligned.logShapes, c * d, d - 1);
      const orientationCount = commonOrientation ? 1 : k;
      for (let c = 0; c < orientationCount; c++) writer.raw(inverseCayley(centre.orientations, aligned.orientations, c * d * d, d));
      return writer.result();
    },
    fromUnconstrained(vector, template) {
      const reader = new CoordinateReader(vector);
      const d = template.dimension;
      const k = componentCountOf(template);
      const means = reader.raw(new Float64Array(template.means.length));
      if (!update.covariances) {
        reader.finish();
        return { ...template, means: update.means ? means : template.means };
      }
      const centre = canonical(template);
      const volumeCount = letters.volume === 'E' ? 1 : k;
      const logVolumes = reader.raw(new Float64Array(volumeCount));
      const shapeRows = letters.shape === 'E' ? 1 : k;
      const logShapes = new Float64Array(shapeRows * d);
      for (let c = 0; c < shapeRows; c++) {
        reader.raw(logShapes, c * d, d - 1);
        let sum = 0;
        for (let j = 0; j < d - 1; j++) sum += logShapes[c * d + j] as number;
        logShapes[c * d + d - 1] = -sum;
      }
      const orientationCount = commonOrientation ? 1 : k;
      const orientations = new Float64Array(orientationCount * d * d);
      const skew = new Float64Array((d * (d - 1)) / 2);
      for (let c = 0; c < orientationCount; c++) {
        reader.raw(skew);
        cayley(centre.orientations, c * d * d, skew, d, orientations, c * d * d);
      }
      reader.finish();
      const covariances = new Float64Array(k * d * d);
      const scaled = new Float64Array(d);
      for (let c = 0; c < k; c++) {
        const logVolume = logVolumes[letters.volume === 'E' ? 0 : c] as number;
        const shapeOffset = letters.shape === 'E' ? 0 : c * d;
        for (let j = 0; j < d; j++) {
          scaled[j] = Math.exp(logVolume + (logShapes[shapeOffset + j] as number));
          if (!((scaled[j] as number) > 0) || !Number.isFinite(scaled[j] as number)) throw outside('a covariance matrix (volume × shape)');
        }
        composeCovariance(orientations, commonOrientation ? 0 : c * d * d, scaled, d, covariances, c * d * d);
      }
      return { ...template, means: update.means ? means : template.means, covariances };
    },
  };
}

function outside(what: string): InvalidParametersError {
  return new InvalidParametersError(
    `The unconstrained parameter vector maps to ${what} outside what doubles represent.`,
    'This point is outside the parameter space; an accelerated fit falls back to the plain EM step here.',
    { parameter: 'covariances' },
  );
}

/**
 * λ_k, A_k and D (or D_k) of every component, in the form the model constrains: eigenvalues of each
 * Σ_k (in the common eigenbasis of a blend of the Σ_k when the orientation is shared), their mean
 * log as log λ_k, the rest as log A_k. Where the model shares the volume or the shape, the shared
 * value is the mean over components (exact for parameters that satisfy the constraint, and the
 * nearest such value in these coordinates for a point that satisfies it only to round-off).
 */
function decompose(components: GaussianComponents, model: CovarianceModel): Decomposition {
  const d = components.dimension;
  const k = componentCountOf(components);
  const dd = d * d;
  const letters = lettersOf(model);
  const dense = new Float64Array(k * dd);
  for (let c = 0; c < k; c++) denseCovariance(components, c, dense, c * dd);
  const logValues = new Float64Array(k * d);
  let orientations: Float64Array;
  if (letters.orientation === 'E') {
    // A blend with distinct weights has the common eigenvectors and (generically) distinct eigenvalues.
    const blend = new Float64Array(dd);
    for (let c = 0; c < k; c++) for (let i = 0; i < dd; i++) blend[i] = (blend[i] as number) + (1 + 0.6180339887498949 * c) * (dense[c * dd + i] as number);
    const common = symmetricEigen(blend, d).vectors;
    orientations = properRotation(common, d, 0);
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s += (orientations[a * d + j] as number) * (dense[c * dd + a * d + b] as number) * (orientations[b * d + j] as number);
        if (!(s > 0)) throw notPositive(c);
        logValues[c * d + j] = Math.log(s);
      }
    }
  } else {
    orientations = new Float64Array(k * dd);
    for (let c = 0; c < k; c++) {
      const { values, vectors } = symmetricEigen(dense, d, c * dd);
      orientations.set(properRotation(vectors, d, 0), c * dd);
      for (let j = 0; j < d; j++) {
        if (!((values[j] as number) > 0)) throw notPositive(c);
        logValues[c * d + j] = Math.log(values[j] as number);
      }
    }
  }
  const logVolumes = new Float64Array(k);
  const logShapes = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    let sum = 0;
    for (let j = 0; j < d; j++) sum += logValues[c * d + j] as number;
    logVolumes[c] = sum / d;
    for (let j = 0; j < d; j++) logShapes[c * d + j] = (logValues[c * d + j] as number) - sum / d;
  }
  if (letters.volume === 'E') logVolumes.fill(mean(logVolumes, 0, 1, k));
  if (letters.shape === 'E') {
    for (let j = 0; j < d; j++) {
      const shared = mean(logShapes, j, d, k);
      for (let c = 0; c < k; c++) logShapes[c * d + j] = shared;
    }
  }
  return { logVolumes, logShapes, orientations };
}

function notPositive(c: number): InvalidParametersError {
  return new InvalidParametersError(`covariances[${c}] is not positive definite.`, 'Give symmetric positive definite covariances.', { parameter: 'covariances', component: c });
}

/** Mean of `count` values of `a` from `offset` with `stride`. */
function mean(a: Float64Array, offset: number, stride: number, count: number): number {
  let sum = 0;
  for (let c = 0; c < count; c++) sum += a[offset + c * stride] as number;
  return sum / count;
}

/** A copy of the orthogonal matrix with its last column's sign flipped when its determinant is −1 (the Cayley map reaches rotations only). */
function properRotation(q: Float64Array, d: number, offset: number): Float64Array {
  const out = q.slice(offset, offset + d * d);
  if (determinant(out, d) < 0) for (let i = 0; i < d; i++) out[i * d + d - 1] = -(out[i * d + d - 1] as number);
  return out;
}

/** det of a D×D row-major matrix (LU with partial pivoting on a copy). */
function determinant(m: Float64Array, d: number): number {
  const a = m.slice(0, d * d);
  let det = 1;
  for (let col = 0; col < d; col++) {
    let pivot = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(a[r * d + col] as number) > Math.abs(a[pivot * d + col] as number)) pivot = r;
    if (a[pivot * d + col] === 0) return 0;
    if (pivot !== col) {
      for (let j = 0; j < d; j++) {
        const t = a[col * d + j] as number;
        a[col * d + j] = a[pivot * d + j] as number;
        a[pivot * d + j] = t;
      }
      det = -det;
    }
    const p = a[col * d + col] as number;
    det *= p;
    for (let r = col + 1; r < d; r++) {
      const f = (a[r * d + col] as number) / p;
      for (let j = col; j < d; j++) a[r * d + j] = (a[r * d + j] as number) - f * (a[col * d + j] as number);
    }
  }
  return det;
}

/**
 * The decomposition with its orientation columns (and the shape entries that go with them) in the
 * order and with the signs closest to the reference's: one permutation for the columns of every
 * orientation that shares a shape (all of them for EEV and VEV, whose components share A; each on
 * its own for EVV), chosen greedily, the largest |D_refᵀ·D| entry (summed over the group) first;
 * then each column's sign. Volumes are unaffected.
 */
function align(own: Decomposition, reference: Decomposition, k: number, d: number, common: boolean, sharedShape: boolean): Decomposition {
  const dd = d * d;
  const orientationCount = common ? 1 : k;
  const orientations = new Float64Array(orientationCount * dd);
  const logShapes = new Float64Array(own.logShapes.length);
  const products = new Float64Array(orientationCount * dd);
  // products[o][i][j] = (column i of the reference's D_o) · (column j of own D_o).
  for (let o = 0; o < orientationCount; o++) {
    const base = o * dd;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let a = 0; a < d; a++) s += (reference.orientations[base + a * d + i] as number) * (own.orientations[base + a * d + j] as number);
        products[base + i * d + j] = s;
      }
    }
  }
  const score = new Float64Array(dd);
  const order = new Int32Array(d);
  const usedRows = new Uint8Array(d);
  const usedColumns = new Uint8Array(d);
  // Groups of orientations that take one permutation: the one common orientation, all K with a shared shape, else each alone.
  const groups: number[][] = common || sharedShape ? [Array.from({ length: orientationCount }, (_, o) => o)] : Array.from({ length: k }, (_, o) => [o]);
  for (const group of groups) {
    score.fill(0);
    for (const o of group) for (let i = 0; i < dd; i++) score[i] = (score[i] as number) + Math.abs(products[o * dd + i] as number);
    usedRows.fill(0);
    usedColumns.fill(0);
    for (let step = 0; step < d; step++) {
      let best = -1;
      let bestI = 0;
      let bestJ = 0;
      for (let i = 0; i < d; i++) {
        if (usedRows[i] === 1) continue;
        for (let j = 0; j < d; j++) {
          if (usedColumns[j] === 1) continue;
          const v = score[i * d + j] as number;
          if (v > best) {
            best = v;
            bestI = i;
            bestJ = j;
          }
        }
      }
      usedRows[bestI] = 1;
      usedColumns[bestJ] = 1;
      order[bestI] = bestJ;
    }
    for (const o of group) {
      const base = o * dd;
      for (let i = 0; i < d; i++) {
        const column = order[i] as number;
        const sign = (products[base + i * d + column] as number) < 0 ? -1 : 1;
        for (let a = 0; a < d; a++) orientations[base + a * d + i] = sign * (own.orientations[base + a * d + column] as number);
      }
    }
    // The shapes that go with these columns: every component's for a common orientation or a shared shape, component o's otherwise.
    const components = common || sharedShape ? Array.from({ length: k }, (_, c) => c) : group;
    for (const c of components) for (let i = 0; i < d; i++) logShapes[c * d + i] = own.logShapes[c * d + (order[i] as number)] as number;
  }
  return { logVolumes: own.logVolumes, logShapes, orientations };
}

/**
 * The Cayley coordinates of orientation `own` (at `offset`) relative to `reference` (same offset):
 * with Q = D_refᵀ·D, S = (Q + I)⁻¹(Q − I) (skew-symmetric for orthogonal Q); its strict lower
 * triangle, row by row. Throws InvalidParametersError when Q is too close to a half-turn.
 */
function inverseCayley(reference: Float64Array, own: Float64Array, offset: number, d: number): Float64Array {
  const dd = d * d;
  const plus = new Float64Array(dd);
  const minus = new Float64Array(dd);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let a = 0; a < d; a++) s += (reference[offset + a * d + i] as number) * (own[offset + a * d + j] as number);
      plus[i * d + j] = s + (i === j ? 1 : 0);
      minus[i * d + j] = s - (i === j ? 1 : 0);
    }
  }
  const s = solve(plus, minus, d);
  const out = new Float64Array((d * (d - 1)) / 2);
  let n = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const value = 0.5 * ((s?.[i * d + j] ?? Number.NaN) - (s?.[j * d + i] ?? Number.NaN));
      if (!(Math.abs(value) <= CAYLEY_LIMIT)) {
        throw new InvalidParametersError(
          'An orientation is a half-turn or more from the reference orientation: it has no Cayley coordinates in the chart centred there.',
          'Use a reference near the point (SQUAREM centres each cycle at its latest EM step and falls back to the plain step here).',
          { parameter: 'covariances' },
        );
      }
      out[n++] = value;
    }
  }
  return out;
}

/**
 * D = D_ref·(I − S)⁻¹(I + S) for the skew S with strict lower triangle `skew` (row by row), D_ref the
 * D×D row-major orthogonal matrix at `offset` of `reference`; re-orthonormalised, written at
 * `outOffset` of `out`. Exported for tests (orthogonality at arbitrary S).
 */
export function cayley(reference: Float64Array, offset: number, skew: Float64Array, d: number, out: Float64Array, outOffset: number): void {
  const dd = d * d;
  const left = new Float64Array(dd);
  const right = new Float64Array(dd);
  let n = 0;
  for (let i = 0; i < d; i++) {
    left[i * d + i] = 1;
    right[i * d + i] = 1;
    for (let j = 0; j < i; j++) {
      const s = skew[n++] as number;
      // S[i][j] = s, S[j][i] = −s; left = I − S, right = I + S.
      left[i * d + j] = -s;
      left[j * d + i] = s;
      right[i * d + j] = s;
      right[j * d + i] = -s;
    }
  }
  const q = solve(left, right, d);
  if (q === undefined) throw outside('an orientation');
  for (let a = 0; a < d; a++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let m = 0; m < d; m++) s += (reference[offset + a * d + m] as number) * (q[m * d + j] as number);
      out[outOffset + a * d + j] = s;
    }
  }
  // (I − S) grows ill-conditioned as ‖S‖ grows: two Gram–Schmidt passes make D orthogonal to round-off whatever S is.
  for (let pass = 0; pass < 2; pass++) orthonormaliseColumns(out, outOffset, d);
}

/** Modified Gram–Schmidt on the columns of the D×D row-major matrix at `offset`. */
function orthonormaliseColumns(m: Float64Array, offset: number, d: number): void {
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < j; i++) {
      let dot = 0;
      for (let a = 0; a < d; a++) dot += (m[offset + a * d + i] as number) * (m[offset + a * d + j] as number);
      for (let a = 0; a < d; a++) m[offset + a * d + j] = (m[offset + a * d + j] as number) - dot * (m[offset + a * d + i] as number);
    }
    let norm = 0;
    for (let a = 0; a < d; a++) norm += (m[offset + a * d + j] as number) ** 2;
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !Number.isFinite(norm)) throw outside('an orientation');
    for (let a = 0; a < d; a++) m[offset + a * d + j] = (m[offset + a * d + j] as number) / norm;
  }
}

/** X with A·X = B (D×D, row-major), Gaussian elimination with partial pivoting on copies; undefined when A is singular. */
function solve(aIn: Float64Array, bIn: Float64Array, d: number): Float64Array | undefined {
  const a = aIn.slice();
  const b = bIn.slice();
  for (let col = 0; col < d; col++) {
    let pivot = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(a[r * d + col] as number) > Math.abs(a[pivot * d + col] as number)) pivot = r;
    const p = a[pivot * d + col] as number;
    if (!(Math.abs(p) > 0) || !Number.isFinite(p)) return undefined;
    if (pivot !== col) {
      for (let j = 0; j < d; j++) {
        let t = a[col * d + j] as number;
        a[col * d + j] = a[pivot * d + j] as number;
        a[pivot * d + j] = t;
        t = b[col * d + j] as number;
        b[col * d + j] = b[pivot * d + j] as number;
        b[pivot * d + j] = t;
      }
    }
    for (let r = col + 1; r < d; r++) {
      const f = (a[r * d + col] as number) / p;
      if (f === 0) continue;
      for (let j = col; j < d; j++) a[r * d + j] = (a[r * d + j] as number) - f * (a[col * d + j] as number);
      for (let j = 0; j < d; j++) b[r * d + j] = (b[r * d + j] as number) - f * (b[col * d + j] as number);
    }
  }
  for (let col = d - 1; col >= 0; col--) {
    const p = a[col * d + col] as number;
    for (let j = 0; j < d; j++) {
      let s = b[col * d + j] as number;
      for (let m = col + 1; m < d; m++) s -= (a[col * d + m] as number) * (b[m * d + j] as number);
      b[col * d + j] = s / p;
    }
  }
  for (const v of b) if (!Number.isFinite(v)) return undefined;
  return b;
}

/** Σ = D·diag(scaled)·Dᵀ (both triangles, exactly symmetric) at `outOffset`. */
function composeCovariance(orientations: Float64Array, offset: number, scaled: Float64Array, d: number, out: Float64Array, outOffset: number): void {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let m = 0; m < d; m++) s += (orientations[offset + i * d + m] as number) * (scaled[m] as number) * (orientations[offset + j * d + m] as number);
      if (!Number.isFinite(s)) throw outside('a covariance matrix');
      out[outOffset + i * d + j] = s;
      out[outOffset + j * d + i] = s;
    }
  }
}
