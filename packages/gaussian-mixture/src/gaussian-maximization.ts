import { choleskyInPlace, DegenerateModelError, inverseFromCholesky, type MStepContext } from '@em/core';
import { componentCountOf, denseCovariance, type GaussianComponents } from './gaussian-components.js';
import type { GaussianStatistics, ScatterLayout } from './gaussian-statistics.js';
import { LOG_TWO_PI } from './prepared-gaussian.js';
import { maximizeConstrainedCovariances, recordConstrainedStep } from './constrained/constrained-maximization.js';
import { isClassicModel, type CovarianceModel } from './constrained/covariance-models.js';
import type { ResolvedGaussianFamilyOptions } from './options.js';

/**
 * What the M-step reads: the family's resolved options as they are (covariance storage, mclust
 * model, regCovar, which parameters update, onDegenerate) and the layout of the statistics.
 */
export interface MaximizationSettings extends ResolvedGaussianFamilyOptions {
  readonly layout: ScatterLayout;
}

/**
 * A component whose mass is below this fraction of the total keeps its previous parameters
 * (its responsibilities are denormal-level noise). Anything above is maximised as usual, however
 * small: the update formulas are scale-free, and with a prior the MAP of a nearly empty component
 * (a broad covariance ≈ λ/n_k) is what keeps Q + log-prior maximised.
 */
const VANISHING_MASS = 1e-200;
/**
 * A conditional variance below this fraction of the largest variance is reported as collapsing
 * (one of two tests; the other asks it to stand clear of its own round-off: PIVOT_SIGNIFICANCE).
 */
const COLLAPSE_RATIO = 1e-13;
/** Recovered references within this relative distance of the previous means are those means. */
const REFERENCE_MATCH = 1e-11;

const REMEDY = 'Use fewer components, a larger regCovar (e.g. 1e-4), or rescale the data (standardise each column).';

/** Statistics re-expressed about one reference per component (`references` holds r_k itself). */
interface CenteredStatistics {
  readonly counts: Float64Array;
  readonly references: Float64Array;
  readonly sums: Float64Array;
  readonly scatter: Float64Array;
  /**
   * Size of the terms summed into each scatter entry (shaped like it): its round-off is about
   * ε × this. The scatter itself when no re-centring took place; after one (chunks gathered about
   * different references) it adds Σ_b n_b r_b r_bᵀ, n r̄ r̄ᵀ and the cross terms, which are large
   * against the scatter when the references lie far from the origin against the spread.
   */
  readonly magnitude: Float64Array;
}

/** Relative size below which n·var(references) counts as round-off: every block used one reference. */
const SINGLE_REFERENCE = 1e-13;

/**
 * Brings statistics to one reference per component, r̄_k = Σ_b n_b r_b / n_k. When every block
 * used the same reference (batch EM) the statistics are already about it and are returned
 * unchanged (r̄_k snapped to `candidates` when it agrees to round-off, as it does when candidates
 * are the parameters the E-step ran at). Otherwise (chunks gathered at different parameters, as
 * in incremental EM) the scatter is re-centred:
 * Σ w (x − r̄)(x − r̄)ᵀ = Q + Σ_b (s_b r_bᵀ + r_b s_bᵀ) − (S r̄ᵀ + r̄ Sᵀ) + Σ_b n_b r_b r_bᵀ − n r̄ r̄ᵀ.
 */
export function centerStatistics(stats: GaussianStatistics, layout: ScatterLayout, d: number, candidates: Float64Array | undefined): CenteredStatistics {
  const k = stats.counts.length;
  const references = new Float64Array(k * d);
  const scatter = new Float64Array(stats.scatter);
  const magnitude = new Float64Array(stats.scatter);
  const form = layout === 'full' ? 'matrix' : layout === 'diagonal' ? 'diagonal' : 'trace';
  for (let c = 0; c < k; c++) {
    const n = stats.counts[c] as number;
    if (!(n > 0)) continue;
    for (let a = 0; a < d; a++) references[c * d + a] = (stats.references[c * d + a] as number) / n;
    const offset = layout === 'full' ? c * d * d : layout === 'diagonal' ? c * d : c;
    const r = references.subarray(c * d, (c + 1) * d);
    if (!singleReference(stats.referenceOuter, r, n, d, offset, form)) {
      recenter(scatter, magnitude, stats, offset, r, stats.sums.subarray(c * d, (c + 1) * d), n, d, form);
    } else if (candidates !== undefined) {
      snap(references, c * d, candidates, c * d, d);
    }
  }
  return { counts: stats.counts, references, sums: stats.sums, scatter, magnitude };
}

type Form = 'matrix' | 'diagonal' | 'trace';

