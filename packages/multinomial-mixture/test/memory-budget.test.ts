import { CsrMatrix, DEFAULT_MEMORY_BUDGET, InvalidOptionsError, MemoryBudgetError, type EmError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { BernoulliMixture, CategoricalMixture, MultinomialMixture, WORKING_TABLES, categoricalOptionsFromConfig, modelFromConfig } from '../src/index.js';

// Every refusal below must come before the tables are allocated. The sizes are chosen so that the
// code before the budget existed fails fast too: construction allocated nothing (no error at all),
// and 2⁴⁰ columns make its first allocation throw a RangeError instead of taking gigabytes.

function caught<T extends EmError>(action: () => unknown, type: new (...args: never[]) => T): T {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as T;
  }
  throw new Error(`expected a ${type.name}`);
}

/** Three rows of a sparse matrix that declares `cols` columns but stores three ones. */
function wideSparse(cols: number): CsrMatrix {
  return new CsrMatrix(Int32Array.from([0, 1, 2, 3]), Int32Array.from([0, 5, 9]), Float64Array.from([1, 1, 1]), cols);
}

describe('categorical codes sized beyond the memory budget', () => {
  it('one code 1e8 (categories inferred as largest code + 1) is refused at construction, naming the column, the code and the remedy', () => {
    const codes = [
      [0, 1],
      [2, 0],
      [1, 100_000_000],
    ];
    const categories = [0, 1].map((j) => Math.max(...codes.map((row) => row[j] as number)) + 1);
    const error = caught(() => new CategoricalMixture({ components: 2, categories }), MemoryBudgetError);
    expect(error.message).toContain('Column 1 has category code 100000000');
    expect(error.message).toMatch(/recode column 1 to consecutive integers/);
    expect(error.message).toMatch(/raise the memory budget/);
    expect(error.details).toMatchObject({ budget: DEFAULT_MEMORY_BUDGET });
  });

  it('a saved model (or a worker config) declaring 10⁹ categories is refused before its tables exist', () => {
    const small = new CategoricalMixture({ components: 2, categories: [2, 3] });
    const options = small.model.config.options as { readonly family: { readonly categories: number[] } };
    const hostile = { ...small.model.config, options: { ...options, family: { ...options.family, categories: [2, 1_000_000_000] } } };
    caught(() => modelFromConfig(hostile), MemoryBudgetError);
  });

  it('memoryBudget raises the limit, is recorded in the config and rebuilds with the same budget', () => {
    const categories = [4, 3_000_000]; // 2 × 3000004 × 8 bytes × 6 tables ≈ 275 MiB: over the default budget
    expect(2 * 3_000_004 * 8 * WORKING_TABLES).toBeGreaterThan(DEFAULT_MEMORY_BUDGET);
    caught(() => new CategoricalMixture({ components: 2, categories }), MemoryBudgetError);
    const model = new CategoricalMixture({ components: 2, categories, memoryBudget: '1GiB' });
    expect((model.model.config.options as { readonly memoryBudget?: number }).memoryBudget).toBe(2 ** 30);
    expect(categoricalOptionsFromConfig(model.model.config).memoryBudget).toBe(2 ** 30);
    expect(() => modelFromConfig(model.model.config)).not.toThrow();
    // Without the recorded budget a worker would fall back to the default and refuse.
    const { memoryBudget: _dropped, ...withoutBudget } = model.model.config.options as { readonly [key: string]: unknown };
    caught(() => modelFromConfig({ ...model.model.config, options: withoutBudget as never }), MemoryBudgetError);
  });

  it('the default budget is not recorded, so configs and saved files are unchanged', () => {
    const model = new CategoricalMixture({ components: 2, categories: [2, 3] });
    expect(model.model.config.options).not.toHaveProperty('memoryBudget');
  });

  it('a memoryBudget that is not a byte size is an InvalidOptionsError', () => {
    const error = caught(() => new CategoricalMixture({ components: 2, categories: [2], memoryBudget: 'lots' }), InvalidOptionsError);
    expect(error.details).toMatchObject({ option: 'memoryBudget' });
    caught(() => new MultinomialMixture({ components: 2, memoryBudget: -1 }), InvalidOptionsError);
  });
});

describe('K × V tables of a sparse matrix that declares a huge vocabulary', () => {
  it('multinomial: 2⁴⁰ declared columns are a MemoryBudgetError naming the column count, not a RangeError', () => {
    const error = caught(() => new MultinomialMixture({ components: 2 }).fit(wideSparse(2 ** 40)), MemoryBudgetError);
    expect(error.message).toContain(`The data has ${2 ** 40} columns`);
    expect(error.message).toMatch(/drop unused columns or trim the vocabulary/);
  });

  it("multinomial with init: 'random' and Bernoulli are checked the same way", () => {
    caught(() => new MultinomialMixture({ components: 2, init: 'random' }).fit(wideSparse(2 ** 40)), MemoryBudgetError);
    caught(() => new BernoulliMixture({ components: 3 }).fit(wideSparse(2 ** 40)), MemoryBudgetError);
  });

  it('the budget is the one given: 10⁵ columns are refused under 1 MiB and fitted under the default', () => {
    // 2 × 10⁵ × 8 bytes × 6 tables ≈ 9.2 MiB (small, so the old code does not take gigabytes failing this).
    const error = caught(() => new MultinomialMixture({ components: 2, memoryBudget: '1MiB' }).fit(wideSparse(100_000)), MemoryBudgetError);
    expect(error.details).toMatchObject({ budget: 2 ** 20 });
    const fitted = new MultinomialMixture({ components: 2, seed: 1 }).fit(wideSparse(100_000));
    expect(fitted.parameters.probabilities[0]).toHaveLength(100_000);
  });
});
