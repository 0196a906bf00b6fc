import { choleskyInPlace, inverseFromCholesky } from '@em/core';
import { componentCountOf, denseCovariance, type GaussianComponents } from '../gaussian-components.js';
import { lettersOf, storageOf, type CovarianceModel } from './covariance-models.js';
import { symmetricEigen, type SymmetricEigen } from './small-eigen.js';

/**
 * The M-step of the constrained models (Celeux & Govaert 1995; Browne & McNicholas 2014 for the
 * common orientation). Given each component's mass n_k and scatter W_k about its new mean (the
 * covariance prior's λI already added: the prior is −(λ/2)·tr Σ_k⁻¹ per stored matrix, so the MAP
 * problem is the maximum-likelihood one with W_k + λI), it returns the Σ_k that maximise
 * Σ_k −(n_k/2)·log det Σ_k − ½·tr(Σ_k⁻¹ W_k) under the model's constraint.
 *
 * Closed forms: EII, EEI, EVI, EEV, EVV (and VII, VVI, EEE, VVV in the classic M-step).
 * Block-coordinate ascent, each block an exact conditional maximum: VEI, VEE, VEV (volumes ↔
 * common shape or shape matrix). EVE and VVE alternate the exact shapes and volumes with a
 * majorise–minimise step for the common orientation, so the objective never decreases inside the
 * loop either. (mclust 6's VVE orientation step leaves the volumes out, which is not a
 * maximisation; see the README.)
 */
export interface ConstrainedStepSettings {
  /** Cap on inner iterations (default 1000, as in the reference runs). */
  readonly maxInnerIterations: number;
  /** Inner loop stops when the largest change of its iterate is below this (volumes: relative, weighted by the component's share of the mass). */
  readonly innerTolerance: number;
}

/** Share of the total mass below which a component is not maximised but projected onto the model (its Q term is that small). */
export const LIGHT_MASS = 1e-10;

export const DEFAULT_CONSTRAINED_STEP: ConstrainedStepSettings = { maxInnerIterations: 1000, innerTolerance: 1e-14 };

export interface ConstrainedStep {
  /** Σ_k in the model's storage (K variances, K·D variances or K·D·D matrices). */
  readonly covariances: Float64Array;
  /** Inner iterations taken (0 for a closed form). */
  readonly innerIterations: number;
  /** False when the inner loop hit its cap before its change fell below the tolerance. */
  readonly converged: boolean;
}

/**
 * @param counts n_k per component
 * @param scatter K·D·D dense symmetric W_k + λI (only the diagonal is read by the diagonal
 *   models, only the trace by EII)
 * @param alive 1 for components maximised, 0 for those that keep their previous Σ_k
 * @param strength the covariance prior's λ (0: maximum likelihood), already inside `scatter`
 * @param dataScatter K·D·D dense W_k without λI (defaults to `scatter`, exact when λ = 0). EEV and
 *   VEV take their orientations from it: W_k + λI has W_k's eigenvectors, but for a component of
 *   tiny mass W_k is far below λ's round-off, so the eigenvectors of the sum were round-off noise
 *   and Σ_k's orientation (hence the fit) changed with how the statistics were summed.
 */
