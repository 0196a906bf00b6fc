import { choleskyInPlace, DegenerateModelError, inverseFromCholesky, type MStepContext } from '@em/core';
import { componentCountOf, type CovarianceType, type GaussianComponents } from './gaussian-components.js';
import type { GaussianStatistics, ScatterLayout } from './gaussian-statistics.js';
import { LOG_TWO_PI } from './prepared-gaussian.js';

/** What the M-step may change, and how it treats a degenerate component. */
export interface MaximizationSettings {
  readonly type: CovarianceType;
  readonly layout: ScatterLayout;
  /** Prior strength λ (regCovar). */
  readonly strength: number;
  readonly updateMeans: boolean;
  readonly updateCovariances: boolean;
  /** Keep the previous component and report (default), or throw DegenerateModelError. */
  readonly onDegenerate: 'keep-previous' | 'error';
}

/** A component whose mass is below this fraction of the total keeps its previous parameters. */
const VANISHING_MASS = 1e-12;
/** A conditional variance below this fraction of the largest variance is reported as collapsing. */
const COLLAPSE_RATIO = 1e-13;
/** Recovered references within this relative distance of the previous means are those means. */
const REFERENCE_MATCH = 1e-11;

const REMEDY = 'Use fewer components, a larger regCovar (e.g. 1e-4), or rescale the data (standardise each column).';

/**
 * Reference points r_k (K·D) the statistics were centred on: references_k / n_k, snapped to
 * `previous` means when they agree to round-off (the batch-EM case, where they are exactly those).
 */
export function recoverReferences(stats: GaussianStatistics, d: number, previousMeans: Float64Array | undefined, common: Float64Array | undefined): Float64Array {
  const k = stats.counts.length;
  const out = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    const n = stats.counts[c] as number;
    let matches = previousMeans !== undefined || common !== undefined;
    for (let a = 0; a < d; a++) {
      const recovered = n > 0 ? (stats.references[c * d + a] as number) / n : Number.NaN;
      const candidate = common !== undefined ? (common[a] as number) : previousMeans !== undefined ? (previousMeans[c * d + a] as number) : Number.NaN;
      out[c * d + a] = recovered;
      if (!(Math.abs(recovered - candidate) <= REFERENCE_MATCH * Math.abs(candidate))) matches = false;
    }
    if (matches) for (let a = 0; a < d; a++) out[c * d + a] = common !== undefined ? (common[a] as number) : ((previousMeans as Float64Array)[c * d + a] as number);
  }
  return out;
}

/** Average of the means: the common reference of the tied layout. */
export function averageOfMeans(means: Float64Array, k: number, d: number): Float64Array {
  const center = new Float64Array(d);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) center[j] = (center[j] as number) + (means[c * d + j] as number) / k;
  return center;
}

/**
 * Scatter of component k about mean μ from statistics about reference r (lower triangle into
 * `out`, D·D): M = Q − S·δᵀ − δ·Sᵀ + n·δ·δᵀ with δ = μ − r. With μ the new mean, δ = S/n and
 * M = Q − S·Sᵀ/n: the subtraction is between small numbers, since r is near the data.
 */
function scatterAbout(stats: GaussianStatistics, c: number, d: number, delta: Float64Array, out: Float64Array): void {
  const n = stats.counts[c] as number;
  const offset = c * d * d;
  for (let a = 0; a < d; a++) {
    const sa = stats.sums[c * d + a] as number;
    const da = delta[a] as number;
    for (let b = 0; b <= a; b++) {
      const sb = stats.sums[c * d + b] as number;
      const db = delta[b] as number;
      out[a * d + b] = (stats.scatter[offset + a * d + b] as number) - sa * db - da * sb + n * da * db;
    }
  }
}

interface Degeneracy {
  readonly component: number;
  readonly reason: 'vanishing-weight' | 'collapsing-variance' | 'singular-covariance';
  readonly message: string;
  readonly kept: boolean;
}

/**
 * argmax over means and covariances of Σ_k E[log N(x | μ_k, Σ_k)] + log p(Σ) from the
 * statistics (see covariance-prior.ts for the MAP formula). Pure; degeneracies are reported.
 */
