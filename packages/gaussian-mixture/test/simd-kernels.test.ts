import { Random } from '@em/core';
import { describe, expect, it } from 'vitest';
import { addScatter, whitenBlock } from '../src/kernels/blocked.js';
import { MODULE_SIZES } from '../src/kernels/simd.js';
import {
  addScatterFromArena,
  bucketRowsInArena,
  distancesInArena,
  emitDensities,
  gatherRowsInArena,
  loadSourceIntoArena,
  loadWeightsIntoArena,
  momentsInArena,
  weightedSumsInArena,
  componentDensitiesInArena,
  rowListOf,
  simdArena,
  transposeWeights,
  weighSourceInArena,
  whitenInArena,
} from '../src/kernels/simd-arena.js';

describe('WebAssembly modules', () => {
  it('each stays under 4 KB (Chrome has limited synchronous main-thread compilation to that)', () => {
    const sizes = MODULE_SIZES;
    expect(sizes.length).toBeGreaterThan(0);
    for (const size of sizes) expect(size).toBeLessThan(4096);
  });
});

// The WebAssembly SIMD kernels and their TypeScript fallbacks compute the same numbers.
describe('blocked kernels: WebAssembly SIMD and TypeScript agree', () => {
  for (const [d, rows] of [
    [1, 1],
    [3, 7],
    [10, 512],
    [32, 37],
  ] as const) {
    it(`triangular solve and scatter, d = ${d}, ${rows} rows`, () => {
      const random = new Random(d * 1000 + rows);
      const arena = simdArena(d, rows);
      expect(arena).toBeDefined();
      if (arena === undefined) return;
      const factors = new Float64Array(d * d);
      const inverse = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < a; b++) factors[a * d + b] = random.normal() * 0.3;
        factors[a * d + a] = 0.5 + random.next();
        inverse[a] = 1 / (factors[a * d + a] as number);
      }
      const centered = new Float64Array(d * rows).map(() => random.normal());
      const weighted = centered.map((v) => v * random.next());
      const { view, stride } = arena;
      for (let a = 0; a < d; a++) {
        view.fill(0, arena.centered + a * stride, arena.centered + (a + 1) * stride);
        view.fill(0, arena.weighted + a * stride, arena.weighted + (a + 1) * stride);
        view.set(centered.subarray(a * rows, (a + 1) * rows), arena.centered + a * stride);
        view.set(weighted.subarray(a * rows, (a + 1) * rows), arena.weighted + a * stride);
      }
      const scatterJs = new Float64Array(d * d);
      const scatterSimd = new Float64Array(d * d);
      addScatter(weighted, centered, rows, d, scatterJs, 0);
      addScatterFromArena(arena, d, scatterSimd, 0);
      for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) expect(scatterSimd[a * d + b]).toBeCloseTo(scatterJs[a * d + b] as number, 12);
      const squares = new Float64Array(rows);
      whitenBlock(centered, rows, d, factors, 0, inverse, 0, squares);
      whitenInArena(arena, d, factors, 0, inverse, 0);
      for (let i = 0; i < rows; i++) expect(Math.abs((view[arena.squares + i] as number) - (squares[i] as number))).toBeLessThan(1e-12 * Math.max(1, squares[i] as number));
      for (let a = 0; a < d; a++) for (let i = 0; i < rows; i++) expect(Math.abs((view[arena.centered + a * stride + i] as number) - (centered[a * rows + i] as number))).toBeLessThan(1e-12);
    });
  }

  it('weighted squared distances (diagonal, spherical and tied log-densities)', () => {
    const random = new Random(99);
    for (const [d, rows] of [
      [1, 3],
      [10, 512],
      [7, 45],
    ] as const) {
      const arena = simdArena(d, rows);
      if (arena === undefined) throw new Error('WebAssembly SIMD is unavailable');
      const x = new Float64Array(rows * d).map(() => random.normal() * 3);
      const mean = new Float64Array(d).map(() => random.normal());
      const precision = new Float64Array(d).map(() => 0.5 + random.next());
      loadSourceIntoArena(arena, x, 0, rows, d);
      distancesInArena(arena, d, mean, 0, precision, 0, arena.source);
      for (let i = 0; i < rows; i++) {
        let expected = 0;
        for (let a = 0; a < d; a++) expected += ((x[i * d + a] as number) - (mean[a] as number)) ** 2 * (precision[a] as number);
        expect(Math.abs((arena.view[arena.squares + i] as number) - expected)).toBeLessThan(1e-12 * Math.max(1, expected));
      }
      distancesInArena(arena, d, mean, 0, undefined, 0, arena.source);
      let expected0 = 0;
      for (let a = 0; a < d; a++) expected0 += ((x[a] as number) - (mean[a] as number)) ** 2;
      expect(Math.abs((arena.view[arena.squares] as number) - expected0)).toBeLessThan(1e-12 * Math.max(1, expected0));
    }
  });

  it('dense moments and weighing about each component mean (diagonal, spherical, tied and full statistics)', () => {
    const random = new Random(7);
    for (const [d, k, rows] of [
      [1, 1, 1],
      [3, 4, 45],
      [10, 10, 512],
    ] as const) {
      const arena = simdArena(d, rows, k);
      if (arena === undefined) throw new Error('WebAssembly SIMD is unavailable');
      const x = new Float64Array(rows * d).map(() => 1e3 + random.normal() * 3);
      const means = new Float64Array(k * d).map(() => 1e3 + random.normal());
      const weights = new Float64Array(rows * k).map(() => random.next());
      const counts = new Float64Array(k);
      loadSourceIntoArena(arena, x, 0, rows, d);
      transposeWeights(weights, rows, k, arena.view, arena.componentWeights, arena.stride, counts);
      const sums = new Float64Array(k * d);
      const scatter = new Float64Array(k * d);
      momentsInArena(arena, d, k, means, sums, scatter, arena.source);
      // Wᵀ·X (the spherical and tied sums): Σ_i w_ic·x_ia, within round-off of Σ w·|x|.
      const products = new Float64Array(k * d);
      weightedSumsInArena(arena, d, k, products, arena.source);
      for (let c = 0; c < k; c++) {
        for (let a = 0; a < d; a++) {
          let s = 0;
          let magnitude = 0;
          for (let i = 0; i < rows; i++) {
            s += (weights[i * k + c] as number) * (x[i * d + a] as number);
            magnitude += Math.abs((weights[i * k + c] as number) * (x[i * d + a] as number));
          }
          expect(Math.abs((products[c * d + a] as number) - s)).toBeLessThan(1e-14 * magnitude);
        }
      }
      const weighedSums = new Float64Array(k * d);
      for (let c = 0; c < k; c++) {
        weighSourceInArena(arena, d, c, means, weighedSums, c * d);
        let n = 0;
        for (let i = 0; i < rows; i++) n += weights[i * k + c] as number;
        expect(Math.abs((counts[c] as number) - n)).toBeLessThan(1e-12 * n);
        for (let a = 0; a < d; a++) {
          let s = 0;
          let q = 0;
          for (let i = 0; i < rows; i++) {
            const z = (x[i * d + a] as number) - (means[c * d + a] as number);
            const w = weights[i * k + c] as number;
            s += w * z;
            q += w * z * z;
            expect(arena.view[arena.centered + a * arena.stride + i]).toBe(z);
          }
          const j = c * d + a;
          const scale = Math.sqrt(q * n);
          expect(Math.abs((sums[j] as number) - s)).toBeLessThan(1e-12 * scale);
          expect(Math.abs((weighedSums[j] as number) - s)).toBeLessThan(1e-12 * scale);
          expect(Math.abs((scatter[j] as number) - q)).toBeLessThan(1e-12 * q);
        }
      }
    }
  });
});