/** Whether Σ_b n_b r_b r_bᵀ equals n r̄ r̄ᵀ to round-off on the diagonal (every block used r̄). */
function singleReference(outer: Float64Array, r: Float64Array, n: number, d: number, offset: number, form: Form): boolean {
  if (form === 'trace') {
    let squared = 0;
    for (let a = 0; a < d; a++) squared += (r[a] as number) * (r[a] as number);
    const g = outer[offset] as number;
    return Math.abs(g - n * squared) <= SINGLE_REFERENCE * g;
  }
  for (let a = 0; a < d; a++) {
    const g = outer[offset + (form === 'matrix' ? a * d + a : a)] as number;
    if (Math.abs(g - n * (r[a] as number) * (r[a] as number)) > SINGLE_REFERENCE * g) return false;
  }
  return true;
}

/** Re-centres one component's scatter about r̄ (formula in centerStatistics); `magnitude` gets the size of the terms. */
function recenter(scatter: Float64Array, magnitude: Float64Array, stats: GaussianStatistics, offset: number, r: Float64Array, s: Float64Array, n: number, d: number, form: Form): void {
  const { referenceOuter: outer, referenceCross: cross } = stats;
  if (form === 'trace') {
    let dot = 0;
    let size = 0;
    let squared = 0;
    for (let a = 0; a < d; a++) {
      dot += (s[a] as number) * (r[a] as number);
      size += Math.abs((s[a] as number) * (r[a] as number));
      squared += (r[a] as number) * (r[a] as number);
    }
    const q = scatter[offset] as number;
    scatter[offset] = q + (cross[offset] as number) - 2 * dot + (outer[offset] as number) - n * squared;
    magnitude[offset] = Math.abs(q) + Math.abs(cross[offset] as number) + 2 * size + Math.abs(outer[offset] as number) + n * squared;
    return;
  }
  if (form === 'diagonal') {
    for (let a = 0; a < d; a++) {
      const ra = r[a] as number;
      const q = scatter[offset + a] as number;
      const c = cross[offset + a] as number;
      const sr = 2 * (s[a] as number) * ra;
      const o = outer[offset + a] as number;
      scatter[offset + a] = q + c - sr + o - n * ra * ra;
      magnitude[offset + a] = Math.abs(q) + Math.abs(c) + Math.abs(sr) + Math.abs(o) + n * ra * ra;
    }
    return;
  }
  for (let a = 0; a < d; a++) {
    const ra = r[a] as number;
    const sa = s[a] as number;
    for (let b = 0; b <= a; b++) {
      const i = offset + a * d + b;
      const rb = r[b] as number;
      const q = scatter[i] as number;
      const c = cross[i] as number;
      const o = outer[i] as number;
      scatter[i] = q + c - sa * rb - ra * (s[b] as number) + o - n * ra * rb;
      magnitude[i] = Math.abs(q) + Math.abs(c) + Math.abs(sa * rb) + Math.abs(ra * (s[b] as number)) + Math.abs(o) + Math.abs(n * ra * rb);
    }
  }
}

/** Replaces r by the candidate when they agree to round-off (so batch EM uses the exact means). */
function snap(r: Float64Array, offset: number, candidates: Float64Array, candidateOffset: number, d: number): void {
  for (let a = 0; a < d; a++) {
    const candidate = candidates[candidateOffset + a] as number;
    if (!(Math.abs((r[offset + a] as number) - candidate) <= REFERENCE_MATCH * Math.abs(candidate))) return;
  }
  for (let a = 0; a < d; a++) r[offset + a] = candidates[candidateOffset + a] as number;
}

/**
 * Scatter of component k about mean μ from statistics about reference r (lower triangle into
 * `out`, D·D): M = Q − S·δᵀ − δ·Sᵀ + n·δ·δᵀ with δ = μ − r. With μ the new mean, δ = S/n and
 * M = Q − S·Sᵀ/n: the subtraction is between small numbers, since r is near the data.
 */
