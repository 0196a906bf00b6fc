import type { GaussianStatistics } from '../gaussian-statistics.js';
import type { PreparedGaussian } from '../prepared-gaussian.js';

/** A kernel pair's signature: out and weights row-major, or component-major with `byComponent` (see ComponentFamily). */
export type LogDensityKernel = (p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array, byComponent: boolean) => void;
export type AccumulateKernel = (p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array, byComponent: boolean) => void;
/** Kernels that only read and write row-major blocks. */
export type RowMajorLogDensityKernel = (p: PreparedGaussian, x: Float64Array, start: number, end: number, out: Float64Array) => void;
export type RowMajorAccumulateKernel = (p: PreparedGaussian, stats: GaussianStatistics, x: Float64Array, start: number, end: number, weights: Float64Array) => void;

/** A block-sized buffer for the transposes below (one per thread; the kernels do not nest). */
let transposeBuffer = new Float64Array(0);

function bufferOf(length: number): Float64Array {
  if (transposeBuffer.length < length) transposeBuffer = new Float64Array(length);
  return transposeBuffer;
}

/** A row-major-only density kernel in either layout (component-major through a transposed copy). */
export function logDensitiesThroughRows(kernel: RowMajorLogDensityKernel): LogDensityKernel {
  return (p, x, start, end, out, byComponent) => {
    if (!byComponent) {
      kernel(p, x, start, end, out);
      return;
    }
    const rows = end - start;
    const k = p.k;
    const buffer = bufferOf(rows * k);
    kernel(p, x, start, end, buffer);
    for (let c = 0; c < k; c++) for (let i = 0, o = c * rows; i < rows; i++) out[o + i] = buffer[i * k + c] as number;
  };
}

/** A row-major-only statistics kernel in either layout (component-major weights transposed first). */
export function accumulateThroughRows(kernel: RowMajorAccumulateKernel): AccumulateKernel {
  return (p, stats, x, start, end, weights, byComponent) => {
    if (!byComponent) {
      kernel(p, stats, x, start, end, weights);
      return;
    }
    const rows = end - start;
    const k = p.k;
    const buffer = bufferOf(rows * k);
    for (let c = 0; c < k; c++) for (let i = 0, o = c * rows; i < rows; i++) buffer[i * k + c] = weights[o + i] as number;
    kernel(p, stats, x, start, end, buffer);
  };
}
