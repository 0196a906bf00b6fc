import { CsrMatrix, Random } from '@em/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { MultinomialMixture, createMultinomialMixtureModel, sharedCopyId } from '../src/index.js';
import { simdKernelsAvailable, useSimdKernels } from '../src/simd-arena.js';
import { simdModuleBytes } from '../src/simd-kernels.js';
import { addRowProducts, addWeightedRows } from '../src/sparse-kernels.js';
import { sparse, syntheticCounts } from './helpers.js';

// The WebAssembly SIMD kernels must give exactly the TypeScript loops' results: each lane performs
// the same additions in the same order (no fused multiply-add), so agreement is bit for bit.

afterEach(() => useSimdKernels(true));

interface Case {
  readonly x: CsrMatrix;
  readonly k: number;
  readonly table: Float64Array;
  readonly weights: Float64Array;
  readonly block: number;
}

/** A random CSR block with stored zeros, a log table with some −∞, and weights with zero groups and one-hot rows. */
function randomCase(seed: number, rows: number, features: number, k: number, block: number): Case {
  const random = new Random(seed);
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < features; f++) {
      if (random.next() < 0.3) {
        indices.push(f);
        values.push(random.next() < 0.1 ? 0 : 1 + random.integer(6));
      }
    }
    indptr[i + 1] = indices.length;
  }
  const x = new CsrMatrix(indptr, Int32Array.from(indices), Float64Array.from(values), features);
  const table = new Float64Array(features * k).map(() => (random.next() < 0.02 ? -Infinity : Math.log(random.next())));
  const weights = new Float64Array(rows * k).map(() => (random.next() < 0.4 ? 0 : random.next()));
  for (let i = 0; i < rows; i += 3) {
    weights.fill(0, i * k, (i + 1) * k);
    weights[i * k + random.integer(k)] = random.next();
  }
  return { x, k, table, weights, block };
}

/** Both kernels over the case, block by block, from non-zero starting values. */
function runKernels(c: Case, simd: boolean): { out: Float64Array; statistics: Float64Array } {
  useSimdKernels(simd);
  const { x, k, table, weights, block } = c;
  const out = new Float64Array(x.rows * k).map((_, i) => -0.25 * (i % 7));
  const statistics = new Float64Array(x.cols * k).map((_, i) => 0.125 * (i % 5));
  for (let start = 0; start < x.rows; start += block) {
    const end = Math.min(x.rows, start + block);
    addRowProducts(table, k, x, start, end, out.subarray(start * k));
    addWeightedRows(statistics, k, x, start, end, weights.subarray(start * k));
  }
  return { out, statistics };
}

function identical(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}