function scatterAbout(stats: CenteredStatistics, c: number, d: number, delta: Float64Array, out: Float64Array): void {
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
export function maximizeGaussian(raw: GaussianStatistics, previous: GaussianComponents, settings: MaximizationSettings, context: MStepContext): GaussianComponents {
  const { covariance: type, layout } = settings;
  const d = previous.dimension;
  const k = componentCountOf(previous);
  const stats = centerStatistics(raw, layout, d, previous.means);
  const counts = stats.counts;
  let total = 0;
  for (let c = 0; c < k; c++) total += counts[c] as number;
  const references = stats.references;
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
    if (settings.update.means) for (let a = 0; a < d; a++) means[c * d + a] = (references[c * d + a] as number) + (stats.sums[c * d + a] as number) / n;
  }
  const covariances = settings.update.covariances ? maximizeCovariances(stats, previous, means, references, alive, settings, issues) : previous.covariances;
  for (const issue of issues) {
    if (settings.onDegenerate === 'error') {
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
  stats: CenteredStatistics,
  previous: GaussianComponents,
  means: Float64Array,
  references: Float64Array,
  alive: Uint8Array,
  settings: MaximizationSettings,
  issues: Degeneracy[],
): Float64Array {
  // Before the classic path's buffers and scales: the constrained path builds its own.
  if (!isClassicModel(settings.model)) return constrainedCovariances(settings.model, stats, previous, means, references, alive, settings, issues);
  const { covariance: type, layout, regCovar: strength } = settings;
  const d = previous.dimension;
  const k = alive.length;
  const dd = d * d;
  const out = new Float64Array(previous.covariances);
  const counts = stats.counts;
  const delta = new Float64Array(d);
  const scatter = new Float64Array(dd);
  // acceptMatrix's buffers, once per M-step rather than once per component.
  const work: MatrixWork = { factor: new Float64Array(dd), sensitivity: new Float64Array(d), regression: new Float64Array(d) };
  const scale = coordinateScales(previous, counts);
  const wait: Wait = { allowed: !waitedCovariances.has(previous.covariances), used: false };

  if (type === 'tied') {
    // One shared matrix: Σ = (Σ_k M_k + λI) / Σ_k n_k, each M_k the scatter about μ_k from
    // statistics centred on component k's own reference (cancellation only when μ_k moved far).
    const sum = new Float64Array(dd);
    const raw = new Float64Array(dd);
    const magnitude = new Float64Array(dd);
    let n = 0;
    for (let c = 0; c < k; c++) {
      const nc = counts[c] as number;
      if (!(nc > 0)) continue;
      n += nc;
      for (let a = 0; a < d; a++) delta[a] = (means[c * d + a] as number) - (references[c * d + a] as number);
      scatterAbout(stats, c, d, delta, scatter);
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          sum[a * d + b] = (sum[a * d + b] as number) + (scatter[a * d + b] as number);
          raw[a * d + b] = (raw[a * d + b] as number) + (stats.scatter[c * dd + a * d + b] as number);
          magnitude[a * d + b] = (magnitude[a * d + b] as number) + (stats.magnitude[c * dd + a * d + b] as number);
        }
      }
    }
    if (!(n > 0)) return out;
    if (lostToRoundOff(sum, magnitude, d, 'matrix', strength, -1, issues)) return out;
    const candidate = symmetricFromLower(sum, d, strength, n);
    if (acceptMatrix(candidate, d, work, scale, sum, raw, magnitude, strength, -1, issues, wait)) out.set(candidate);
    if (wait.used) waitedCovariances.add(out);
    return out;
  }

  for (let c = 0; c < k; c++) {
    if (alive[c] !== 1) continue;
    const n = counts[c] as number;
    for (let a = 0; a < d; a++) delta[a] = (means[c * d + a] as number) - (references[c * d + a] as number);
    // Diagonal of the scatter about the new mean (all of it for the full layout).
    if (layout === 'full') {
      scatterAbout(stats, c, d, delta, scatter);
    } else if (layout === 'diagonal') {
      for (let a = 0; a < d; a++) {
        const da = delta[a] as number;
        scatter[a * d + a] = (stats.scatter[c * d + a] as number) - 2 * (stats.sums[c * d + a] as number) * da + n * da * da;
      }
    } else {
      let trace = stats.scatter[c] as number;
      for (let a = 0; a < d; a++) {
        const da = delta[a] as number;
        trace += -2 * (stats.sums[c * d + a] as number) * da + n * da * da;
      }
      scatter.fill(0);
      scatter[0] = trace;
    }
    const rawOffset = layout === 'full' ? c * dd : layout === 'diagonal' ? c * d : c;
    if (lostToRoundOff(scatter, stats.magnitude.subarray(rawOffset), d, layout === 'full' ? 'matrix' : layout === 'diagonal' ? 'diagonal' : 'trace', layout === 'spherical' ? strength * d : strength, c, issues)) continue;
    if (type === 'full') {
      const candidate = symmetricFromLower(scatter, d, strength, n);
      if (acceptMatrix(candidate, d, work, scale, scatter, stats.scatter.subarray(c * dd, (c + 1) * dd), stats.magnitude.subarray(c * dd, (c + 1) * dd), strength, c, issues, wait)) out.set(candidate, c * dd);
    } else if (type === 'diagonal') {
      const candidate = new Float64Array(d);
      let accepted = true;
      for (let a = 0; a < d && accepted; a++) {
        const v = ((scatter[a * d + a] as number) + strength) / n;
        candidate[a] = v;
        accepted = acceptVariance(v, scale[a] as number, c, a, issues);
      }
      if (accepted) out.set(candidate, c * d);
    } else {
      let trace = 0;
      if (layout === 'spherical') trace = scatter[0] as number;
      else for (let a = 0; a < d; a++) trace += scatter[a * d + a] as number;
      const v = (trace + strength * d) / (n * d);
      let largest = 0;
      for (let a = 0; a < d; a++) largest = Math.max(largest, scale[a] as number);
      if (acceptVariance(v, largest, c, -1, issues)) out[c] = v;
    }
  }
  if (wait.used) waitedCovariances.add(out);
  return out;
}

