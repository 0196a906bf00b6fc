import fc from 'fast-check';

/** Options of `simplexArbitrary` and `stochasticMatrixArbitrary`. */
export interface SimplexOptions {
  /** Smallest entry (default 1e-3; must be < 1/k). Keeps log-probabilities finite. */
  readonly minimum?: number;
}

function checkMinimum(minimum: number, k: number): void {
  if (!(minimum >= 0) || minimum * k >= 1) throw new RangeError(`minimum must be in [0, 1/${k}); got ${minimum}.`);
}

/** Normalises positive raw values into a probability vector with entries ≥ minimum. */
function toSimplex(raw: readonly number[], minimum: number, out: Float64Array, offset: number): void {
  let total = 0;
  for (const value of raw) total += value;
  const free = 1 - raw.length * minimum;
  for (let i = 0; i < raw.length; i++) out[offset + i] = minimum + (free * (raw[i] as number)) / total;
}

/** A probability vector of length k (Float64Array, entries ≥ minimum, sum 1 up to round-off). */
export function simplexArbitrary(k: number, options: SimplexOptions = {}): fc.Arbitrary<Float64Array> {
  const minimum = options.minimum ?? 1e-3;
  checkMinimum(minimum, k);
  return fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: k, maxLength: k }).map((raw) => {
    const out = new Float64Array(k);
    toSimplex(raw, minimum, out, 0);
    return out;
  });
}

/** A rows×cols row-stochastic matrix (row-major Float64Array; each row a probability vector). */
export function stochasticMatrixArbitrary(rows: number, cols: number, options: SimplexOptions = {}): fc.Arbitrary<Float64Array> {
  const minimum = options.minimum ?? 1e-3;
  checkMinimum(minimum, cols);
  return fc
    .array(fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows })
    .map((raw) => {
      const out = new Float64Array(rows * cols);
      raw.forEach((row, i) => toSimplex(row, minimum, out, i * cols));
      return out;
    });
}

/** Options of `spdMatrixArbitrary`. */
export interface SpdOptions {
  /** Added to the diagonal, a floor on the smallest eigenvalue (default 0.1). */
  readonly ridge?: number;
  /** Largest |entry| of the random factor (default 2): scales the largest eigenvalue. */
  readonly scale?: number;
}

/**
 * A d×d symmetric positive-definite matrix (row-major Float64Array, exactly symmetric):
 * L·Lᵀ + ridge·I with a random lower-triangular L, so every eigenvalue is ≥ ridge.
 */
export function spdMatrixArbitrary(d: number, options: SpdOptions = {}): fc.Arbitrary<Float64Array> {
  const ridge = options.ridge ?? 0.1;
  const scale = options.scale ?? 2;
  if (!(ridge > 0)) throw new RangeError(`ridge must be > 0; got ${ridge}.`);
  const count = (d * (d + 1)) / 2;
  return fc.array(fc.double({ min: -scale, max: scale, noNaN: true }), { minLength: count, maxLength: count }).map((entries) => {
    const lower = new Float64Array(d * d);
    let index = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) lower[i * d + j] = entries[index++] as number;
    const out = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = i === j ? ridge : 0;
        for (let m = 0; m <= j; m++) sum += (lower[i * d + m] as number) * (lower[j * d + m] as number);
        out[i * d + j] = sum;
        out[j * d + i] = sum;
      }
    }
    return out;
  });
}

/** A seed for core's `Random` (non-negative 31-bit integer), e.g. to draw data from the model. */
export function seedArbitrary(): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 2147483646 });
}