export function maximizeConstrainedCovariances(
  model: CovarianceModel,
  counts: Float64Array,
  scatter: Float64Array,
  alive: Uint8Array,
  previous: GaussianComponents,
  settings: ConstrainedStepSettings = DEFAULT_CONSTRAINED_STEP,
  strength = 0,
  dataScatter?: Float64Array,
): ConstrainedStep {
  const d = previous.dimension;
  const k = componentCountOf(previous);
  const dd = d * d;
  const sigma = new Float64Array(k * dd);
  for (let c = 0; c < k; c++) denseCovariance(previous, c, sigma, c * dd);
  let total = 0;
  for (let c = 0; c < k; c++) if (alive[c] === 1) total += counts[c] as number;
  // Without a prior, a component below LIGHT_MASS of the total has a scatter of round-off noise
  // (possibly not even positive definite) and a Q term of that size: it would only corrupt the
  // pooled parts, so it takes them instead (projectLight). With a prior it is maximised like any
  // other: its term keeps the prior's −(λ/2)·tr Σ_k⁻¹ however small its mass (projecting it let
  // the pooled update lower that term, and EM's objective fell), and W_k + λI ⪰ λI is no noise.
  // A component with no mass at all (not alive) still has its prior term: it takes part with W_k = 0
  // (`scatter` holds λI for it) and its own volume held, since without data the prior alone has no
  // maximum (it would grow without bound). VVE is the exception: its dead components' prior term
  // λ·tr Δ_k⁻¹ does not depend on the common orientation, so projecting them cannot lower it.
  const live: number[] = [];
  const includeDead = strength > 0 && model !== 'VVE';
  for (let c = 0; c < k; c++) if ((alive[c] === 1 && (strength > 0 || (counts[c] as number) > LIGHT_MASS * total)) || (includeDead && alive[c] !== 1)) live.push(c);
  // Previous volumes of the dead components (held by the volume updates); NaN for the others.
  const held = live.map((c) => (alive[c] === 1 ? Number.NaN : Math.exp(logDeterminant(sigma, d, c * dd) / d)));
  total = 0;
  for (const c of live) total += counts[c] as number;
  let inner = { iterations: 0, converged: true };
  let common: Float64Array | undefined;
  const diag = (c: number, a: number) => scatter[c * dd + a * d + a] as number;
  const setDiagonal = (c: number, values: ArrayLike<number>, factor: number) => {
    sigma.fill(0, c * dd, (c + 1) * dd);
    for (let a = 0; a < d; a++) sigma[c * dd + a * d + a] = (values[a] as number) * factor;
  };

  switch (model) {
    case 'EII': {
      let trace = 0;
      for (const c of live) for (let a = 0; a < d; a++) trace += diag(c, a);
      const variance = trace / (total * d);
      for (const c of live) setDiagonal(c, new Float64Array(d).fill(variance), 1);
      break;
    }
    case 'VII':
      for (const c of live) {
        let trace = 0;
        for (let a = 0; a < d; a++) trace += diag(c, a);
        setDiagonal(c, new Float64Array(d).fill(trace / ((counts[c] as number) * d)), 1);
      }
      break;
    case 'EEI': {
      const pooled = new Float64Array(d);
      for (const c of live) for (let a = 0; a < d; a++) pooled[a] = (pooled[a] as number) + diag(c, a);
      for (const c of live) setDiagonal(c, pooled, 1 / total);
      break;
    }
    case 'VVI':
      for (const c of live) {
        const w = new Float64Array(d);
        for (let a = 0; a < d; a++) w[a] = diag(c, a);
        setDiagonal(c, w, 1 / (counts[c] as number));
      }
      break;
    case 'EVI': {
      // A_k = diag(W_k)/|diag(W_k)|^{1/D}, λ = Σ_k |diag(W_k)|^{1/D} / n.
      let volume = 0;
      const shapes: Float64Array[] = [];
      for (const c of live) {
        const w = new Float64Array(d);
        for (let a = 0; a < d; a++) w[a] = diag(c, a);
        const g = geometricMean(w);
        volume += g;
        shapes.push(w.map((v) => v / g));
      }
      volume /= total;
      live.forEach((c, i) => setDiagonal(c, shapes[i] as Float64Array, volume));
      break;
    }
    case 'VEI': {
      const w = live.map((c) => {
        const out = new Float64Array(d);
        for (let a = 0; a < d; a++) out[a] = diag(c, a);
        return out;
      });
      const result = volumesAndCommonShape(
        w,
        live.map((c) => counts[c] as number),
        d,
        settings,
        held,
      );
      inner = result.inner;
      live.forEach((c, i) => setDiagonal(c, result.shape, result.volumes[i] as number));
      break;
    }
    case 'EEE': {
      const pooled = new Float64Array(dd);
      for (const c of live) for (let i = 0; i < dd; i++) pooled[i] = (pooled[i] as number) + (scatter[c * dd + i] as number);
      for (const c of live) for (let i = 0; i < dd; i++) sigma[c * dd + i] = (pooled[i] as number) / total;
      break;
    }
    case 'VVV':
      for (const c of live) for (let i = 0; i < dd; i++) sigma[c * dd + i] = (scatter[c * dd + i] as number) / (counts[c] as number);
      break;
    case 'EVV': {
      // Σ_k = λ·W_k/|W_k|^{1/D}, λ = Σ_k |W_k|^{1/D} / n.
      const volumes = live.map((c) => Math.exp(logDeterminant(scatter, d, c * dd) / d));
      const volume = volumes.reduce((s, v) => s + v, 0) / total;
      live.forEach((c, i) => {
        for (let j = 0; j < dd; j++) sigma[c * dd + j] = ((scatter[c * dd + j] as number) * volume) / (volumes[i] as number);
      });
      break;
    }
    case 'EEV':
    case 'VEV': {
      // W_k = L_k Ω_k L_kᵀ; the orientations are L_k (largest eigenvalue paired with the largest shape entry).
      const eigen = live.map((c) => {
        if (dataScatter === undefined) return symmetricEigen(scatter, d, c * dd);
        const e = symmetricEigen(dataScatter, d, c * dd);
        for (let a = 0; a < d; a++) e.values[a] = (e.values[a] as number) + strength;
        return e;
      });
      // VEV's volume is a geometric mean of W_k's eigenvalues, so a component on fewer than D + 1
      // effective points (W_k singular: its smallest eigenvalues are round-off of either sign) has no
      // maximum. Taking the update when that round-off happens to be positive and refusing it when it
      // is negative made the M-step a coin toss between "keep Σ" and a collapse step, and a fit could
      // stop at a "kept" step that the next identical step would leave. Refused outright instead
      // (non-finite: the caller keeps the previous covariances and reports it).
      if (model === 'VEV' && live.some((c, i) => alive[c] === 1 && hasRoundOffEigenvalue((eigen[i] as SymmetricEigen).values))) {
        return { covariances: toStorage(model, new Float64Array(k * dd).fill(Number.NaN), k, d), innerIterations: 0, converged: true };
      }
      let shape: Float64Array;
      let volumes: Float64Array;
      if (model === 'EEV') {
        const pooled = new Float64Array(d);
        for (const e of eigen) for (let a = 0; a < d; a++) pooled[a] = (pooled[a] as number) + (e.values[a] as number);
        const g = geometricMean(pooled);
        shape = pooled.map((v) => v / g);
        volumes = new Float64Array(live.length).fill(g / total);
      } else {
        const result = volumesAndCommonShape(
          eigen.map((e) => e.values),
          live.map((c) => counts[c] as number),
          d,
          settings,
          held,
        );
        inner = result.inner;
        shape = result.shape;
        volumes = result.volumes;
      }
      live.forEach((c, i) => writeRotated(sigma, c * dd, (eigen[i] as SymmetricEigen).vectors, shape, volumes[i] as number, d));
      break;
    }
    case 'VEE': {
      const result = volumesAndCommonMatrix(scatter, live, counts, sigma, d, settings, held);
      inner = result.inner;
      live.forEach((c, i) => {
        for (let j = 0; j < dd; j++) sigma[c * dd + j] = (result.matrix[j] as number) * (result.volumes[i] as number);
      });
      break;
    }
    case 'EVE':
    case 'VVE': {
      const result = commonOrientation(model, scatter, live, counts, total, sigma, d, settings);
      inner = result.inner;
      common = result.orientation;
      live.forEach((c, i) => writeRotated(sigma, c * dd, result.orientation, result.diagonals[i] as Float64Array, 1, d));
      break;
    }
  }
  projectLight(model, sigma, k, live, common, d);
  symmetrize(sigma, k, d);
  return { covariances: toStorage(model, sigma, k, d), innerIterations: inner.iterations, converged: inner.converged };
}