export function maximizeGaussian(stats: GaussianStatistics, previous: GaussianComponents, settings: MaximizationSettings, context: MStepContext): GaussianComponents {
  const { type, layout } = settings;
  const d = previous.dimension;
  const k = componentCountOf(previous);
  const counts = stats.counts;
  let total = 0;
  for (let c = 0; c < k; c++) total += counts[c] as number;
  const common = layout === 'total' ? averageOfMeans(previous.means, k, d) : undefined;
  const references = recoverReferences(stats, d, previous.means, common);
  const means = new Float64Array(previous.means);
  const alive = new Uint8Array(k);
  const issues: Degeneracy[] = [];
  for (let c = 0; c < k; c++) {
    const n = counts[c] as number;
    if (!(n > VANISHING_MASS * total) || !(n > 0)) {
      issues.push({
        component: c,
        reason: 'vanishing-weight',
        message: `Component ${c} received ${n.toExponential(3)} of ${total.toExponential(3)} total responsibility; its mean and covariance were kept.`,
        kept: true,
      });
      continue;
    }
    alive[c] = 1;
    if (settings.updateMeans) for (let a = 0; a < d; a++) means[c * d + a] = (references[c * d + a] as number) + (stats.sums[c * d + a] as number) / n;
  }
  const covariances = settings.updateCovariances ? maximizeCovariances(stats, previous, means, references, alive, settings, issues) : previous.covariances;
  for (const issue of issues) {
    if (settings.onDegenerate === 'error' && issue.reason !== 'collapsing-variance') {
      throw new DegenerateModelError(issue.message, REMEDY, { component: issue.component, reason: issue.reason });
    }
    context.report({
      type: 'degenerate-component',
      iteration: context.iteration,
      component: issue.component,
      reason: issue.reason,
      message: `${issue.message} ${REMEDY}`,
      action: issue.kept ? 'kept-previous' : 'continued',
    });
  }
  return { covarianceType: type, dimension: d, means, covariances };
}

function maximizeCovariances(
  stats: GaussianStatistics,
  previous: GaussianComponents,
  means: Float64Array,
  references: Float64Array,
  alive: Uint8Array,
  settings: MaximizationSettings,
  issues: Degeneracy[],
): Float64Array {
  const { type, layout, strength } = settings;
  const d = previous.dimension;
  const k = alive.length;
  const dd = d * d;
  const out = new Float64Array(previous.covariances);
  const counts = stats.counts;
  const delta = new Float64Array(d);
  const scatter = new Float64Array(dd);
  const factor = new Float64Array(dd);

  if (layout === 'total' || type === 'tied') {
    // One shared matrix: Σ = (Σ_k M_k + λI) / Σ_k n_k.
    const sum = new Float64Array(dd);
    let n = 0;
    for (let c = 0; c < k; c++) {
      const nc = counts[c] as number;
      if (!(nc > 0)) continue;
      n += nc;
      for (let a = 0; a < d; a++) delta[a] = (means[c * d + a] as number) - (references[c * d + a] as number);
      if (layout === 'total') {
        // Σ_k M_k = T − Σ_k (S_k δ_kᵀ + δ_k S_kᵀ − n_k δ_k δ_kᵀ), T about the common reference.
        for (let a = 0; a < d; a++) {
          const sa = stats.sums[c * d + a] as number;
          const da = delta[a] as number;
          for (let b = 0; b <= a; b++) sum[a * d + b] = (sum[a * d + b] as number) - sa * (delta[b] as number) - da * (stats.sums[c * d + b] as number) + nc * da * (delta[b] as number);
        }
      } else {
        scatterAbout(stats, c, d, delta, scatter);
        for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) sum[a * d + b] = (sum[a * d + b] as number) + (scatter[a * d + b] as number);
      }
    }
    if (layout === 'total') for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) sum[a * d + b] = (sum[a * d + b] as number) + (stats.scatter[a * d + b] as number);
    if (!(n > 0)) return out;
    const candidate = new Float64Array(dd);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        const v = ((sum[a * d + b] as number) + (a === b ? strength : 0)) / n;
        candidate[a * d + b] = v;
        candidate[b * d + a] = v;
      }
    }
    if (checkMatrix(candidate, 0, d, factor, -1, issues)) out.set(candidate);
    return out;
  }

  for (let c = 0; c < k; c++) {
    if (alive[c] !== 1) continue;
    const n = counts[c] as number;
    for (let a = 0; a < d; a++) delta[a] = (means[c * d + a] as number) - (references[c * d + a] as number);
    if (layout === 'diagonal' || layout === 'spherical') {
      let traceSum = 0;
      const varianceOffset = c * d;
      let ok = true;
      const candidate = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        const s = stats.sums[c * d + a] as number;
        const da = delta[a] as number;
        if (layout === 'diagonal') {
          const m = (stats.scatter[varianceOffset + a] as number) - 2 * s * da + n * da * da;
          const v = (m + strength) / n;
          candidate[a] = v;
          if (!(v > 0) || !Number.isFinite(v)) ok = false;
        } else {
          traceSum += -2 * s * da + n * da * da;
        }
      }
      if (layout === 'spherical') {
        const v = ((stats.scatter[c] as number) + traceSum + strength * d) / (n * d);
        if (!(v > 0) || !Number.isFinite(v)) ok = false;
        else out[c] = v;
      } else if (ok) {
        out.set(candidate, varianceOffset);
      }
      if (!ok) {
        issues.push({
          component: c,
          reason: 'singular-covariance',
          message: `Component ${c}: its variance collapsed to zero (every point it explains is identical in some coordinate); its previous covariance was kept.`,
          kept: true,
        });
      }
      continue;
    }
    // Full layout: per-component scatter about the new mean.
    scatterAbout(stats, c, d, delta, scatter);
    if (type === 'full') {
      const offset = c * dd;
      const candidate = new Float64Array(dd);
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          const v = ((scatter[a * d + b] as number) + (a === b ? strength : 0)) / n;
          candidate[a * d + b] = v;
          candidate[b * d + a] = v;
        }
      }
      if (checkMatrix(candidate, 0, d, factor, c, issues)) out.set(candidate, offset);
    } else if (type === 'diagonal') {
      let ok = true;
      const candidate = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        const v = ((scatter[a * d + a] as number) + strength) / n;
        candidate[a] = v;
        if (!(v > 0) || !Number.isFinite(v)) ok = false;
      }
      if (ok) out.set(candidate, c * d);
      else issues.push({ component: c, reason: 'singular-covariance', message: `Component ${c}: a variance collapsed to zero; its previous covariance was kept.`, kept: true });
    } else {
      let trace = 0;
      for (let a = 0; a < d; a++) trace += scatter[a * d + a] as number;
      const v = (trace + strength * d) / (n * d);
      if (v > 0 && Number.isFinite(v)) out[c] = v;
      else issues.push({ component: c, reason: 'singular-covariance', message: `Component ${c}: its variance collapsed to zero; its previous covariance was kept.`, kept: true });
    }
  }
  if (type === 'diagonal' || type === 'spherical') reportCollapsingVariances(out, type === 'diagonal' ? d : 1, issues);
  return out;
}