/**
 * The constrained models: each live component's scatter W_k + λI about its new mean as a dense
 * matrix (the diagonal or the trace is all the diagonal and spherical layouts hold, and all those
 * models read), maximised under the constraint. A candidate that is not positive definite keeps
 * every previous Σ_k (they share parameters) and is reported.
 */
function constrainedCovariances(
  model: CovarianceModel,
  stats: CenteredStatistics,
  previous: GaussianComponents,
  means: Float64Array,
  references: Float64Array,
  alive: Uint8Array,
  settings: MaximizationSettings,
  issues: Degeneracy[],
): Float64Array {
  const { layout, regCovar: strength } = settings;
  const d = previous.dimension;
  const k = alive.length;
  const dd = d * d;
  const dense = new Float64Array(k * dd);
  // W_k alone (full layout): EEV/VEV orientations come from it, not from W_k + λI (see maximizeConstrainedCovariances).
  const data = layout === 'full' && strength > 0 ? new Float64Array(k * dd) : undefined;
  const delta = new Float64Array(d);
  const lower = new Float64Array(dd);
  for (let c = 0; c < k; c++) {
    const at = c * dd;
    if (alive[c] !== 1) {
      // No mass: W_k = 0, and its prior term λ·tr Σ_k⁻¹ still counts (see maximizeConstrainedCovariances).
      for (let a = 0; a < d; a++) dense[at + a * d + a] = strength;
      continue;
    }
    const n = stats.counts[c] as number;
    for (let a = 0; a < d; a++) delta[a] = (means[c * d + a] as number) - (references[c * d + a] as number);
    if (layout === 'full') {
      scatterAbout(stats, c, d, delta, lower);
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          const w = lower[a * d + b] as number;
          const v = w + (a === b ? strength : 0);
          dense[at + a * d + b] = v;
          dense[at + b * d + a] = v;
          if (data !== undefined) {
            data[at + a * d + b] = w;
            data[at + b * d + a] = w;
          }
        }
      }
    } else if (layout === 'diagonal') {
      for (let a = 0; a < d; a++) {
        const da = delta[a] as number;
        dense[at + a * d + a] = (stats.scatter[c * d + a] as number) - 2 * (stats.sums[c * d + a] as number) * da + n * da * da + strength;
      }
    } else {
      let trace = stats.scatter[c] as number;
      for (let a = 0; a < d; a++) {
        const da = delta[a] as number;
        trace += -2 * (stats.sums[c * d + a] as number) * da + n * da * da;
      }
      for (let a = 0; a < d; a++) dense[at + a * d + a] = trace / d + strength;
    }
  }
  const step = maximizeConstrainedCovariances(model, stats.counts, dense, alive, previous, undefined, strength, data);
  const scale = coordinateScales(previous, stats.counts);
  const candidate = { ...previous, covariances: step.covariances };
  const factor = new Float64Array(dd);
  const check = new Float64Array(dd);
  const sensitivity = new Float64Array(d);
  const regression = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    denseCovariance(candidate, c, check, 0);
    let finite = true;
    for (let i = 0; i < dd; i++) finite &&= Number.isFinite(check[i] as number);
    if (!finite || choleskyInPlace(check, d, factor, 0, 0) >= 0) {
      issues.push({
        component: c,
        reason: 'singular-covariance',
        message: `Component ${c}: the ${model} covariance update is not positive definite (its points lie in a lower-dimensional subspace); every previous covariance was kept.`,
        kept: true,
      });
      return previous.covariances;
    }
    // The classic models' collapse test (acceptMatrix): a conditional variance below
    // COLLAPSE_RATIO of the coordinate's scale, or within PIVOT_SIGNIFICANCE× its own round-off
    // (entries good to ε·(D + 1): the scatter's cancellation is not tracked through the constrained
    // loops), is round-off (a component on fewer than D + 1 points, where VEV, EVE, VVE… have no
    // maximum), and Q evaluated there is noise.
    conditionalVarianceRoundOff(check, factor, d, sensitivity, regression);
    for (let a = 0; a < d; a++) {
      const pivot = factor[a * d + a] as number;
      if (alive[c] === 1 && (pivot * pivot < COLLAPSE_RATIO * (scale[a] as number) || pivot * pivot < PIVOT_SIGNIFICANCE * Number.EPSILON * (d + 1) * (sensitivity[a] as number))) {
        issues.push({
          component: c,
          reason: 'collapsing-variance',
          message: `Component ${c}: its ${model} covariance is collapsing (conditional variance ${(pivot * pivot).toExponential(3)} in coordinate ${a} against ${(scale[a] as number).toExponential(3)}); every previous covariance was kept.`,
          kept: true,
        });
        return previous.covariances;
      }
    }
  }
  // A generalised-EM guard: the block-coordinate loops start from a fresh point, so when they did
  // not settle (no maximum exists, e.g. a component on fewer than D + 1 effective points) the
  // result must still not lower the covariance part of Q below the previous covariances.
  if (!step.converged) {
    const kept = constrainedObjective(previous, dense, stats.counts, alive) >= constrainedObjective(candidate, dense, stats.counts, alive);
    issues.push({
      component: 0,
      reason: 'singular-covariance',
      message: `The ${model} covariance update did not settle in ${step.innerIterations} inner iterations (a component may have fewer than D + 1 effective points, where no maximum exists); ${kept ? 'the previous covariances were kept' : 'its last iterate, which improves on the previous covariances, was used'}.`,
      kept,
    });
    if (kept) return previous.covariances;
  } else if (step.innerIterations > 0) {
    // Settled loops are checked too: a component on fewer than D + 1 points has a singular scatter,
    // its variance along a null direction is round-off (even negative), and an iterate judged by it
    // can lose tens of nats of Q (iris, VVE, K = 9: 45). The previous covariances are then kept.
    const before = constrainedObjective(previous, dense, stats.counts, alive);
    const after = constrainedObjective(candidate, dense, stats.counts, alive);
    if (after < before - GUARD_ROUND_OFF * Math.max(1, Math.abs(before))) {
      issues.push({
        component: 0,
        reason: 'singular-covariance',
        message: `The ${model} covariance update lowered the expected log-likelihood by ${(before - after).toExponential(3)} (round-off in a component with fewer than D + 1 effective points, whose scatter is singular); the previous covariances were kept.`,
        kept: true,
      });
      return previous.covariances;
    }
  }
  recordConstrainedStep(step.covariances, step);
  return step.covariances;
}