interface InnerResult {
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Σ_k = λ_k·diag(A) with |A| = 1 common, from per-component diagonals w_k (VEI: diag W_k;
 * VEV: the eigenvalues Ω_k). Alternates the exact A = (Σ_k w_k/λ_k)/|·|^{1/D} and
 * λ_k = Σ_j w_kj/A_j / (n_k·D) until the volumes settle.
 */
function volumesAndCommonShape(
  w: readonly Float64Array[],
  counts: readonly number[],
  d: number,
  settings: ConstrainedStepSettings,
  held: readonly number[],
): { shape: Float64Array; volumes: Float64Array; inner: InnerResult } {
  const m = w.length;
  // Changes are weighted by mass: a nearly empty component's volume (its scatter round-off noise) does not hold the loop.
  const total = counts.reduce((sum, n) => sum + n, 0);
  const volumes = new Float64Array(m);
  for (let i = 0; i < m; i++) volumes[i] = Number.isNaN(held[i] as number) ? geometricMean(w[i] as Float64Array) / (counts[i] as number) : (held[i] as number);
  const shape = new Float64Array(d);
  let iterations = 0;
  let converged = false;
  while (iterations < settings.maxInnerIterations) {
    iterations++;
    shape.fill(0);
    for (let i = 0; i < m; i++) for (let a = 0; a < d; a++) shape[a] = (shape[a] as number) + ((w[i] as Float64Array)[a] as number) / (volumes[i] as number);
    const g = geometricMean(shape);
    for (let a = 0; a < d; a++) shape[a] = (shape[a] as number) / g;
    let change = 0;
    for (let i = 0; i < m; i++) {
      if (!Number.isNaN(held[i] as number)) continue;
      let s = 0;
      for (let a = 0; a < d; a++) s += ((w[i] as Float64Array)[a] as number) / (shape[a] as number);
      const next = s / ((counts[i] as number) * d);
      change = Math.max(change, ((counts[i] as number) / total) * (Math.abs(next - (volumes[i] as number)) / next));
      volumes[i] = next;
    }
    if (change <= settings.innerTolerance) {
      converged = true;
      break;
    }
  }
  return { shape, volumes, inner: { iterations, converged } };
}

/**
 * VEE: Σ_k = λ_k·C, |C| = 1. Alternates C = S/|S|^{1/D} (S = Σ_k W_k/λ_k) and λ_k = tr(C⁻¹W_k)/(n_k·D),
 * from the previous volumes det(Σ_k)^{1/D} (only their ratios matter: S/|S|^{1/D} ignores a common factor).
 */
function volumesAndCommonMatrix(
  scatter: Float64Array,
  live: readonly number[],
  counts: Float64Array,
  previousSigma: Float64Array,
  d: number,
  settings: ConstrainedStepSettings,
  held: readonly number[],
): { matrix: Float64Array; volumes: Float64Array; inner: InnerResult } {
  const dd = d * d;
  let total = 0;
  for (const c of live) total += counts[c] as number;
  const volumes = new Float64Array(live.length);
  live.forEach((c, i) => {
    volumes[i] = Number.isNaN(held[i] as number) ? Math.exp(logDeterminant(previousSigma, d, c * dd) / d) : (held[i] as number);
  });
  const matrix = new Float64Array(dd);
  const factor = new Float64Array(dd);
  const inverse = new Float64Array(dd);
  let iterations = 0;
  let converged = false;
  while (iterations < settings.maxInnerIterations) {
    iterations++;
    matrix.fill(0);
    for (let i = 0; i < live.length; i++) {
      const at = (live[i] as number) * dd;
      const volume = volumes[i] as number;
      for (let j = 0; j < dd; j++) matrix[j] = (matrix[j] as number) + (scatter[at + j] as number) / volume;
    }
    // One factorisation of S serves |S| and C⁻¹ = |S|^{1/D}·S⁻¹. S not positive definite: no maximum here.
    if (choleskyInPlace(matrix, d, factor, 0, 0) >= 0) break;
    let logDet = 0;
    for (let a = 0; a < d; a++) logDet += 2 * Math.log(factor[a * d + a] as number);
    const scale = Math.exp(logDet / d);
    for (let j = 0; j < dd; j++) matrix[j] = (matrix[j] as number) / scale;
    inverseFromCholesky(factor, d, inverse);
    let change = 0;
    for (let i = 0; i < live.length; i++) {
      if (!Number.isNaN(held[i] as number)) continue;
      const c = live[i] as number;
      let trace = 0;
      for (let j = 0; j < dd; j++) trace += (inverse[j] as number) * (scatter[c * dd + j] as number);
      const next = (scale * trace) / ((counts[c] as number) * d);
      change = Math.max(change, ((counts[c] as number) / total) * (Math.abs(next - (volumes[i] as number)) / next));
      volumes[i] = next;
    }
    if (change <= settings.innerTolerance) {
      converged = true;
      break;
    }
  }
  return { matrix, volumes, inner: { iterations, converged } };
}

/** An irrational step that makes a weighted sum of the previous Σ_k have distinct eigenvalues. */
const TIE_BREAK = 0.6180339887498949;

/**
 * EVE (Σ_k = λ·D A_k Dᵀ) and VVE (Σ_k = D Δ_k Dᵀ, Δ_k = λ_k A_k). Given D, the shapes and volumes
 * are exact (v_kj = d_jᵀ W_k d_j; EVE: A_k = v_k/|v_k|^{1/D}, λ = Σ_k |v_k|^{1/D}/n; VVE:
 * Δ_k = v_k/n_k). Given them, D minimises Σ_k tr(W_k D B_k Dᵀ) (B_k = Δ_k⁻¹) over orthogonal
 * matrices, one plane rotation of columns (i, j) at a time: with p, q, r the entries of
 * [d_i d_j]ᵀ W_k [d_i d_j], the objective is const + a·cos 2θ + b·sin 2θ,
 * a = ½Σ_k (B_ki − B_kj)(p_k − q_k), b = Σ_k (B_ki − B_kj) r_k, minimised exactly at
 * 2θ = atan2(−b, −a). Every rotation and every shape/volume update is an exact conditional
 * maximum, so the objective never decreases; starting from the previous orientation makes the
 * whole M-step at least a generalised maximisation.
 *
 * The loop works on M_k = Dᵀ W_k D, which a rotation in plane (i, j) changes only in rows and
 * columns i and j (O(D) per component instead of O(D²) per quadratic form), so a sweep of the
 * D(D − 1)/2 planes costs O(K·D²) and allocates nothing. M_k is recomputed from D and W_k once the
 * loop has settled, so the rotations' round-off does not reach the result.
 */
function commonOrientation(
  model: 'EVE' | 'VVE',
  scatter: Float64Array,
  live: readonly number[],
  counts: Float64Array,
  total: number,
  previousSigma: Float64Array,
  d: number,
  settings: ConstrainedStepSettings,
): { orientation: Float64Array; diagonals: Float64Array[]; inner: InnerResult } {
  const dd = d * d;
  const m = live.length;
  // The previous Σ_k share an orientation (the model's constraint), which a weighted sum keeps:
  // its eigenvectors are the warm start (the weights make tied eigenvalues of the sum unlikely).
  const blend = new Float64Array(dd);
  for (let i = 0; i < m; i++) {
    const at = (live[i] as number) * dd;
    for (let j = 0; j < dd; j++) blend[j] = (blend[j] as number) + (1 + TIE_BREAK * i) * (previousSigma[at + j] as number);
  }
  const orientation = symmetricEigen(blend, d).vectors;
  const rotated = new Float64Array(m * dd);
  const work = new Float64Array(dd);
  const diagonals = live.map(() => new Float64Array(d));
  const inverse = new Float64Array(m * d);
  const largest = new Float64Array(m);
  const rotate = (): void => {
    for (let i = 0; i < m; i++) transformScatter(scatter, (live[i] as number) * dd, orientation, rotated, i * dd, work, d);
  };
  // Exact shapes and volumes given D, from the diagonals of M_k; `inverse` holds B_k = Δ_k⁻¹.
  const conditional = (): void => {
    let volume = 0;
    for (let i = 0; i < m; i++) {
      const v = diagonals[i] as Float64Array;
      for (let j = 0; j < d; j++) v[j] = rotated[i * dd + j * d + j] as number;
      if (model === 'EVE') volume += geometricMean(v);
    }
    for (let i = 0; i < m; i++) {
      const v = diagonals[i] as Float64Array;
      const factor = model === 'VVE' ? 1 / (counts[live[i] as number] as number) : volume / total / geometricMean(v);
      let top = 0;
      for (let j = 0; j < d; j++) {
        v[j] = (v[j] as number) * factor;
        inverse[i * d + j] = 1 / (v[j] as number);
        top = Math.max(top, v[j] as number);
      }
      largest[i] = top;
    }
  };
  rotate();
  conditional();
  let iterations = 0;
  let converged = false;
  while (iterations < settings.maxInnerIterations) {
    iterations++;
    // The largest relative change of a Σ_k in this sweep: turning columns i, j by θ moves
    // Σ_k = D Δ_k Dᵀ by |sin θ|·|δ_ki − δ_kj| (a plane where Δ_k is nearly isotropic barely matters).
    let largestChange = 0;
    for (let i = 0; i < d; i++) {
      for (let j = i + 1; j < d; j++) {
        let a = 0;
        let b = 0;
        for (let c = 0; c < m; c++) {
          const difference = (inverse[c * d + i] as number) - (inverse[c * d + j] as number);
          const at = c * dd;
          a += 0.5 * difference * ((rotated[at + i * d + i] as number) - (rotated[at + j * d + j] as number));
          b += difference * (rotated[at + i * d + j] as number);
        }
        if (a * a + b * b === 0) continue;
        // Minimum of a·cos φ + b·sin φ at φ = atan2(−b, −a); θ = φ/2 ∈ (−π/2, π/2].
        const theta = 0.5 * Math.atan2(-b, -a);
        const cosine = Math.cos(theta);
        const sine = Math.sin(theta);
        for (let c = 0; c < m; c++) {
          const spread = Math.abs(1 / (inverse[c * d + i] as number) - 1 / (inverse[c * d + j] as number));
          largestChange = Math.max(largestChange, (Math.abs(sine) * spread) / (largest[c] as number));
        }
        for (let row = 0; row < d; row++) {
          const x = orientation[row * d + i] as number;
          const y = orientation[row * d + j] as number;
          orientation[row * d + i] = cosine * x + sine * y;
          orientation[row * d + j] = -sine * x + cosine * y;
        }
        for (let c = 0; c < m; c++) rotatePlane(rotated, c * dd, i, j, cosine, sine, d);
      }
    }
    conditional();
    if (largestChange <= settings.innerTolerance) {
      converged = true;
      break;
    }
  }
  rotate();
  conditional();
  return { orientation, diagonals, inner: { iterations, converged } };
}

/** out[outAt..] = Dᵀ·W·D for the symmetric W at `at` (work: D·D scratch). */
function transformScatter(scatter: Float64Array, at: number, orientation: Float64Array, out: Float64Array, outAt: number, work: Float64Array, d: number): void {
  // work = W·D, then out = Dᵀ·work (lower triangle, mirrored).
  for (let a = 0; a < d; a++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let b = 0; b < d; b++) s += (scatter[at + a * d + b] as number) * (orientation[b * d + j] as number);
      work[a * d + j] = s;
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let a = 0; a < d; a++) s += (orientation[a * d + i] as number) * (work[a * d + j] as number);
      out[outAt + i * d + j] = s;
      out[outAt + j * d + i] = s;
    }
  }
}

