import type { EStepResult, SparseEStep, SparseEStepper, SparseFullEStep } from '../contract.js';
import { InvalidOptionsError, NumericalError } from '../errors.js';
import type { ComponentFamily } from '../family.js';
import { cloneStatistics, type Statistics } from '../statistics/algebra.js';
import { negligibleLogRatio, responsibilityTerm } from './exponential.js';
import type { MixtureData, MixtureParameters, MixtureStatistics } from './mixture-model.js';

/** Rows per block of the full pass (row-major log-densities, K per row). */
const BLOCK_ROWS = 504;

/** What the sparse E-step needs from its mixture (MixtureModel provides it). */
export interface SparseMixtureHost<C, X, FS extends Statistics, Prepared> {
  /** The component family (densities, statistics, optional pair-list kernels). */
  readonly family: ComponentFamily<C, X, FS, Prepared>;
  /** Number of components K. */
  readonly k: number;
  /** Statistics of zero observations. */
  zeroStatistics(params: MixtureParameters<C>): MixtureStatistics<FS>;
  /** The plain E-step: the full pass defers to it for the error of a row without a posterior. */
  eStep(params: MixtureParameters<C>, data: MixtureData<X>): EStepResult<MixtureStatistics<FS>>;
}

/** Checks a sparse threshold: a number in [0, 1). */
export function assertSparseThreshold(threshold: unknown): asserts threshold is number {
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold < 1)) {
    throw new InvalidOptionsError(
      `sparseThreshold must be a number in [0, 1); got ${typeof threshold === 'number' ? String(threshold) : typeof threshold}.`,
      'Pass e.g. { sparseThreshold: 1e-4 }: a component stays active for an observation when its responsibility at the last full E-step is at least this (0 keeps every component active).',
      { option: 'sparseThreshold' },
    );
  }
}

/**
 * Neal–Hinton sparse E-steps of a finite mixture over one chunk of observations.
 *
 * State, in typed arrays reused from step to step (no per-observation allocation):
 * - per observation i, its active set A_i in CSR form (rowStart, pairComponent) and its active
 *   mass a_i = 1 − Σ_{k∉A_i} q_ik, fixed at the last full E-step;
 * - each active pair's row (pairRow), so a family's pair-list kernels compute a density only
 *   for the active pairs, reading the data once and in order (rows ascending: a component-major
 *   order would jump through the data and miss the cache on every pair once it outgrows it).
 *
 * A full E-step computes the posterior everywhere, keeps pairs with q_ik ≥ threshold active and
 * accumulates, besides the plain statistics, the frozen pairs' statistics (the M-step then sees
 * frozen + active, exactly Σ_i Σ_k q_ik T_k(x_i)). A sparse E-step sets, for k ∈ A_i,
 * q_ik = a_i π_k f_k(x_i) / Σ_{j∈A_i} π_j f_j(x_i) — the maximum of the free energy over the
 * active entries with the frozen ones fixed — at the cost of the active pairs only.
 */
export class MixtureSparseEStepper<C, X, FS extends Statistics, Prepared> implements SparseEStepper<MixtureParameters<C>, MixtureStatistics<FS>> {
  private readonly n: number;
  private readonly k: number;
  private readonly rowStart: Int32Array;
  private readonly activeMass: Float64Array;
  private pairComponent: Int32Array;
  /** w_i q_ik of each active pair at the last full E-step (row-major, as pairComponent). */
  private pairWeight: Float64Array;
  /** The observation (row) of each active pair. */
  private pairRow: Int32Array;
  /** Per-pair values: log-densities, then weights w_i q_ik. */
  private values: Float64Array;
  private readonly block: Float64Array;
  private readonly frozenBlock: Float64Array;
  private activePairs = 0;
  /** −Σ_i w_i a_i log a_i, constant between full E-steps. */
  private activeMassEntropy = 0;
  private ready = false;
  private readonly rowKernels: boolean;

