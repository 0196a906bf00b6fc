import { checkAllocation, DEFAULT_MEMORY_BUDGET, float64Bytes, InvalidDataError } from '@em/core';
import { symmetricEigen } from './constrained/small-eigen.js';

/**
 * Model-based agglomerative hierarchical clustering with the unconstrained (VVV) Gaussian
 * criterion, as mclust's default initialisation does it (Banfield & Raftery 1993; Fraley 1998).
 *
 * Starting from singletons, each step merges the two clusters whose union increases the
 * classification criterion Σ_k t(n_k, W_k) least, W_k the scatter matrix of cluster k. With only
 * n_k log|W_k/n_k| every cluster of at most D points would have a zero determinant, so (Fraley 1998)
 * the determinant is softened by the trace:
 *   t(1, ·) = ln(αβ);  t(n, W) = n·ln(β(tr W + α)/n) for n ≤ D;
 *   t(n, W) = n·ln(|W/n| + β(tr W + α)/n) otherwise (n·ln(αβ/n) when tr W = 0),
 * with β = 1 and α = tr W_all / (nD) (the whole data's scatter trace per entry), mclust's defaults.
 * The cost of merging i and j is t(n_i + n_j, W_ij) − t(n_i, W_i) − t(n_j, W_j), with
 * W_ij = W_i + W_j + (n_i n_j / n_ij)(m_i − m_j)(m_i − m_j)ᵀ.
 *
 * The data are first transformed as mclust's default `hcUse = "SVD"`: columns centred and scaled to
 * unit standard deviation (n − 1 denominator), then projected on the right singular vectors and
 * each direction divided by the square root of its singular value.
 *
 * Clusters live in slots 0..g−1; merging slots a < b puts the union in a and moves the last slot
 * into b. The pair with the least cost wins; among equal costs the pair later in the order
 * (b, then a, increasing) wins. That is mclust's order too, so exact ties (duplicate rows, or
 * data on a grid) break the same way.
 *
 * Cost: the n(n−1)/2 pairwise costs are kept (checked against the memory budget), and each pair's
 * cost takes a D×D Cholesky factorisation: O(n² D³) time at the start, O(n D³) per merge after.
 */
export interface HierarchicalTree {
  readonly rows: number;
  /**
   * The merges in order, two representative rows each: merge s joined the cluster holding row
   * merges[2s] with the one holding row merges[2s + 1].
   */
  readonly merges: Int32Array;
}

/** Options of hierarchicalClustering. */
export interface HierarchicalClusteringOptions {
  /** Bytes the n(n−1)/2 pairwise costs may take (default DEFAULT_MEMORY_BUDGET). */
  readonly memoryBudget?: number;
}

/** mclust's softening constants: β = 1, α = 1 × (scatter trace of the transformed data)/(nD). */
const BETA = 1;

/** The row-major n × d data, transformed as mclust's `hcUse = "SVD"` (see above); returns the new width. */
export function svdTransform(data: Float64Array, n: number, d: number): { readonly data: Float64Array; readonly cols: number } {
  // Centre and scale; columns without spread (R's scale gives NaN there) are dropped, as mclust does.
  const kept: number[] = [];
  const means = new Float64Array(d);
  const scales = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * d + j] as number;
    mean /= n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += ((data[i * d + j] as number) - mean) ** 2;
    const sd = Math.sqrt(squares / (n - 1));
    means[j] = mean;
    scales[j] = sd;
    if (sd > 0 && Number.isFinite(sd)) kept.push(j);
  }
  const p = kept.length;
  const scaled = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < p; c++) {
      const j = kept[c] as number;
      scaled[i * p + c] = ((data[i * d + j] as number) - (means[j] as number)) / (scales[j] as number);
    }
  }
  // Right singular vectors and values of the scaled data from the eigen-decomposition of its Gram
  // matrix: ZᵀZ = V S² Vᵀ. (The criterion depends on V only up to sign and rotation within equal S.)
  const gram = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    const row = i * p;
    for (let a = 0; a < p; a++) {
      const za = scaled[row + a] as number;
      for (let b = a; b < p; b++) gram[a * p + b] = (gram[a * p + b] as number) + za * (scaled[row + b] as number);
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) gram[a * p + b] = gram[b * p + a] as number;
  const { values, vectors } = symmetricEigen(gram, p);
  const largest = Math.max(values[0] ?? 0, 0);
  // min(n, p) directions as mclust; directions without spread (singular value ~0) carry no data.
  let cols = 0;
  while (cols < Math.min(n, p) && (values[cols] as number) > largest * 1e-14 * p) cols++;
  const weights = new Float64Array(cols);
  for (let c = 0; c < cols; c++) weights[c] = 1 / Math.sqrt(Math.sqrt(values[c] as number));
  const out = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < cols; c++) {
      let value = 0;
      for (let a = 0; a < p; a++) value += (scaled[i * p + a] as number) * (vectors[a * p + c] as number);
      out[i * cols + c] = value * (weights[c] as number);
    }
  }
  return { data: out, cols };
}

