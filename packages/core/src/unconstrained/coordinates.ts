import { InvalidParametersError } from '../errors.js';

/**
 * Building blocks of ParameterMap implementations: a writer that appends the unconstrained
 * coordinates of constrained values, and a reader that maps them back, block by block in the same
 * order. Each block is one transformation:
 * - `raw`: unconstrained already (means);
 * - `log` / `exp`: positive values (variances, rates);
 * - `logit` / `logistic`: probabilities in (0, 1) (Bernoulli);
 * - `simplex`: a probability vector through its centred log-ratio, log p_j − mean_i log p_i over the
 *   non-zero entries (the inverse is the softmax). Entries that are exactly 0 in the template are
 *   structural zeros: their coordinate is 0 and they stay 0 (EM cannot revive them either);
 * - `logCholesky`: a symmetric positive definite matrix Σ = L·Lᵀ through L's strict lower triangle
 *   and the logarithms of its diagonal.
 * Entries that are exactly 0 or 1 in a template of `logit` stay where they are, for the same reason.
 */
export class CoordinateWriter {
  private readonly values: number[] = [];

  raw(values: ArrayLike<number>, offset = 0, length = values.length - offset): this {
    for (let i = 0; i < length; i++) this.values.push(values[offset + i] as number);
    return this;
  }

  /** Positive values through their logarithms; an exact 0 (a structural zero rate) takes coordinate 0 (see CoordinateReader.exp). */
  log(values: ArrayLike<number>, offset = 0, length = values.length - offset): this {
    for (let i = 0; i < length; i++) {
      const value = values[offset + i] as number;
      this.values.push(value > 0 ? Math.log(value) : 0);
    }
    return this;
  }

  logit(values: ArrayLike<number>, offset = 0, length = values.length - offset): this {
    for (let i = 0; i < length; i++) {
      const p = values[offset + i] as number;
      this.values.push(p > 0 && p < 1 ? Math.log(p) - Math.log1p(-p) : 0);
    }
    return this;
  }

  simplex(values: ArrayLike<number>, offset = 0, length = values.length - offset): this {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < length; i++) {
      const p = values[offset + i] as number;
      if (p > 0) {
        sum += Math.log(p);
        count++;
      }
    }
    const centre = count > 0 ? sum / count : 0;
    for (let i = 0; i < length; i++) {
      const p = values[offset + i] as number;
      this.values.push(p > 0 ? Math.log(p) - centre : 0);
    }
    return this;
  }

  /** The n×n row-major SPD matrix at `offset` (only its lower triangle is read). */
  logCholesky(matrix: ArrayLike<number>, n: number, offset = 0): this {
    const factor = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = matrix[offset + i * n + j] as number;
        for (let m = 0; m < j; m++) sum -= (factor[i * n + m] as number) * (factor[j * n + m] as number);
        if (i === j) {
          if (!(sum > 0)) {
            throw new InvalidParametersError(
              `A covariance matrix is not positive definite (pivot ${i} is ${sum}).`,
              'Give symmetric positive definite covariances (add regularisation, e.g. a larger regCovar).',
              { parameter: 'covariances' },
            );
          }
          factor[i * n + i] = Math.sqrt(sum);
        } else factor[i * n + j] = sum / (factor[j * n + j] as number);
      }
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) this.values.push(factor[i * n + j] as number);
      this.values.push(Math.log(factor[i * n + i] as number));
    }
    return this;
  }

  result(): Float64Array {
    return Float64Array.from(this.values);
  }
}

/** Smallest probability an extrapolated non-zero entry is given, so that it never becomes a structural zero by underflow. */
const PROBABILITY_FLOOR = 1e-300;
/** Largest probability below 1 (1 − 2⁻⁵³). */
const PROBABILITY_CEILING = 1 - 2 ** -53;

function outside(what: string): InvalidParametersError {
  return new InvalidParametersError(
    `The unconstrained parameter vector maps to ${what} outside what doubles represent.`,
    'This point is outside the parameter space; an accelerated fit falls back to the plain EM step here.',
  );
}

/** Reads coordinates written by CoordinateWriter, in the same block order. */
export class CoordinateReader {
  offset = 0;