/**
 * M ← Rᵀ M R for the plane rotation R of columns (i, j) by (cos θ, sin θ) — the M_k = Dᵀ W_k D that
 * goes with D ← D·R: only rows and columns i and j change.
 */
function rotatePlane(matrix: Float64Array, at: number, i: number, j: number, cosine: number, sine: number, d: number): void {
  const p = matrix[at + i * d + i] as number;
  const q = matrix[at + j * d + j] as number;
  const r = matrix[at + i * d + j] as number;
  for (let l = 0; l < d; l++) {
    if (l === i || l === j) continue;
    const x = matrix[at + l * d + i] as number;
    const y = matrix[at + l * d + j] as number;
    const u = cosine * x + sine * y;
    const v = -sine * x + cosine * y;
    matrix[at + l * d + i] = u;
    matrix[at + i * d + l] = u;
    matrix[at + l * d + j] = v;
    matrix[at + j * d + l] = v;
  }
  const cs = cosine * sine;
  matrix[at + i * d + i] = cosine * cosine * p + 2 * cs * r + sine * sine * q;
  matrix[at + j * d + j] = sine * sine * p - 2 * cs * r + cosine * cosine * q;
  const off = (cosine * cosine - sine * sine) * r + cs * (q - p);
  matrix[at + i * d + j] = off;
  matrix[at + j * d + i] = off;
}