describe('WebAssembly SIMD sparse kernels', () => {
  it('are available in Node (so the agreement tests below exercise them)', () => {
    expect(WebAssembly.validate(simdModuleBytes())).toBe(true);
    expect(simdKernelsAvailable()).toBe(true);
  });

  it('are one module under 4 KB for every K (Chrome limits synchronous main-thread compilation to that)', () => {
    expect(simdModuleBytes().byteLength).toBeLessThan(4096);
  });

  it('agree bit for bit with the TypeScript loops (odd, even and > 16 components, blocks, stored zeros, −∞, one-hot rows)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 37 }),
        fc.integer({ min: 1, max: 16 }),
        (seed, rows, features, k, block) => {
          const c = randomCase(seed, rows, features, k, block);
          const typescript = runKernels(c, false);
          const simd = runKernels(c, true);
          return identical(simd.out, typescript.out) && identical(simd.statistics, typescript.statistics);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('agree for many components (K = 64…131: several passes of 8 lane pairs and every remainder; one module serves every K)', () => {
    for (const k of [64, 65, 66, 67, 73, 79, 131]) {
      const c = randomCase(100 + k, 23, 17, k, 6);
      const typescript = runKernels(c, false);
      const simd = runKernels(c, true);
      expect(identical(simd.out, typescript.out), `K=${k}`).toBe(true);
      expect(identical(simd.statistics, typescript.statistics), `K=${k}`).toBe(true);
    }
  });

  it('agree on a single call over more rows than one block (the initialisation does that)', () => {
    const c = randomCase(9, 1300, 25, 6, 1300);
    const typescript = runKernels(c, false);
    const simd = runKernels(c, true);
    expect(identical(simd.out, typescript.out)).toBe(true);
    expect(identical(simd.statistics, typescript.statistics)).toBe(true);
  });

  it('reuse the block in memory only for the same rows of the same matrix', () => {
    const a = randomCase(1, 20, 12, 4, 20);
    const b = randomCase(2, 20, 12, 4, 20);
    const expected = runKernels({ ...b, weights: a.weights }, false).statistics;
    useSimdKernels(true);
    // Log-densities of A leave A's block in memory; statistics of B over the same rows must not use it.
    addRowProducts(a.table, 4, a.x, 0, 20, new Float64Array(20 * 4));
    const statistics = new Float64Array(12 * 4).map((_, i) => 0.125 * (i % 5));
    addWeightedRows(statistics, 4, b.x, 0, 20, a.weights);
    expect(identical(statistics, expected)).toBe(true);
  });

  it('keep a chunk of a shared copy in memory across E-steps, and notice another chunk or another copy', () => {
    const model = createMultinomialMixtureModel({ components: 3, init: 'random' });
    const first = sparse(syntheticCounts({ rows: 1100, features: 30, components: 3, tokens: 40, seed: 7 }).counts);
    const second = sparse(syntheticCounts({ rows: 1100, features: 30, components: 3, tokens: 40, seed: 8 }).counts);
    const parameters = model.initialize({ observations: first }, new Random(1));
    const chunks = (x: CsrMatrix): CsrMatrix[] => model.splitData({ observations: x }, 2).map((chunk) => chunk.observations as CsrMatrix);
    const shared = (x: CsrMatrix): CsrMatrix[] => model.splitData({ observations: x }, 2).map((chunk) => model.shareData(chunk).observations as CsrMatrix);
    const [a1, a2] = shared(first);
    const [b1] = shared(second);
    expect(sharedCopyId(a1 as CsrMatrix)).toBe(sharedCopyId(a2 as CsrMatrix));
    expect(sharedCopyId(b1 as CsrMatrix)).not.toBe(sharedCopyId(a1 as CsrMatrix));
    expect(sharedCopyId(first)).toBeUndefined();
    // A structured clone (what a worker receives) keeps the id.
    expect(sharedCopyId(structuredClone(a1) as CsrMatrix)).toBe(sharedCopyId(a1 as CsrMatrix));
    const [plainA1, plainA2] = chunks(first);
    const [plainB1] = chunks(second);
    const order: Array<[CsrMatrix, CsrMatrix]> = [
      [a1 as CsrMatrix, plainA1 as CsrMatrix],
      [a1 as CsrMatrix, plainA1 as CsrMatrix],
      [a2 as CsrMatrix, plainA2 as CsrMatrix],
      [b1 as CsrMatrix, plainB1 as CsrMatrix],
      [a1 as CsrMatrix, plainA1 as CsrMatrix],
    ];
    for (const [kept, plain] of order) {
      const fromShared = model.eStep(parameters, { observations: kept });
      const fromPlain = model.eStep(parameters, { observations: plain });
      expect(fromShared.logLikelihood).toBe(fromPlain.logLikelihood);
      expect(identical(fromShared.statistics.components.expectedCounts, fromPlain.statistics.components.expectedCounts)).toBe(true);
    }
  });

  it('give the same fit as the TypeScript loops', () => {
    const { counts } = syntheticCounts({ rows: 1200, features: 40, components: 5, tokens: 60, seed: 4 });
    const fit = (simd: boolean): ReturnType<MultinomialMixture['fit']> => {
      useSimdKernels(simd);
      return new MultinomialMixture({ components: 5, seed: 3 }).fit(sparse(counts), { maxIterations: 15, tolerance: 0 });
    };
    const typescript = fit(false);
    const simd = fit(true);
    expect(simd.history).toEqual(typescript.history);
    expect(simd.parameters).toEqual(typescript.parameters);
  });
});