  /** State for `data` (typed arrays sized for it); `threshold` ∈ [0, 1) picks the active sets. */
  constructor(
    private readonly host: SparseMixtureHost<C, X, FS, Prepared>,
    private readonly data: MixtureData<X>,
    private readonly threshold: number,
  ) {
    assertSparseThreshold(threshold);
    const family = host.family;
    this.n = family.observationCount(data.observations);
    this.k = host.k;
    this.rowStart = new Int32Array(this.n + 1);
    this.activeMass = new Float64Array(this.n);
    const capacity = Math.min(this.n * this.k, Math.max(1024, 2 * this.n));
    this.pairComponent = new Int32Array(capacity);
    this.pairRow = new Int32Array(capacity);
    this.pairWeight = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    const blockRows = Math.min(BLOCK_ROWS, Math.max(this.n, 1));
    this.block = new Float64Array(blockRows * this.k);
    this.frozenBlock = new Float64Array(blockRows * this.k);
    this.rowKernels = family.logDensitiesAtPairs !== undefined && family.accumulateAtPairs !== undefined;
  }

  /** Full E-step at θ: the posterior everywhere, new active sets, frozen statistics and terms. */
  full(params: MixtureParameters<C>): SparseFullEStep<MixtureStatistics<FS>> {
    const { n, k, block, frozenBlock, threshold } = this;
    const family = this.host.family;
    const x = this.data.observations;
    const sampleWeights = this.data.sampleWeights;
    const prepared = family.prepare(params.components);
    const logWeights = logWeightsOf(params.weights, k);
    const frozenStatistics = this.host.zeroStatistics(params);
    const frozenSums = frozenStatistics.weightSums;
    const negligible = negligibleLogRatio(k);
    let pairs = 0;
    let logLikelihood = 0;
    let frozenEnergy = 0;
    let frozenEntropy = 0;
    let massEntropy = 0;
    // The family's component-major kernels when it has them (the plain E-step's choice): entry
    // (i, j) of a block at base_i + j·step.
    const byComponent = family.logDensitiesByComponent !== undefined && family.accumulateByComponent !== undefined;
    for (let start = 0; start < n; start += BLOCK_ROWS) {
      const end = Math.min(n, start + BLOCK_ROWS);
      const step = byComponent ? end - start : 1;
      if (byComponent) family.logDensitiesByComponent?.(prepared, x, start, end, block);
      else family.logDensities(prepared, x, start, end, block);
      let anyFrozen = false;
      for (let i = start; i < end; i++) {
        const base = byComponent ? i - start : (i - start) * k;
        this.rowStart[i] = pairs;
        const w = sampleWeights === undefined ? 1 : (sampleWeights[i] as number);
        if (w === 0) {
          // A dropped row: no pairs, no mass, nothing to accumulate.
          for (let j = 0; j < k; j++) frozenBlock[base + j * step] = 0;
          this.activeMass[i] = 0;
          continue;
        }
        let max = -Infinity;
        for (let j = 0, at = base; j < k; j++, at += step) {
          const v = (block[at] as number) + (logWeights[j] as number);
          frozenBlock[at] = v; // log π_j f_j(x_i), kept for the frozen energy
          if (v > max) max = v;
        }
        let sum = 0;
        if (max > -Infinity) {
          for (let j = 0, at = base; j < k; j++, at += step) {
            const e = responsibilityTerm((frozenBlock[at] as number) - max, negligible);
            block[at] = e;
            sum += e;
          }
        }
        if (!(max > -Infinity) || sum !== sum) throw this.rowWithoutPosterior(params, i);
        const logSum = max + Math.log(sum);
        logLikelihood += w * logSum;
        if (pairs + k > this.pairComponent.length) this.growPairs(pairs + k);
        let frozenMass = 0;
        let activeSum = 0;
        for (let j = 0, at = base; j < k; j++, at += step) {
          const r = (block[at] as number) / sum;
          const weighted = w * r;
          if (r >= threshold) {
            this.pairWeight[pairs] = weighted;
            this.pairRow[pairs] = i;
            this.pairComponent[pairs++] = j;
            activeSum += r;
            frozenBlock[at] = 0;
            continue;
          }
          const v = frozenBlock[at] as number;
          frozenBlock[at] = weighted;
          if (r > 0) {
            anyFrozen = true;
            frozenMass += r;
            frozenSums[j] = (frozenSums[j] as number) + weighted;
            frozenEnergy += weighted * v;
            frozenEntropy -= weighted * (v - logSum); // log q = log π f − log p(x)
          }
        }
        // 1 − (frozen mass) is exact when little is frozen (exactly 1 when nothing is).
        const active = pairs === this.rowStart[i] ? 0 : frozenMass <= 0.5 ? 1 - frozenMass : activeSum;
        this.activeMass[i] = active;
        if (active > 0) massEntropy -= w * active * Math.log(active);
      }
      if (!anyFrozen) continue;
      if (byComponent) family.accumulateByComponent?.(prepared, frozenStatistics.components, x, start, end, frozenBlock);
      else family.accumulate(prepared, frozenStatistics.components, x, start, end, frozenBlock);
    }
    this.rowStart[n] = pairs;
    this.activePairs = pairs;
    this.activeMassEntropy = massEntropy;
    this.ready = true;
    // The posterior's statistics: the frozen pairs' plus the active pairs', the latter through the
    // same path as a sparse E-step's (exactly Σ_i Σ_k w_i q_ik T_k(x_i), no pair counted twice).
    const statistics = cloneStatistics(frozenStatistics);
    const { values, pairComponent, pairWeight } = this;
    for (let p = 0; p < pairs; p++) {
      const weighted = pairWeight[p] as number;
      values[p] = weighted;
      const j = pairComponent[p] as number;
      statistics.weightSums[j] = (statistics.weightSums[j] as number) + weighted;
    }
    this.accumulateActive(prepared, statistics.components);
    return { statistics, frozenStatistics, logLikelihood, frozenEnergy, frozenEntropy, activePairs: pairs, pairs: n * k };
  }

