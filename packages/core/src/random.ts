import { InvalidOptionsError } from './errors.js';

/**
 * A seeded, portable pseudo-random generator: xoshiro128** on 32-bit integer arithmetic
 * (Math.imul, >>>), so Node and every browser produce the same stream for the same seed.
 */
export interface RandomState {
  readonly s: readonly [number, number, number, number];
  /** The second normal of the last polar-method pair, not yet returned (absent when none). */
  readonly spareNormal?: number;
}

function splitMix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = Number.NaN;

  /**
   * `seed` is any integer (negative and beyond 2^32 included); anything else — NaN, ±Infinity,
   * 1.5, a string — is an InvalidOptionsError rather than a silently rounded stream.
   */
  constructor(seed: number = 0) {
    assertSeed(seed);
    const high = Math.floor(Math.abs(seed) / 4294967296);
    const next = splitMix32((seed >>> 0) ^ Math.imul(high, 0x27d4eb2d) ^ (seed < 0 ? 0x5bd1e995 : 0));
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next raw 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform double in (0, 1): safe to take the log of. */
  nextOpen(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return u;
  }

  /** Uniform integer in [0, n). */
  integer(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`integer(n) needs a positive integer n; got ${n}.`);
    return Math.floor(this.next() * n);
  }

  /** Standard normal draw (Marsaglia polar method; the second value of each pair is kept). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const value = this.spareNormal;
      this.spareNormal = Number.NaN;
      return value;
    }
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const factor = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * factor;
        return u * factor;
      }
    }
  }

  /** Gamma(shape, 1) draw (Marsaglia & Tsang 2000; boosted for shape < 1). */
  gamma(shape: number): number {
    if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`gamma(shape) needs shape > 0; got ${shape}.`);
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.nextOpen(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.nextOpen();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Dirichlet(alpha) draw written into `out` (allocated when absent). */
  dirichlet(alpha: ArrayLike<number>, out: Float64Array = new Float64Array(alpha.length)): Float64Array {
    let sum = 0;
    for (let i = 0; i < alpha.length; i++) {
      const g = this.gamma(alpha[i] as number);
      out[i] = g;
      sum += g;
    }
    for (let i = 0; i < alpha.length; i++) out[i] = (out[i] as number) / sum;
    return out;
  }

  /** Index drawn with probability proportional to `weights[i]` (non-negative, not all zero). */
  categorical(weights: ArrayLike<number>, start = 0, end = weights.length): number {
    let total = 0;
    for (let i = start; i < end; i++) total += weights[i] as number;
    let u = this.next() * total;
    for (let i = start; i < end; i++) {
      u -= weights[i] as number;
      if (u < 0) return i - start;
    }
    // Round-off: return the last index with positive weight.
    for (let i = end - 1; i >= start; i--) if ((weights[i] as number) > 0) return i - start;
    return 0;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(array: T[]): T[] {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      const tmp = array[i] as T;
      array[i] = array[j] as T;
      array[j] = tmp;
    }
    return array;
  }

  /** An independent generator derived from this one (for restarts, workers, sub-tasks). */
  fork(): Random {
    return new Random(this.nextUint32() * 4294967296 + this.nextUint32());
  }

  /** Snapshot of the internal state, for reproducible checkpoints. */
  getState(): RandomState {
    const s: RandomState['s'] = [this.s0, this.s1, this.s2, this.s3];
    return Number.isNaN(this.spareNormal) ? { s } : { s, spareNormal: this.spareNormal };
  }

  static fromState(state: RandomState): Random {
    const random = new Random(0);
    [random.s0, random.s1, random.s2, random.s3] = state.s;
    random.spareNormal = state.spareNormal ?? Number.NaN;
    return random;
  }
}

/**
 * Throws InvalidOptionsError unless `seed` is an integer number (the check every seed passes
 * where it enters: Random, the fit options, the estimators).
 */
export function assertSeed(seed: unknown, option = 'seed'): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    const shown = typeof seed === 'number' ? String(seed) : typeof seed === 'string' ? JSON.stringify(seed) : typeof seed;
    throw new InvalidOptionsError(`${option} must be an integer; got ${shown}.`, `Pass an integer, e.g. { ${option}: 1 } (each integer selects its own random stream).`, {
      option,
    });
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
