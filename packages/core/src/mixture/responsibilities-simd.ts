/**
 * The E-step's per-row log-sum-exp and responsibilities as a WebAssembly SIMD kernel (f64x2),
 * written in AssemblyScript in ../../assembly/responsibilities.ts (the formulas and the memory
 * layout are stated there) and compiled by the build (tooling/kernels); this file owns the memory.
 *
 * A mixture's fused pass (mixture-model.ts) spends much of its time here: per row, add the log
 * weights, take the maximum, K exponentials, normalise, weigh, and add the responsibilities to
 * the per-component weight sums. The kernel takes two rows per step — lane 0 one row, lane 1 the
 * next — so every row-wise reduction (maximum, sum) stays inside its lane and any K works without
 * a tail. Its exponential is the same Taylor–Estrin evaluation as `exponential` in
 * exponential.ts, instruction for instruction (WebAssembly does not fuse multiply-adds), so the
 * responsibilities are bit-for-bit those of the TypeScript path; only the order in which the
 * weight sums add up differs.
 *
 * The block of log-densities lives in the kernel's memory: the family writes into a Float64Array
 * view of it and the family's `accumulate` reads the responsibilities from the same view, so no
 * block is ever copied. Each arena (memory + instance) serves one pass at a time; a small pool
 * hands out arenas, so a nested pass (a mixture inside a family) gets its own.
 */
import { negligibleLogRatio } from './exponential.js';
import { wasmBytes, wasmModule } from '../generated/responsibilities.wasm.js';

const PAGE = 65536;

type Kernel = (block: number, rows: number, k: number, logWeights: number, weights: number, maxes: number, sums: number, accumulators: number, shifts: number, threshold: number) => void;

let disabled = false;

/**
 * The kernel module's bytes, kept under 4 KB: Chrome has limited synchronous compilation on the
 * main thread to modules of that size (not every version enforces it; a test checks the size).
 */
export function responsibilitiesModuleBytes(): Uint8Array<ArrayBuffer> {
  return wasmBytes();
}

/** Turns the SIMD kernel off (true) or back on; for tests comparing it with the TypeScript loops. */
export function disableSimdResponsibilities(disable: boolean): void {
  disabled = disable;
}

/**
 * One kernel instance with its memory: the kernel's constants (its data segment, below
 * dataEnd()), then a block of `capacity` rows × K, the log weights, per-row sample weights,
 * maxima and sums, and the weight sums per component.
 */
export class ResponsibilityArena {
  private readonly memory: WebAssembly.Memory;
  private readonly rowMajor: Kernel;
  private readonly componentMajor: Kernel;
  private readonly logLikelihoodKernel: (maxes: number, sums: number, weights: number, pairs: number, out: number) => void;
  /** First byte of the layout: the end of the kernel's data, 16-byte aligned. */
  private readonly base: number;
  /** negligibleLogRatio(K), passed to the kernels. */
  private threshold = 0;
  private integers = new Int32Array(0);
  private byComponent = false;
  private doubles = new Float64Array(0);
  private k = 0;
  private capacity = 0;
  private layout = { block: 0, logWeights: 0, weights: 0, maxes: 0, sums: 0, shifts: 0, accumulators: 0, totals: 0, end: 0 };
  /** The block of log-densities, then of weighted responsibilities (capacity × K, in the prepared layout). */
  block = new Float64Array(0);
  /** Rows of the last normalised block (the length of maxes() and sums()). */
  private rowsInBlock = 0;

  constructor(module: WebAssembly.Module) {
    this.memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.rowMajor = instance.exports['responsibilities'] as Kernel;
    this.componentMajor = instance.exports['responsibilitiesByComponent'] as Kernel;
    this.logLikelihoodKernel = instance.exports['logLikelihood'] as (maxes: number, sums: number, weights: number, pairs: number, out: number) => void;
    this.base = Math.ceil((instance.exports['dataEnd'] as () => number)() / 16) * 16;
  }

