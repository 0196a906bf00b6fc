import { InvalidOptionsError } from '@em/core';
import { describe, expect, it } from 'vitest';
import { HiddenMarkovModel } from '../src/index.js';

// Found by the CLI fuzz suite: { emission: null } threw "TypeError: Cannot read properties of null".
describe('the emission option from plain JavaScript', () => {
  it.each([null, undefined, 5, 'gaussian'])('emission %s is an InvalidOptionsError that shows a valid spec', (emission) => {
    let caught: unknown;
    try {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      new HiddenMarkovModel({ states: 1, emission: emission as any });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidOptionsError);
    expect((caught as Error).message).toContain("type: 'gaussian'");
  });
});