/** Relative loss of the covariance part of Q that a settled inner loop may show from round-off alone (far below the monitor's 1e-9). */
const GUARD_ROUND_OFF = 1e-12;

/** Σ_k −(n_k/2)·log det Σ_k − ½·tr(Σ_k⁻¹ W_k) over the live components (the covariance part of Q + log-prior). */
function constrainedObjective(components: GaussianComponents, scatter: Float64Array, counts: Float64Array, alive: Uint8Array): number {
  const d = components.dimension;
  const dd = d * d;
  const dense = new Float64Array(dd);
  const factor = new Float64Array(dd);
  let value = 0;
  for (let c = 0; c < alive.length; c++) {
    if (alive[c] !== 1) continue;
    denseCovariance(components, c, dense, 0);
    if (choleskyInPlace(dense, d, factor, 0, 0) >= 0) return -Infinity;
    let logDet = 0;
    for (let a = 0; a < d; a++) logDet += 2 * Math.log(factor[a * d + a] as number);
    const inverse = inverseFromCholesky(factor, d);
    let trace = 0;
    for (let i = 0; i < dd; i++) trace += (inverse[i] as number) * (scatter[c * dd + i] as number);
    value += -0.5 * (counts[c] as number) * logDet - 0.5 * trace;
  }
  return value;
}