/**
 * A component too light to be maximised keeps what the model lets it keep of its previous Σ_k
 * (its variable parts) and takes the new common parts from the first live component, so the
 * parameters stay in the model.
 */
function projectLight(model: CovarianceModel, sigma: Float64Array, k: number, live: readonly number[], common: Float64Array | undefined, d: number): void {
  const first = live[0];
  if (first === undefined || live.length === k) return;
  const dd = d * d;
  const { volume, shape, orientation } = lettersOf(model);
  const referenceVolume = Math.exp(logDeterminant(sigma, d, first * dd) / d);
  for (let c = 0; c < k; c++) {
    if (live.includes(c)) continue;
    const at = c * dd;
    const own = Math.exp(logDeterminant(sigma, d, at) / d);
    const target = volume === 'E' ? referenceVolume : own;
    const next = new Float64Array(dd);
    if (shape === 'I') {
      for (let a = 0; a < d; a++) next[a * d + a] = target;
    } else if (orientation === 'I') {
      const source = shape === 'E' ? first * dd : at;
      const diagonal = Float64Array.from({ length: d }, (_, a) => sigma[source + a * d + a] as number);
      const g = geometricMean(diagonal);
      for (let a = 0; a < d; a++) next[a * d + a] = ((diagonal[a] as number) / g) * target;
    } else if (shape === 'E' && orientation === 'E') {
      for (let i = 0; i < dd; i++) next[i] = ((sigma[first * dd + i] as number) / referenceVolume) * target;
    } else if (shape === 'E') {
      const vectors = symmetricEigen(sigma, d, at).vectors;
      const values = symmetricEigen(sigma, d, first * dd).values.map((v) => v / referenceVolume);
      writeRotated(next, 0, vectors, values, target, d);
    } else if (orientation === 'E' && common !== undefined) {
      const values = new Float64Array(d);
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s += (common[a * d + j] as number) * (sigma[at + a * d + b] as number) * (common[b * d + j] as number);
        values[j] = s;
      }
      const g = geometricMean(values);
      writeRotated(next, 0, common, values.map((v) => v / g), target, d);
    } else {
      for (let i = 0; i < dd; i++) next[i] = ((sigma[at + i] as number) / own) * target;
    }
    sigma.set(next, at);
  }
}