// The kernels added for the component-major E-step, each against a plain loop.
describe('span kernels: every component per call', () => {
  it('density columns, spherical (squares kept) and diagonal, both layouts, over several spans', () => {
    const random = new Random(5);
    // 512 rows of D = 10, K = 10 make six spans of 96 rows, the last one partial; 45 rows one span.
    for (const [d, k, rows] of [
      [10, 10, 512],
      [3, 4, 45],
      [1, 1, 1],
    ] as const) {
      const arena = simdArena(d, rows, k);
      if (arena === undefined) throw new Error('WebAssembly SIMD is unavailable');
      const x = new Float64Array(rows * d).map(() => 1e3 + random.normal() * 3);
      const means = new Float64Array(k * d).map(() => 1e3 + random.normal());
      const precisions = new Float64Array(k * d).map(() => 0.5 + random.next());
      const scales = new Float64Array(k).map(() => 0.5 + random.next());
      const constants = new Float64Array(k).map(() => random.normal());
      loadSourceIntoArena(arena, x, 0, rows, d);
      for (const weighted of [false, true]) {
        for (const byComponent of [true, false]) {
          const out = new Float64Array(rows * k).fill(Number.NaN);
          const rowStep = byComponent ? 1 : k;
          const componentStep = byComponent ? rows : 1;
          componentDensitiesInArena(arena, rows, d, k, means, weighted ? precisions : undefined, constants, weighted ? undefined : scales, 0.5, out, rowStep, componentStep);
          for (let c = 0; c < k; c++) {
            for (let i = 0; i < rows; i++) {
              let q = 0;
              for (let a = 0; a < d; a++) q += ((x[i * d + a] as number) - (means[c * d + a] as number)) ** 2 * (weighted ? (precisions[c * d + a] as number) : 1);
              const expected = (constants[c] as number) - 0.5 * (weighted ? 1 : (scales[c] as number)) * q;
              expect(Math.abs((out[c * componentStep + i * rowStep] as number) - expected)).toBeLessThan(1e-12 * Math.max(1, Math.abs(expected)));
              if (!weighted) expect(Math.abs((arena.view[arena.componentSquares + c * arena.stride + i] as number) - q)).toBeLessThan(1e-12 * Math.max(1, q));
            }
          }
        }
      }
    }
  });
});