/** Cholesky check of a candidate covariance; records singular or collapsing matrices. Returns whether to accept it. */
function checkMatrix(candidate: Float64Array, offset: number, d: number, factor: Float64Array, component: number, issues: Degeneracy[]): boolean {
  const label = component < 0 ? 'The tied covariance' : `Component ${component}`;
  const reported = component < 0 ? 0 : component;
  if (choleskyInPlace(candidate, d, factor, offset, 0) >= 0) {
    issues.push({
      component: reported,
      reason: 'singular-covariance',
      message: `${label}: the new covariance matrix is singular (its points lie in a lower-dimensional subspace); the previous covariance was kept.`,
      kept: true,
    });
    return false;
  }
  let largest = 0;
  let smallestPivot = Infinity;
  for (let a = 0; a < d; a++) {
    largest = Math.max(largest, candidate[offset + a * d + a] as number);
    const pivot = factor[a * d + a] as number;
    smallestPivot = Math.min(smallestPivot, pivot * pivot);
  }
  if (smallestPivot < COLLAPSE_RATIO * largest) {
    issues.push({
      component: reported,
      reason: 'collapsing-variance',
      message: `${label}: its covariance is collapsing (conditional variance ${smallestPivot.toExponential(3)} against ${largest.toExponential(3)}).`,
      kept: false,
    });
  }
  return true;
}

function reportCollapsingVariances(variances: Float64Array, perComponent: number, issues: Degeneracy[]): void {
  let largest = 0;
  for (let i = 0; i < variances.length; i++) largest = Math.max(largest, variances[i] as number);
  for (let i = 0; i < variances.length; i++) {
    const v = variances[i] as number;
    if (v < COLLAPSE_RATIO * largest) {
      const component = Math.floor(i / perComponent);
      if (issues.some((issue) => issue.component === component)) continue;
      issues.push({
        component,
        reason: 'collapsing-variance',
        message: `Component ${component}: variance ${v.toExponential(3)} is collapsing (largest variance ${largest.toExponential(3)}).`,
        kept: false,
      });
    }
  }
}

/**
 * Σ_i Σ_k w_ik E[log N(x_i | μ_k, Σ_k)] from the statistics, for any parameters: the weighted
 * scatter about μ_k is rebuilt from the statistics' references (exact, no data needed).
 */
