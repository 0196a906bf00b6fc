import { describe, expect, it } from 'vitest';
import { WeakViewIdentity } from '../src/index.js';

describe('WeakViewIdentity', () => {
  it('matches the same bytes of the same buffer, through any view, and nothing else', () => {
    const data = new Float64Array(100);
    const held = new WeakViewIdentity();
    expect(held.matches(data)).toBe(false);
    held.remember(data.subarray(10, 20));
    expect(held.matches(data.subarray(10, 20))).toBe(true);
    expect(held.matches(data.subarray(10, 21))).toBe(false);
    expect(held.matches(data.subarray(11, 21))).toBe(false);
    expect(held.matches(new Float64Array(100).subarray(10, 20))).toBe(false);
    held.forget();
    expect(held.matches(data.subarray(10, 20))).toBe(false);
  });
});