  /**
   * Lays the memory out for K components and blocks of up to `capacity` rows, row-major
   * (out[i·K + k]) or component-major (out[k·rows + i], rows those of the block); clears the sums.
   */
  prepare(k: number, capacity: number, logWeights: Float64Array, byComponent = false): void {
    this.byComponent = byComponent;
    if (k !== this.k || capacity > this.capacity) {
      const rows = capacity + 2;
      const block = this.base;
      const logWeightsAt = block + rows * k * 8;
      const weights = logWeightsAt + k * 8 + 16;
      const maxes = weights + rows * 8 + 16;
      const sums = maxes + rows * 8 + 16;
      const shifts = sums + rows * 8 + 16;
      const accumulators = shifts + rows * 8 + 16;
      const align = (offset: number): number => Math.ceil(offset / 16) * 16;
      this.layout = {
        block,
        logWeights: align(logWeightsAt),
        weights: align(weights),
        maxes: align(maxes),
        sums: align(sums),
        shifts: align(shifts),
        accumulators: align(accumulators),
        totals: align(accumulators) + k * 16,
        end: align(accumulators) + k * 16 + 32,
      };
      const pages = Math.ceil(this.layout.end / PAGE);
      const current = this.memory.buffer.byteLength / PAGE;
      if (pages > current) this.memory.grow(pages - current);
      this.k = k;
      this.capacity = capacity;
    }
    // Views are recreated every time: growing (here or by another arena user) detaches old ones.
    this.doubles = new Float64Array(this.memory.buffer);
    this.integers = new Int32Array(this.memory.buffer);
    this.block = new Float64Array(this.memory.buffer, this.layout.block, capacity * k);
    this.threshold = negligibleLogRatio(k);
    this.doubles.set(logWeights, this.layout.logWeights / 8);
    this.doubles.fill(0, this.layout.accumulators / 8, this.layout.end / 8);
    this.rowsInBlock = 0;
  }

  /**
   * Turns the first `rows` rows of `block` (log-densities) into weighted responsibilities
   * w_i·r_ik and adds them to the weight sums. `sampleWeights` (from `offset`) or 1 per row.
   */
  normalize(rows: number, sampleWeights: Float64Array | undefined, offset: number): void {
    const { doubles, layout } = this;
    const weights = layout.weights / 8;
    if (sampleWeights === undefined) doubles.fill(1, weights, weights + rows);
    else doubles.set(sampleWeights.subarray(offset, offset + rows), weights);
    this.rowsInBlock = rows;
    (this.byComponent ? this.componentMajor : this.rowMajor)(layout.block, rows, this.k, layout.logWeights, layout.weights, layout.maxes, layout.sums, layout.accumulators, layout.shifts, this.threshold);
  }

  /**
   * Σ_i w_i·log Σ_k π_k f_k(x_i) over the last normalised block's possible rows, added to the
   * pass's running total (see total()); returns the number of impossible rows with weight > 0 in
   * this block (0 almost always — then maxes() and sums() need not be read at all).
   */
  addLogLikelihood(): number {
    const { doubles, layout } = this;
    const rows = this.rowsInBlock;
    if (rows % 2 === 1) {
      // The partner of an odd last row: weight 0, sum 1, max 0 — adds nothing.
      doubles[layout.weights / 8 + rows] = 0;
      doubles[layout.sums / 8 + rows] = 1;
      doubles[layout.maxes / 8 + rows] = 0;
    }
    const before = this.integers[layout.totals / 4 + 4] as number;
    const beforeHigh = this.integers[layout.totals / 4 + 6] as number;
    this.logLikelihoodKernel(layout.maxes, layout.sums, layout.weights, (rows + 1) >> 1, layout.totals);
    return (this.integers[layout.totals / 4 + 4] as number) - before + ((this.integers[layout.totals / 4 + 6] as number) - beforeHigh);
  }

  /** The running Σ_i w_i·log p(x_i) of addLogLikelihood since prepare. */
  total(): number {
    const base = this.layout.totals / 8;
    return (this.doubles[base] as number) + (this.doubles[base + 1] as number);
  }

  /** Row i's maximum of log weight + log-density over its non-NaN entries (−∞ if there are none); a NaN entry shows in sums() instead. */
  maxes(): Float64Array {
    return this.doubles.subarray(this.layout.maxes / 8, this.layout.maxes / 8 + this.rowsInBlock);
  }

  /** Row i's Σ_k exp(v_ik − max_i) (0 or NaN for an impossible row, whose responsibilities are 0). */
  sums(): Float64Array {
    return this.doubles.subarray(this.layout.sums / 8, this.layout.sums / 8 + this.rowsInBlock);
  }

  /** Adds the accumulated Σ_i w_i r_ik to `weightSums`. */
  addWeightSums(weightSums: Float64Array): void {
    const base = this.layout.accumulators / 8;
    const { doubles } = this;
    if (this.byComponent) for (let j = 0; j < this.k; j++) weightSums[j] = (weightSums[j] as number) + ((doubles[base + 2 * j] as number) + (doubles[base + 2 * j + 1] as number));
    else for (let j = 0; j < this.k; j++) weightSums[j] = (weightSums[j] as number) + (doubles[base + j] as number);
  }
}

const pool: ResponsibilityArena[] = [];

/** An arena for one pass, or undefined where WebAssembly SIMD is unavailable (or disabled). */
export function acquireResponsibilityArena(): ResponsibilityArena | undefined {
  if (disabled) return undefined;
  const module = wasmModule();
  if (module === undefined) return undefined;
  return pool.pop() ?? new ResponsibilityArena(module);
}

/** Returns an arena to the pool. */
export function releaseResponsibilityArena(arena: ResponsibilityArena): void {
  pool.push(arena);
}