export function gaussianExpectedLogDensity(components: GaussianComponents, stats: GaussianStatistics, layout: ScatterLayout): number {
  const { covarianceType: type, dimension: d, means, covariances } = components;
  const k = componentCountOf(components);
  const dd = d * d;
  const common = layout === 'total' ? commonReference(stats, d) : undefined;
  const references = recoverReferences(stats, d, undefined, common);
  const delta = new Float64Array(d);
  const scatter = new Float64Array(dd);
  const factor = new Float64Array(dd);
  let value = 0;
  let totalCount = 0;
  const tiedScatter = new Float64Array(dd);
  for (let c = 0; c < k; c++) {
    const n = stats.counts[c] as number;
    if (!(n > 0)) continue;
    totalCount += n;
    for (let a = 0; a < d; a++) delta[a] = (means[c * d + a] as number) - (references[c * d + a] as number);
    if (layout === 'diagonal' || layout === 'spherical') {
      let quadratic = 0;
      let logDet = 0;
      for (let a = 0; a < d; a++) {
        const s = stats.sums[c * d + a] as number;
        const da = delta[a] as number;
        const cross = -2 * s * da + n * da * da;
        if (layout === 'diagonal') {
          const variance = covariances[c * d + a] as number;
          quadratic += ((stats.scatter[c * d + a] as number) + cross) / variance;
          logDet += Math.log(variance);
        } else {
          quadratic += cross / (covariances[c] as number);
        }
      }
      if (layout === 'spherical') {
        quadratic += (stats.scatter[c] as number) / (covariances[c] as number);
        logDet = d * Math.log(covariances[c] as number);
      }
      value += -0.5 * n * d * LOG_TWO_PI - 0.5 * n * logDet - 0.5 * quadratic;
      continue;
    }
    if (layout === 'total') {
      for (let a = 0; a < d; a++) {
        const sa = stats.sums[c * d + a] as number;
        const da = delta[a] as number;
        for (let b = 0; b <= a; b++) tiedScatter[a * d + b] = (tiedScatter[a * d + b] as number) - sa * (delta[b] as number) - da * (stats.sums[c * d + b] as number) + n * da * (delta[b] as number);
      }
      continue;
    }
    scatterAbout(stats, c, d, delta, scatter);
    if (type === 'tied') {
      for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) tiedScatter[a * d + b] = (tiedScatter[a * d + b] as number) + (scatter[a * d + b] as number);
      continue;
    }
    value += -0.5 * n * d * LOG_TWO_PI + gaussianTerm(components, c, n, scatter, factor);
  }
  if (layout === 'total' || type === 'tied') {
    if (layout === 'total') for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) tiedScatter[a * d + b] = (tiedScatter[a * d + b] as number) + (stats.scatter[a * d + b] as number);
    value += -0.5 * totalCount * d * LOG_TWO_PI + gaussianTerm(components, 0, totalCount, tiedScatter, factor);
  }
  return value;
}

/** −n/2·log det Σ_c − ½·tr(Σ_c⁻¹ M) for a lower-triangular scatter M, per covariance type. */
function gaussianTerm(components: GaussianComponents, c: number, n: number, scatter: Float64Array, factor: Float64Array): number {
  const { covarianceType: type, dimension: d, covariances } = components;
  const dd = d * d;
  switch (type) {
    case 'full':
    case 'tied': {
      const offset = type === 'tied' ? 0 : c * dd;
      if (choleskyInPlace(covariances, d, factor, offset, 0) >= 0) return -Infinity;
      let logDet = 0;
      for (let a = 0; a < d; a++) logDet += 2 * Math.log(factor[a * d + a] as number);
      const inverse = inverseFromCholesky(factor, d);
      let trace = 0;
      for (let a = 0; a < d; a++) {
        trace += (inverse[a * d + a] as number) * (scatter[a * d + a] as number);
        for (let b = 0; b < a; b++) trace += 2 * (inverse[a * d + b] as number) * (scatter[a * d + b] as number);
      }
      return -0.5 * n * logDet - 0.5 * trace;
    }
    case 'diagonal': {
      let value = 0;
      for (let a = 0; a < d; a++) {
        const v = covariances[c * d + a] as number;
        value += -0.5 * n * Math.log(v) - (0.5 * (scatter[a * d + a] as number)) / v;
      }
      return value;
    }
    case 'spherical': {
      const v = covariances[c] as number;
      let trace = 0;
      for (let a = 0; a < d; a++) trace += scatter[a * d + a] as number;
      return -0.5 * n * d * Math.log(v) - (0.5 * trace) / v;
    }
  }
}

/** The common reference of tied statistics: Σ references / Σ counts. */
function commonReference(stats: GaussianStatistics, d: number): Float64Array {
  const k = stats.counts.length;
  const out = new Float64Array(d);
  let n = 0;
  for (let c = 0; c < k; c++) n += stats.counts[c] as number;
  if (!(n > 0)) return out;
  for (let a = 0; a < d; a++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += stats.references[c * d + a] as number;
    out[a] = s / n;
  }
  return out;
}