/** The merge tree of the row-major n × d `data` (already transformed, or not). */
export function hierarchicalClustering(data: Float64Array, n: number, d: number, options: HierarchicalClusteringOptions = {}): HierarchicalTree {
  if (n < 1) throw new InvalidDataError('hierarchical clustering needs at least one row.', 'Pass non-empty data.', { rows: n });
  for (let i = 0; i < n * d; i++) {
    if (!Number.isFinite(data[i] as number)) {
      throw new InvalidDataError(
        `hierarchical clustering found a non-finite value at row ${Math.floor(i / d)}, column ${i % d}.`,
        "Remove or impute missing values first, or use init: 'kmeans'.",
        { row: Math.floor(i / d), column: i % d },
      );
    }
  }
  const pairs = (n * (n - 1)) / 2;
  checkAllocation(
    float64Bytes(pairs) + float64Bytes(n, d * d + d + 4),
    options.memoryBudget ?? DEFAULT_MEMORY_BUDGET,
    `hierarchical clustering of ${n} rows (its ${pairs} pairwise merge costs)`,
    "Use init: 'kmeans' (--init-method kmeans), which needs memory linear in the rows, or cluster a subsample",
  );
  return new Agglomeration(data, n, d).run();
}

/** Labels 0..k−1 of the n rows after the tree's first n − k merges, numbered by first appearance. */
export function cutTree(tree: HierarchicalTree, k: number): Int32Array {
  const n = tree.rows;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    let root = i;
    while ((parent[root] as number) !== root) root = parent[root] as number;
    while ((parent[i] as number) !== root) {
      const next = parent[i] as number;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  const steps = Math.max(0, Math.min(n - k, tree.merges.length / 2));
  for (let s = 0; s < steps; s++) {
    const a = find(tree.merges[2 * s] as number);
    const b = find(tree.merges[2 * s + 1] as number);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  const labelOfRoot = new Int32Array(n).fill(-1);
  const labels = new Int32Array(n);
  let next = 0;
  for (let i = 0; i < n; i++) {
    const root = find(i);
    if ((labelOfRoot[root] as number) < 0) labelOfRoot[root] = next++;
    labels[i] = labelOfRoot[root] as number;
  }
  return labels;
}

/** The state of one agglomeration: per slot a cluster's size, mean, scatter, trace and term. */
class Agglomeration {
  private readonly sizes: Float64Array;
  private readonly means: Float64Array;
  private readonly scatters: Float64Array;
  private readonly traces: Float64Array;
  private readonly terms: Float64Array;
  /** A row of each slot's cluster, to report merges. */
  private readonly representatives: Int32Array;
  /** Cost of merging slots a < b at b(b−1)/2 + a. */
  private readonly costs: Float64Array;
  /** Per slot b ≥ 1: the least cost in its row (pairs a < b) and the a that has it (the largest a among ties). */
  private readonly rowMinimum: Float64Array;
  private readonly rowArgument: Int32Array;
  private readonly alpha: number;
  private readonly logAlphaBeta: number;
  // Scratch for one candidate merge.
  private readonly merged: Float64Array;
  private readonly difference: Float64Array;
  private readonly factor: Float64Array;
  private mergedTrace = 0;

  constructor(
    data: Float64Array,
    private readonly n: number,
    private readonly d: number,
  ) {
    const dd = d * d;
    this.sizes = new Float64Array(n).fill(1);
    this.means = Float64Array.from(data.subarray(0, n * d));
    this.scatters = new Float64Array(n * dd);
    this.traces = new Float64Array(n);
    this.representatives = new Int32Array(n);
    for (let i = 0; i < n; i++) this.representatives[i] = i;
    // α = tr(W_all)/(n d): the scatter trace of data/√(nd), as mclust scales it; never below ε.
    let trace = 0;
    for (let j = 0; j < d; j++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += data[i * d + j] as number;
      mean /= n;
      for (let i = 0; i < n; i++) trace += ((data[i * d + j] as number) - mean) ** 2;
    }
    this.alpha = Math.max(trace / (n * Math.max(d, 1)), Number.EPSILON);
    this.logAlphaBeta = Math.log(this.alpha * BETA);
    this.terms = new Float64Array(n).fill(this.logAlphaBeta);
    this.costs = new Float64Array((n * (n - 1)) / 2);
    this.rowMinimum = new Float64Array(n);
    this.rowArgument = new Int32Array(n);
    this.merged = new Float64Array(dd);
    this.difference = new Float64Array(d);
    this.factor = new Float64Array(dd);
  }

  run(): HierarchicalTree {
    const n = this.n;
    const merges = new Int32Array(2 * Math.max(n - 1, 0));
    for (let b = 1; b < n; b++) {
      for (let a = 0; a < b; a++) this.costs[(b * (b - 1)) / 2 + a] = this.mergeCost(a, b);
      this.rescanRow(b);
    }
    let slots = n;
    for (let step = 0; step < n - 1; step++) {
      // The least cost; ties go to the later pair in (b, a) order, as the row minima keep the largest a.
      let best = 1;
      for (let b = 2; b < slots; b++) if ((this.rowMinimum[b] as number) <= (this.rowMinimum[best] as number)) best = b;
      const b = best;
      const a = this.rowArgument[b] as number;
      merges[2 * step] = this.representatives[a] as number;
      merges[2 * step + 1] = this.representatives[b] as number;
      this.storeMerged(a, b);
      const last = slots - 1;
      if (b !== last) this.moveSlot(last, b);
      slots--;
      this.refreshAfterMerge(a, b, slots);
    }
    return { rows: n, merges };
  }

  /** t(n, W) for a cluster of `size` rows with scatter `scatter` (at `offset`) and trace `trace`. */
  private term(size: number, scatter: Float64Array, offset: number, trace: number, fromTwoSingletons: boolean): number {
    const d = this.d;
    if (size <= 1) return this.logAlphaBeta;
    const softening = (BETA * (trace + this.alpha)) / size;
    if (size <= d || fromTwoSingletons) return size * Math.log(softening);
    if (trace === 0) return size * Math.log((this.alpha * BETA) / size);
    const logDeterminant = logDeterminantOfScaled(scatter, offset, d, 1 / size, this.factor);
    if (logDeterminant === Number.NEGATIVE_INFINITY) return size * Math.log(softening);
    // ln(e^ld + s), kept finite for large or small ld.
    const value = logDeterminant <= 0 ? Math.log(Math.exp(logDeterminant) + softening) : Math.log1p(Math.exp(-logDeterminant) * softening) + logDeterminant;
    return size * value;
  }

  /**
   * Cost of merging slots a and b; leaves the union's trace in `mergedTrace` (and its scatter in
   * `merged` when the term needs a determinant).
   */
  private mergeCost(a: number, b: number): number {
    const d = this.d;
    const na = this.sizes[a] as number;
    const nb = this.sizes[b] as number;
    const size = na + nb;
    const factor = (na * nb) / size;
    let distance = 0;
    for (let j = 0; j < d; j++) {
      const delta = (this.means[a * d + j] as number) - (this.means[b * d + j] as number);
      this.difference[j] = delta;
      distance += delta * delta;
    }
    const trace = (this.traces[a] as number) + (this.traces[b] as number) + factor * distance;
    this.mergedTrace = trace;
    const twoSingletons = na === 1 && nb === 1;
    // Small unions (most pairs at the start are two singletons) need only the trace.
    if (size > d && !twoSingletons && trace !== 0) this.buildMergedScatter(a, b, factor);
    const union = this.term(size, this.merged, 0, trace, twoSingletons);
    return union - (this.terms[a] as number) - (this.terms[b] as number);
  }

  /** `merged` = W_a + W_b + factor·δδᵀ, δ = m_a − m_b already in `difference`. */
  private buildMergedScatter(a: number, b: number, factor: number): void {
    const d = this.d;
    const dd = d * d;
    const merged = this.merged;
    for (let r = 0; r < d; r++) {
      const dr = factor * (this.difference[r] as number);
      for (let c = 0; c < d; c++) merged[r * d + c] = (this.scatters[a * dd + r * d + c] as number) + (this.scatters[b * dd + r * d + c] as number) + dr * (this.difference[c] as number);
    }
  }

  /** Puts the union of a and b in slot a. */
  private storeMerged(a: number, b: number): void {
    const d = this.d;
    const na = this.sizes[a] as number;
    const nb = this.sizes[b] as number;
    const size = na + nb;
    this.mergeCost(a, b);
    this.buildMergedScatter(a, b, (na * nb) / size);
    for (let j = 0; j < d; j++) this.means[a * d + j] = ((this.means[a * d + j] as number) * na + (this.means[b * d + j] as number) * nb) / size;
    this.scatters.set(this.merged, a * d * d);
    this.traces[a] = this.mergedTrace;
    this.sizes[a] = size;
    this.terms[a] = this.term(size, this.merged, 0, this.mergedTrace, na === 1 && nb === 1);
  }

  /** Moves the cluster in slot `from` (the last) into slot `to` < from, with its pair costs. */
  private moveSlot(from: number, to: number): void {
    const d = this.d;
    this.means.copyWithin(to * d, from * d, (from + 1) * d);
    this.scatters.copyWithin(to * d * d, from * d * d, (from + 1) * d * d);
    this.sizes[to] = this.sizes[from] as number;
    this.traces[to] = this.traces[from] as number;
    this.terms[to] = this.terms[from] as number;
    this.representatives[to] = this.representatives[from] as number;
    const costs = this.costs;
    const base = (from * (from - 1)) / 2;
    for (let k = 0; k < from; k++) {
      if (k === to) continue;
      const value = costs[base + k] as number;
      if (k < to) costs[(to * (to - 1)) / 2 + k] = value;
      else costs[(k * (k - 1)) / 2 + to] = value;
    }
  }

  /** After merging a < b into a (and the old last slot moved to b), with `slots` slots left. */
  private refreshAfterMerge(a: number, b: number, slots: number): void {
    const costs = this.costs;
    for (let k = 0; k < slots; k++) {
      if (k === a) continue;
      const value = k < a ? this.mergeCost(k, a) : this.mergeCost(a, k);
      if (k < a) costs[(a * (a - 1)) / 2 + k] = value;
      else costs[(k * (k - 1)) / 2 + a] = value;
    }
    if (a >= 1) this.rescanRow(a);
    if (b < slots && b >= 1) this.rescanRow(b);
    for (let k = a + 1; k < slots; k++) {
      if (k === b) continue;
      const argument = this.rowArgument[k] as number;
      // Entries (a, k) and (b, k) changed; others did not.
      if (argument === a || argument === b) {
        this.rescanRow(k);
        continue;
      }
      this.offer(k, a);
      if (b < k) this.offer(k, b);
    }
  }

  /** Row k's minimum given that entry (i, k) may have become smaller. */
  private offer(k: number, i: number): void {
    const value = this.costs[(k * (k - 1)) / 2 + i] as number;
    const minimum = this.rowMinimum[k] as number;
    if (value < minimum || (value === minimum && i > (this.rowArgument[k] as number))) {
      this.rowMinimum[k] = value;
      this.rowArgument[k] = i;
    }
  }

  private rescanRow(k: number): void {
    const base = (k * (k - 1)) / 2;
    let minimum = Number.POSITIVE_INFINITY;
    let argument = 0;
    for (let i = 0; i < k; i++) {
      const value = this.costs[base + i] as number;
      if (value <= minimum) {
        minimum = value;
        argument = i;
      }
    }
    this.rowMinimum[k] = minimum;
    this.rowArgument[k] = argument;
  }
}

/**
 * ln|scale·S| for the symmetric D×D `matrix` at `offset` by Cholesky (into the scratch `a`);
 * −∞ when a pivot is not positive (a singular scatter).
 */
function logDeterminantOfScaled(matrix: Float64Array, offset: number, d: number, scale: number, a: Float64Array): number {
  for (let i = 0; i < d * d; i++) a[i] = (matrix[offset + i] as number) * scale;
  let total = 0;
  for (let j = 0; j < d; j++) {
    let pivot = a[j * d + j] as number;
    for (let k = 0; k < j; k++) pivot -= (a[j * d + k] as number) ** 2;
    if (!(pivot > 0)) return Number.NEGATIVE_INFINITY;
    const root = Math.sqrt(pivot);
    a[j * d + j] = root;
    total += Math.log(root);
    for (let i = j + 1; i < d; i++) {
      let value = a[i * d + j] as number;
      for (let k = 0; k < j; k++) value -= (a[i * d + k] as number) * (a[j * d + k] as number);
      a[i * d + j] = value / root;
    }
  }
  return 2 * total;
}

/** The last tree built, with a copy of its data: every cell of a selection grid reuses it. */
let lastTree: { readonly data: Float64Array; readonly rows: number; readonly cols: number; readonly tree: HierarchicalTree } | undefined;

/**
 * mclust's default start: the VVV tree of the SVD-transformed row-major n × d data (built once for
 * the same data and reused), cut at k clusters. Labels 0..k−1.
 */
export function hierarchicalClassification(data: Float64Array, n: number, d: number, k: number, options: HierarchicalClusteringOptions = {}): Int32Array {
  return cutTree(hierarchicalTreeOf(data, n, d, options), k);
}

/** The (cached) VVV tree of the SVD-transformed data. */
export function hierarchicalTreeOf(data: Float64Array, n: number, d: number, options: HierarchicalClusteringOptions = {}): HierarchicalTree {
  const cached = lastTree;
  if (cached !== undefined && cached.rows === n && cached.cols === d && sameValues(cached.data, data, n * d)) return cached.tree;
  const transformed = svdTransform(data, n, d);
  const tree = hierarchicalClustering(transformed.data, n, transformed.cols, options);
  lastTree = { data: Float64Array.from(data.subarray(0, n * d)), rows: n, cols: d, tree };
  return tree;
}

function sameValues(a: Float64Array, b: Float64Array, length: number): boolean {
  if (a === b) return true;
  for (let i = 0; i < length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