/** out[offset..] = volume · V·diag(shape)·Vᵀ. */
function writeRotated(out: Float64Array, offset: number, vectors: Float64Array, shape: Float64Array, volume: number, d: number): void {
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (vectors[a * d + j] as number) * (shape[j] as number) * (vectors[b * d + j] as number);
      out[offset + a * d + b] = volume * s;
      out[offset + b * d + a] = volume * s;
    }
  }
}

function symmetrize(sigma: Float64Array, k: number, d: number): void {
  for (let c = 0; c < k; c++) {
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < a; b++) {
        const i = c * d * d + a * d + b;
        const j = c * d * d + b * d + a;
        const v = 0.5 * ((sigma[i] as number) + (sigma[j] as number));
        sigma[i] = v;
        sigma[j] = v;
      }
    }
  }
}

/** Dense K·D·D matrices in a model's storage layout. */
export function toStorage(model: CovarianceModel, sigma: Float64Array, k: number, d: number): Float64Array {
  const dd = d * d;
  switch (storageOf(model)) {
    case 'full':
      return sigma;
    case 'tied':
      return sigma.slice(0, dd);
    case 'diagonal': {
      const out = new Float64Array(k * d);
      for (let c = 0; c < k; c++) for (let a = 0; a < d; a++) out[c * d + a] = sigma[c * dd + a * d + a] as number;
      return out;
    }
    case 'spherical': {
      const out = new Float64Array(k);
      for (let c = 0; c < k; c++) {
        let trace = 0;
        for (let a = 0; a < d; a++) trace += sigma[c * dd + a * d + a] as number;
        out[c] = trace / d;
      }
      return out;
    }
  }
}