/**
 * When a covariance update waits one iteration (the deferral in acceptMatrix).
 *
 * Every matrix layout holds each component's scatter Q about its own reference r — the mean the
 * E-step ran at — and the M-step forms M = Q − S·Sᵀ/n about the new mean μ = r + S/n. The
 * rounding error of M_aa is ≈ ε·Q_aa, so its relative error is ε·cancellation with
 * cancellation = max_a Q_aa/M_aa = 1 + max_a n·δ_a²/M_aa (δ = μ − r: how far the mean moved in
 * this step, in within-component standard deviations), and the weakest direction of the new
 * matrix multiplies that by conditioning = max_a Σ_aa / (conditional variance of coordinate a).
 *
 * The update is taken when cancellation ≤ MATERIAL_CANCELLATION (the mean moved less than ten
 * standard deviations: at most 2 digits lost) or cancellation × conditioning ≤ IMPRECISE_UPDATE
 * (relative error ≤ ε·1e6 ≈ 2e-10 in every direction). Otherwise it waits: the covariance is
 * kept and the mean moves (a generalised EM step: the objective does not decrease). In batch EM
 * the next E-step's references are the means this step produced, so the next update has
 * cancellation 1 + n·δ'²/M with δ' only the *next* move — exact (≤ 2e-10) once the means have
 * settled to within ten standard deviations per step. To make sure a wait can never repeat, an
 * update never waits twice in a row: the one after a wait is taken (waitedCovariances).
 *
 * Separated clusters are not a cancellation by themselves: each component is centred on its own
 * reference (tied covariances pool per-component scatters; see ScatterLayout), so only a mean's
 * own move counts. Conditioning alone is the problem's, not the update's.
 */
const IMPRECISE_UPDATE = 1e6;
const MATERIAL_CANCELLATION = 100;

/** Covariances produced by an M-step in which an update waited: the next M-step takes its update. */
const waitedCovariances = new WeakSet<Float64Array>();

/** Whether the M-step may let an update wait, and whether one did. */
interface Wait {
  readonly allowed: boolean;
  used: boolean;
}

/** Below this fraction of the scatter about the reference, a scatter about the new mean is round-off. */
const ROUND_OFF_SCATTER = 1e-10;

/**
 * M = Q − S·Sᵀ/n carries an absolute error of order ε·Q. When a diagonal entry of M falls below
 * ROUND_OFF_SCATTER·Q (a component sitting on one point, or moving by ~10⁵ standard deviations
 * in one step) its digits are noise, so the covariance is not updated and the collapse reported.
 * `raw` is the magnitude of Q's terms (CenteredStatistics.magnitude): Q itself, or more when Q
 * was re-centred from chunks gathered about different references.
 */
function lostToRoundOff(scatter: Float64Array, raw: Float64Array, d: number, form: 'matrix' | 'diagonal' | 'trace', ridge: number, component: number, issues: Degeneracy[]): boolean {
  for (let a = 0; a < (form === 'trace' ? 1 : d); a++) {
    // The prior's ridge is exact: only M's digits can be lost.
    const m = (form === 'trace' ? (scatter[0] as number) : (scatter[a * d + a] as number)) + ridge;
    const q = form === 'matrix' ? (raw[a * d + a] as number) : form === 'diagonal' ? (raw[a] as number) : (raw[0] as number);
    if (q > 0 && m < ROUND_OFF_SCATTER * q) {
      const label = component < 0 ? 'The tied covariance' : `Component ${component}`;
      issues.push({
        component: component < 0 ? 0 : component,
        reason: 'collapsing-variance',
        message: `${label}: its spread${form === 'trace' ? '' : ` in coordinate ${a}`} is below the round-off of its statistics (the component sits on a single point); the previous covariance was kept.`,
        kept: true,
      });
      return true;
    }
  }
  return false;
}

/** (M + λI) / n as a full symmetric matrix from the lower triangle of M. */
function symmetricFromLower(lower: Float64Array, d: number, strength: number, n: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      const v = ((lower[a * d + b] as number) + (a === b ? strength : 0)) / n;
      out[a * d + b] = v;
      out[b * d + a] = v;
    }
  }
  return out;
}

/**
 * Mass-weighted average variance of each coordinate over the previous components: the yardstick
 * of a collapse (a nearly empty component with a huge prior-driven covariance weighs nothing).
 */
function coordinateScales(previous: GaussianComponents, counts: Float64Array): Float64Array {
  const d = previous.dimension;
  const k = componentCountOf(previous);
  const c = previous.covariances;
  const scale = new Float64Array(d);
  let total = 0;
  for (let m = 0; m < k; m++) total += Math.max(0, counts[m] as number);
  for (let m = 0; m < k; m++) {
    const weight = total > 0 ? Math.max(0, counts[m] as number) / total : 1 / k;
    for (let a = 0; a < d; a++) {
      const v =
        previous.covarianceType === 'full'
          ? (c[m * d * d + a * d + a] as number)
          : previous.covarianceType === 'tied'
            ? (c[a * d + a] as number)
            : previous.covarianceType === 'diagonal'
              ? (c[m * d + a] as number)
              : (c[m] as number);
      scale[a] = (scale[a] as number) + weight * v;
    }
  }
  return scale;
}

/**
 * A variance is accepted when positive, finite and not below COLLAPSE_RATIO of the coordinate's
 * scale; otherwise the previous covariance is kept (a generalised EM step: Q still does not
 * decrease) and the collapse is reported.
 */