  /** Sparse E-step at θ: the active pairs only (after at least one `full`). */
  sparse(params: MixtureParameters<C>): SparseEStep<MixtureStatistics<FS>> {
    if (!this.ready) throw new InvalidOptionsError('A sparse E-step needs a full E-step first.', 'Call full(θ) before sparse(θ).');
    const { n, k, values, rowStart, pairComponent, activeMass } = this;
    const family = this.host.family;
    const x = this.data.observations;
    const sampleWeights = this.data.sampleWeights;
    const prepared = family.prepare(params.components);
    const logWeights = logWeightsOf(params.weights, k);
    const statistics = this.host.zeroStatistics(params);
    const weightSums = statistics.weightSums;
    const negligible = negligibleLogRatio(k);
    if (this.rowKernels) {
      family.logDensitiesAtPairs?.(prepared, x, this.pairRow, pairComponent, 0, this.activePairs, values);
    } else {
      this.gatherDensities(prepared);
    }
    let freeEnergy = this.activeMassEntropy;
    for (let i = 0; i < n; i++) {
      const from = rowStart[i] as number;
      const to = rowStart[i + 1] as number;
      if (from === to) continue;
      const w = sampleWeights === undefined ? 1 : (sampleWeights[i] as number);
      const a = activeMass[i] as number;
      if (w === 0 || a === 0) {
        values.fill(0, from, to);
        continue;
      }
      if (to === from + 1) {
        // One active component: q = a_i, and log Σ_A π f = its own term.
        const slot = from;
        const j = pairComponent[from] as number;
        const v = (values[slot] as number) + (logWeights[j] as number);
        if (!(v > -Infinity) || v === Infinity) throw activeRowWithoutPosterior(i);
        freeEnergy += w * a * v;
        values[slot] = w * a;
        weightSums[j] = (weightSums[j] as number) + w * a;
        continue;
      }
      let max = -Infinity;
      for (let p = from; p < to; p++) {
        const slot = p;
        const v = (values[slot] as number) + (logWeights[pairComponent[p] as number] as number);
        values[slot] = v;
        if (v > max) max = v;
      }
      let sum = 0;
      if (max > -Infinity) {
        for (let p = from; p < to; p++) {
          const slot = p;
          const e = responsibilityTerm((values[slot] as number) - max, negligible);
          values[slot] = e;
          sum += e;
        }
      }
      if (!(max > -Infinity) || sum !== sum) throw activeRowWithoutPosterior(i);
      freeEnergy += w * a * (max + Math.log(sum));
      const scale = (w * a) / sum;
      for (let p = from; p < to; p++) {
        const slot = p;
        const r = (values[slot] as number) * scale;
        values[slot] = r;
        const j = pairComponent[p] as number;
        weightSums[j] = (weightSums[j] as number) + r;
      }
    }
    this.accumulateActive(prepared, statistics.components);
    return { statistics, activeFreeEnergy: freeEnergy, activePairs: this.activePairs, pairs: n * k };
  }