  constructor(readonly vector: Float64Array) {}

  private next(): number {
    if (this.offset >= this.vector.length) {
      throw new InvalidParametersError(
        `The unconstrained parameter vector is too short (${this.vector.length} coordinates).`,
        'Pass a vector made by toUnconstrained for parameters of the same shape.',
      );
    }
    return this.vector[this.offset++] as number;
  }

  /** What is left of the vector (for a nested map that reads the rest). */
  rest(): Float64Array {
    const rest = this.vector.subarray(this.offset);
    this.offset = this.vector.length;
    return rest;
  }

  /** Throws unless every coordinate was read. */
  finish(): void {
    if (this.offset !== this.vector.length) {
      throw new InvalidParametersError(
        `The unconstrained parameter vector has ${this.vector.length} coordinates; these parameters use ${this.offset}.`,
        'Pass a vector made by toUnconstrained for parameters of the same shape.',
      );
    }
  }

  raw(out: Float64Array, offset = 0, length = out.length - offset): Float64Array {
    for (let i = 0; i < length; i++) {
      const value = this.next();
      if (!Number.isFinite(value)) throw outside('a non-finite value');
      out[offset + i] = value;
    }
    return out;
  }

  /** Inverse of `log`; with a template, its exact zeros stay 0. */
  exp(out: Float64Array, offset = 0, length = out.length - offset, template?: ArrayLike<number>): Float64Array {
    for (let i = 0; i < length; i++) {
      if (template !== undefined && template[offset + i] === 0) {
        this.next();
        out[offset + i] = 0;
        continue;
      }
      const value = Math.exp(this.next());
      if (!(value > 0) || !Number.isFinite(value)) throw outside('a positive value (variance or rate)');
      out[offset + i] = value;
    }
    return out;
  }

  logistic(template: ArrayLike<number>, out: Float64Array, offset = 0, length = out.length - offset): Float64Array {
    for (let i = 0; i < length; i++) {
      const x = this.next();
      const p = template[offset + i] as number;
      if (Number.isNaN(x)) throw outside('a probability');
      out[offset + i] = p > 0 && p < 1 ? Math.min(PROBABILITY_CEILING, Math.max(PROBABILITY_FLOOR, 1 / (1 + Math.exp(-x)))) : p;
    }
    return out;
  }

  simplex(template: ArrayLike<number>, out: Float64Array, offset = 0, length = out.length - offset): Float64Array {
    const start = this.offset;
    let max = -Infinity;
    for (let i = 0; i < length; i++) {
      const x = this.next();
      if (Number.isNaN(x) || x === Infinity) throw outside('a probability vector');
      if ((template[offset + i] as number) > 0 && x > max) max = x;
    }
    let sum = 0;
    for (let i = 0; i < length; i++) {
      const value = (template[offset + i] as number) > 0 ? Math.exp((this.vector[start + i] as number) - max) : 0;
      out[offset + i] = value;
      sum += value;
    }
    if (!(sum > 0)) {
      for (let i = 0; i < length; i++) out[offset + i] = template[offset + i] as number;
      return out;
    }
    // The floor keeps a non-zero entry from underflowing into a structural zero.
    for (let i = 0; i < length; i++) {
      if ((template[offset + i] as number) > 0) out[offset + i] = Math.max(PROBABILITY_FLOOR, (out[offset + i] as number) / sum);
    }
    return out;
  }

  /** Writes Σ = L·Lᵀ (both triangles) at `offset` of `out`. */
  logCholesky(n: number, out: Float64Array, offset = 0): Float64Array {
    const factor = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) factor[i * n + j] = this.next();
      factor[i * n + i] = Math.exp(this.next());
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = 0;
        for (let m = 0; m <= j; m++) sum += (factor[i * n + m] as number) * (factor[j * n + m] as number);
        if (!Number.isFinite(sum)) throw outside('a covariance matrix');
        out[offset + i * n + j] = sum;
        out[offset + j * n + i] = sum;
      }
      if (!((out[offset + i * n + i] as number) > 0)) throw outside('a covariance matrix');
    }
    return out;
  }
}