function acceptVariance(v: number, scale: number, component: number, coordinate: number, issues: Degeneracy[]): boolean {
  const where = coordinate < 0 ? 'its variance' : `its variance in coordinate ${coordinate}`;
  if (!(v > 0) || !Number.isFinite(v)) {
    issues.push({ component, reason: 'singular-covariance', message: `Component ${component}: ${where} collapsed to ${v}; its previous covariance was kept.`, kept: true });
    return false;
  }
  if (v < COLLAPSE_RATIO * scale) {
    issues.push({
      component,
      reason: 'collapsing-variance',
      message: `Component ${component}: ${where} is collapsing (${v.toExponential(3)} against ${scale.toExponential(3)}); its previous covariance was kept.`,
      kept: true,
    });
    return false;
  }
  return true;
}

/**
 * Cholesky check of a candidate matrix: singular or collapsing (a conditional variance ≪ scale, or
 * within PIVOT_SIGNIFICANCE× its own round-off) keeps the previous one; an imprecise update waits one iteration when `wait` allows it (see
 * IMPRECISE_UPDATE for when that is exact).
 *
 * `raw` is the scatter Q about the reference (its ratio to the scatter about the new mean is the
 * `cancellation` of a mean's move, which decides the wait) and `magnitude` the size of the terms
 * summed into Q (CenteredStatistics.magnitude), so the round-off estimate also counts what
 * re-centring lost. That loss does not shrink at the next step, so it never makes an update wait;
 * but it bounds what a pivot can be trusted to: in incremental EM, Q of a component on about D
 * points is Σ_b n_b r_b r_bᵀ − n r̄ r̄ᵀ + … with terms ~n·|r|² against a scatter ~1e-4 of that, and
 * measured against Q alone a pivot made of that round-off passed as significant (2.9e-14 against an
 * estimated round-off of 1.5e-16): the accepted noise gained 30 nats of Q in one M-step and lost 1.3
 * of log-likelihood in a later one (incremental EM, EM_CONFORMANCE_SEED=1239268126).
 */
function acceptMatrix(
  candidate: Float64Array,
  d: number,
  work: MatrixWork,
  scale: Float64Array,
  scatter: Float64Array,
  raw: Float64Array,
  magnitude: Float64Array,
  ridge: number,
  component: number,
  issues: Degeneracy[],
  wait: Wait,
): boolean {
  const label = component < 0 ? 'The tied covariance' : `Component ${component}`;
  const reported = component < 0 ? 0 : component;
  const { factor } = work;
  if (choleskyInPlace(candidate, d, factor, 0, 0) >= 0) {
    issues.push({
      component: reported,
      reason: 'singular-covariance',
      message: `${label}: the new covariance matrix is singular (its points lie in a lower-dimensional subspace); the previous covariance was kept.`,
      kept: true,
    });
    return false;
  }
  // Relative error ≈ ε·cancellation·conditioning (see IMPRECISE_UPDATE).
  let cancellation = 1;
  // Also what re-centring chunk statistics lost (magnitude; equals raw when nothing was re-centred).
  let lost = 1;
  let conditioning = 1;
  for (let a = 0; a < d; a++) {
    const pivot = factor[a * d + a] as number;
    const m = (scatter[a * d + a] as number) + ridge;
    const q = raw[a * d + a] as number;
    if (m > 0 && q > m) cancellation = Math.max(cancellation, q / m);
    const size = magnitude[a * d + a] as number;
    if (m > 0 && size > m) lost = Math.max(lost, size / m);
    conditioning = Math.max(conditioning, (candidate[a * d + a] as number) / (pivot * pivot));
  }
  if (wait.allowed && cancellation > MATERIAL_CANCELLATION && cancellation * conditioning > IMPRECISE_UPDATE) {
    wait.used = true;
    issues.push({
      component: reported,
      reason: 'singular-covariance',
      message: `${label}: the new covariance is nearly singular (condition ≈ ${conditioning.toExponential(1)}) and its mean moved far (precision lost ×${cancellation.toExponential(1)}); the covariance update waits one iteration.`,
      kept: true,
    });
    return false;
  }
  for (let a = 0; a < d; a++) {
    const pivot = factor[a * d + a] as number;
    if (pivot * pivot < COLLAPSE_RATIO * (scale[a] as number)) {
      issues.push({
        component: reported,
        reason: 'collapsing-variance',
        message: `${label}: its covariance is collapsing (conditional variance ${(pivot * pivot).toExponential(3)} in coordinate ${a} against ${(scale[a] as number).toExponential(3)}); the previous covariance was kept.`,
        kept: true,
      });
      return false;
    }
  }
  // A conditional variance within its own round-off is noise, however large against the scale.
  const sensitivity = conditionalVarianceRoundOff(candidate, factor, d, work.sensitivity, work.regression);
  const entryError = Number.EPSILON * (d + Math.max(cancellation, lost));
  for (let a = 0; a < d; a++) {
    const pivot = factor[a * d + a] as number;
    const roundOff = entryError * (sensitivity[a] as number);
    if (pivot * pivot < PIVOT_SIGNIFICANCE * roundOff) {
      issues.push({
        component: reported,
        reason: 'collapsing-variance',
        message: `${label}: its covariance is collapsing (conditional variance ${(pivot * pivot).toExponential(3)} in coordinate ${a} is within ${PIVOT_SIGNIFICANCE}× its round-off ${roundOff.toExponential(2)}: its points lie nearly in a lower-dimensional subspace); the previous covariance was kept.`,
        kept: true,
      });
      return false;
    }
  }
  return true;
}