  /** stats += the active pairs' statistics with the weights in `values` (component-major). */
  private accumulateActive(prepared: Prepared, stats: FS): void {
    if (!this.rowKernels) {
      this.scatterWeights(prepared, stats);
      return;
    }
    this.host.family.accumulateAtPairs?.(prepared, stats, this.data.observations, this.pairRow, this.pairComponent, 0, this.activePairs, this.values);
  }

  /** Without pair-list kernels: every component's density per block, the active pairs' picked out. */
  private gatherDensities(prepared: Prepared): void {
    const { n, k, block, values, rowStart, pairComponent } = this;
    const family = this.host.family;
    for (let start = 0; start < n; start += BLOCK_ROWS) {
      const end = Math.min(n, start + BLOCK_ROWS);
      if (rowStart[end] === rowStart[start]) continue;
      family.logDensities(prepared, this.data.observations, start, end, block);
      for (let i = start, base = 0; i < end; i++, base += k) {
        for (let p = rowStart[i] as number; p < (rowStart[i + 1] as number); p++) values[p] = block[base + (pairComponent[p] as number)] as number;
      }
    }
  }

  /** Without pair-list kernels: the active weights as row-major blocks (zeros elsewhere) through `accumulate`. */
  private scatterWeights(prepared: Prepared, stats: FS): void {
    const { n, k, block, values, rowStart, pairComponent } = this;
    const family = this.host.family;
    for (let start = 0; start < n; start += BLOCK_ROWS) {
      const end = Math.min(n, start + BLOCK_ROWS);
      if (rowStart[end] === rowStart[start]) continue;
      block.fill(0, 0, (end - start) * k);
      for (let i = start, base = 0; i < end; i++, base += k) {
        for (let p = rowStart[i] as number; p < (rowStart[i + 1] as number); p++) block[base + (pairComponent[p] as number)] = values[p] as number;
      }
      family.accumulate(prepared, stats, this.data.observations, start, end, block);
    }
  }

  /** Room for at least `needed` pairs (doubling, at most n·K). */
  private growPairs(needed: number): void {
    const capacity = Math.min(this.n * this.k, Math.max(needed, 2 * this.pairComponent.length));
    const grown = new Int32Array(capacity);
    grown.set(this.pairComponent);
    this.pairComponent = grown;
    const weights = new Float64Array(capacity);
    weights.set(this.pairWeight);
    this.pairWeight = weights;
    const rows = new Int32Array(capacity);
    rows.set(this.pairRow);
    this.pairRow = rows;
    this.values = new Float64Array(capacity);
  }

  /** The plain E-step names a row without a posterior exactly as a full fit would; this defers to it. */
  private rowWithoutPosterior(params: MixtureParameters<C>, row: number): Error {
    try {
      this.host.eStep(params, this.data);
    } catch (error) {
      return error as Error;
    }
    return new NumericalError(`Observation ${row}: its posterior probabilities cannot be computed.`, 'Rescale the data and check that the parameters are finite.', { row });
  }
}

function logWeightsOf(weights: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k);
  for (let j = 0; j < k; j++) out[j] = Math.log(weights[j] as number);
  return out;
}

function activeRowWithoutPosterior(row: number): NumericalError {
  return new NumericalError(
    `Observation ${row}: its log-density is −∞ or NaN under every component active for it in the sparse E-step, so its responsibilities cannot be updated.`,
    "Run a full E-step more often (a smaller fullEStepEvery), lower sparseThreshold, or use estep 'full'; if the data are far from every component, rescale them.",
    { row },
  );
}