/** Below this fraction of the largest eigenvalue, a scatter's eigenvalue is round-off (the collapse ratio of the classic M-step). */
const SINGULAR_SCATTER = 1e-13;

/** Whether the smallest of decreasing eigenvalues is round-off of the largest (the scatter is singular). */
function hasRoundOffEigenvalue(values: Float64Array): boolean {
  const largest = values[0] as number;
  const smallest = values[values.length - 1] as number;
  return !(smallest > SINGULAR_SCATTER * largest);
}

/** (Π v_j)^{1/D} through logs (no overflow for large D). */
export function geometricMean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.log(v[i] as number);
  return Math.exp(s / v.length);
}

/** log det of the SPD D×D matrix at `offset` (NaN when it is not positive definite). */
export function logDeterminant(a: Float64Array, d: number, offset: number): number {
  const factor = new Float64Array(d * d);
  if (choleskyInPlace(a, d, factor, offset, 0) >= 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < d; i++) s += 2 * Math.log(factor[i * d + i] as number);
  return s;
}

/** The inner-loop outcome of the M-step that produced each covariance array (read by constrainedStepOf). */
const steps = new WeakMap<Float64Array, { readonly innerIterations: number; readonly converged: boolean }>();

export function recordConstrainedStep(covariances: Float64Array, step: ConstrainedStep): void {
  steps.set(covariances, { innerIterations: step.innerIterations, converged: step.converged });
}

/**
 * How the inner loop of the M-step that produced these components ended (undefined for the
 * classic models and for components not produced by an M-step).
 */
export function constrainedStepOf(components: GaussianComponents): { readonly innerIterations: number; readonly converged: boolean } | undefined {
  return steps.get(components.covariances);
}
