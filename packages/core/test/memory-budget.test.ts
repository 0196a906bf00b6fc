import { describe, expect, it } from 'vitest';
import { checkAllocation, DEFAULT_MEMORY_BUDGET, float64Bytes, formatBytes, InvalidOptionsError, MemoryBudgetError, parseByteSize, resolveMemoryBudget } from '../src/index.js';

describe('memory budget', () => {
  it('reads byte sizes in decimal and binary units', () => {
    expect(parseByteSize('1048576')).toBe(1048576);
    expect(parseByteSize('512MB')).toBe(512e6);
    expect(parseByteSize('2GiB')).toBe(2 * 1024 ** 3);
    expect(parseByteSize('1.5 gib')).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize('256m')).toBe(256 * 1024 ** 2);
  });

  it('refuses what is not a decimal byte size, or below 1 MiB', () => {
    for (const bad of ['', 'lots', '0x100000', '1e9', '-5MB', '12 parsecs', '100']) {
      expect(() => parseByteSize(bad), bad).toThrow(InvalidOptionsError);
    }
    expect(() => resolveMemoryBudget(Number.NaN)).toThrow(InvalidOptionsError);
    expect(() => resolveMemoryBudget(Number.POSITIVE_INFINITY)).toThrow(InvalidOptionsError);
    expect(resolveMemoryBudget(undefined)).toBe(DEFAULT_MEMORY_BUDGET);
  });

  it('refuses an allocation over the budget without wrapping around, and names it', () => {
    const bytes = float64Bytes(1e9, 1e9);
    expect(bytes).toBe(8e18);
    let caught: unknown;
    try {
      checkAllocation(bytes, DEFAULT_MEMORY_BUDGET, 'a dense 1000000000 × 1000000000 matrix', 'Fit the sparse matrix instead');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MemoryBudgetError);
    const error = caught as MemoryBudgetError;
    expect(error.code).toBe('MEMORY_BUDGET');
    expect(error.message).toContain('1000000000 × 1000000000');
    expect(error.message).toContain('Fit the sparse matrix instead');
    expect(error.message).toContain('--memory-budget');
    expect(error.details['budget']).toBe(DEFAULT_MEMORY_BUDGET);
    expect(() => checkAllocation(Number.NaN, DEFAULT_MEMORY_BUDGET, 'x')).toThrow(MemoryBudgetError);
    expect(() => checkAllocation(DEFAULT_MEMORY_BUDGET, DEFAULT_MEMORY_BUDGET, 'x')).not.toThrow();
    expect(() => checkAllocation(DEFAULT_MEMORY_BUDGET + 1, DEFAULT_MEMORY_BUDGET, 'x')).toThrow(MemoryBudgetError);
  });

  it('formats bytes for messages', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(256 * 1024 ** 2)).toBe('256 MiB');
  });
});