describe('WebAssembly kernels of the component-major E-step', () => {
  const d = 5;
  const k = 3;
  const rows = 37;
  const random = new Random(11);
  const x = new Float64Array(rows * d).map(() => 50 + random.normal() * 2);
  const means = new Float64Array(k * d).map(() => 50 + random.normal());
  // Component-major weights; component 2 negligible on most rows.
  const weights = new Float64Array(k * rows).map((_, j) => (Math.floor(j / rows) === 2 && j % 5 !== 0 ? 1e-20 : random.next()));

  it('transpose into the arena, density columns (affine) and component-major weights with their sums', () => {
    const arena = simdArena(d, rows, k);
    if (arena === undefined) throw new Error('WebAssembly SIMD is unavailable');
    loadSourceIntoArena(arena, x, 0, rows, d);
    for (let i = 0; i < rows; i++) for (let a = 0; a < d; a++) expect(arena.view[arena.source + a * arena.stride + i]).toBe(x[i * d + a]);
    for (let a = 0; a < d; a++) for (let i = rows; i < arena.stride; i++) expect(arena.view[arena.source + a * arena.stride + i]).toBe(0);
    // Centred load (odd rows and odd D: both tails of the 2 × 2 transpose): also x − first row.
    loadSourceIntoArena(arena, x, 1, rows - 2, d, true);
    for (let a = 0; a < d; a++) {
      for (let i = 0; i < rows - 2; i++) {
        expect(arena.view[arena.source + a * arena.stride + i]).toBe(x[(1 + i) * d + a]);
        expect(arena.view[arena.centered + a * arena.stride + i]).toBe((x[(1 + i) * d + a] as number) - (x[d + a] as number));
      }
      for (let i = rows - 2; i < arena.stride; i++) {
        expect(arena.view[arena.source + a * arena.stride + i]).toBe(0);
        expect(arena.view[arena.centered + a * arena.stride + i]).toBe(0);
      }
    }
    loadSourceIntoArena(arena, x, 0, rows, d);
    distancesInArena(arena, d, means, d, undefined, 0, arena.source);
    const squares = Array.from(arena.view.subarray(arena.squares, arena.squares + rows));
    const out = new Float64Array(k * rows);
    emitDensities(arena, rows, -2.5, 0.25, out, 1, 1, rows);
    for (let i = 0; i < rows; i++) expect(out[rows + i]).toBe(-2.5 - 0.25 * (squares[i] as number));
    const counts = new Float64Array(k);
    loadWeightsIntoArena(arena, weights, rows, k, counts, true);
    for (let c = 0; c < k; c++) {
      let n = 0;
      for (let i = 0; i < rows; i++) {
        expect(arena.view[arena.componentWeights + c * arena.stride + i]).toBe(weights[c * rows + i]);
        n += weights[c * rows + i] as number;
      }
      expect(Math.abs((counts[c] as number) - n)).toBeLessThanOrEqual(1e-14 * n);
    }
  });

  it('bucket rows per component and gather them centred and weighed', () => {
    const arena = simdArena(d, rows, k);
    if (arena === undefined) throw new Error('WebAssembly SIMD is unavailable');
    loadSourceIntoArena(arena, x, 0, rows, d);
    loadWeightsIntoArena(arena, weights, rows, k, new Float64Array(k), true);
    const integers = bucketRowsInArena(arena, rows, k, 2 ** -53);
    for (let c = 0; c < k; c++) {
      const expected: number[] = [];
      for (let i = 0; i < rows; i++) {
        let total = 0;
        for (let j = 0; j < k; j++) total += weights[j * rows + i] as number;
        if ((weights[c * rows + i] as number) > 2 ** -53 * total) expected.push(i);
      }
      const { list, count } = rowListOf(arena, c);
      expect(Array.from(integers.subarray(list, list + (integers[count] as number)))).toEqual(expected);
      const sums = new Float64Array(d);
      const padded = gatherRowsInArena(arena, d, c, expected.length, means, sums, 0);
      expect(padded % 8).toBe(0);
      for (let a = 0; a < d; a++) {
        let s = 0;
        expected.forEach((i, j) => {
          const z = (x[i * d + a] as number) - (means[c * d + a] as number);
          const w = weights[c * rows + i] as number;
          expect(arena.view[arena.centered + a * arena.stride + j]).toBe(z);
          expect(arena.view[arena.weighted + a * arena.stride + j]).toBe(w * z);
          s += w * z;
        });
        for (let j = expected.length; j < padded; j++) expect(arena.view[arena.weighted + a * arena.stride + j]).toBe(0);
        expect(Math.abs((sums[a] as number) - s)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(s)));
      }
    }
    // Component 2 carries weight on every fifth row only.
    expect(integers[rowListOf(arena, 2).count]).toBe(Math.ceil(rows / 5));
  });
});