/** acceptMatrix's buffers (factor D×D, the others D), reused across the components of one M-step. */
interface MatrixWork {
  readonly factor: Float64Array;
  readonly sensitivity: Float64Array;
  readonly regression: Float64Array;
}

/**
 * How far above its round-off a conditional variance (a Cholesky pivot²) must lie to be taken as a
 * value: two significant digits. Below that the M-step's own rounding decides it — on a component
 * with about D points, where the true value is ~0, it came out between 4e-14 and 2e-13 (relative to
 * a scale of 1.5) from one iteration to the next, so a fixed threshold in that band (COLLAPSE_RATIO
 * = 1e-13) accepted it in one fit and refused it in another from the same start (batch against
 * incremental or accelerated EM), and the accepted noise raised the log-likelihood by 43 nats.
 *
 * The round-off is estimated per pivot: the matrix entries carry relative errors of about
 * ε·(D + cancellation) — the subtraction M = Q − S·Sᵀ/n loses `cancellation` (see
 * IMPRECISE_UPDATE), the Cholesky factorisation about D more — and conditionalVarianceRoundOff
 * turns entry errors into the pivot's, which is large when the coordinates before it are nearly
 * dependent (|x| large).
 */
const PIVOT_SIGNIFICANCE = 100;

/**
 * First-order sensitivity of each conditional variance (Cholesky pivot² p_a of the SPD `candidate`,
 * with its factor in `factor`) to relative errors in the matrix's entries: for entry errors
 * |δΣ_bc| ≤ η·√(Σ_bb·Σ_cc), |δp_a| ≤ η·out[a] with out[a] = (√Σ_aa + Σ_{b<a} |x_b|·√Σ_bb)², where
 * x = Σ_{<a}⁻¹·Σ_{<a,a} = L_{<a}⁻ᵀ·l_{a,<a} are the regression coefficients of coordinate a on the
 * coordinates before it (p_a = Σ_aa − Σ_{a,<a}·x, and ∂p_a/∂Σ = v·vᵀ with v = (−x, 1)).
 * `x` is scratch of length ≥ D (its entries b < a are written before they are read).
 */
export function conditionalVarianceRoundOff(candidate: Float64Array, factor: Float64Array, d: number, out: Float64Array, x: Float64Array): Float64Array {
  for (let a = 0; a < d; a++) {
    let sum = Math.sqrt(candidate[a * d + a] as number);
    for (let b = a - 1; b >= 0; b--) {
      let v = factor[a * d + b] as number;
      for (let m = b + 1; m < a; m++) v -= (factor[m * d + b] as number) * (x[m] as number);
      x[b] = v / (factor[b * d + b] as number);
      sum += Math.abs(x[b] as number) * Math.sqrt(candidate[b * d + b] as number);
    }
    out[a] = sum * sum;
  }
  return out;
}

/**
 * Σ_i Σ_k w_ik E[log N(x_i | μ_k, Σ_k)] from the statistics, for any parameters: the weighted
 * scatter about μ_k is rebuilt from the statistics' references (exact, no data needed).
 */
export function gaussianExpectedLogDensity(components: GaussianComponents, raw: GaussianStatistics, layout: ScatterLayout): number {
  const { covarianceType: type, dimension: d, means, covariances } = components;
  const k = componentCountOf(components);
  const dd = d * d;
  const stats = centerStatistics(raw, layout, d, undefined);
  const references = stats.references;
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
    scatterAbout(stats, c, d, delta, scatter);
    if (type === 'tied') {
      for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) tiedScatter[a * d + b] = (tiedScatter[a * d + b] as number) + (scatter[a * d + b] as number);
      continue;
    }
    value += -0.5 * n * d * LOG_TWO_PI + gaussianTerm(components, c, n, scatter, factor);
  }
  if (type === 'tied') {
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
