import { describe, expect, it } from 'vitest';
import { marginalComponents } from './marginal.js';

describe('marginalComponents', () => {
  it('keeps the chosen mean entries and the matching 2×2 covariance block of each component', () => {
    // Two components in 3-D; covariance entries encode their position: 100·k + 10·row + column.
    const d = 3;
    const covariances = new Float64Array(2 * d * d);
    for (let k = 0; k < 2; k++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) covariances[k * 9 + a * 3 + b] = 100 * k + 10 * a + b;
    const view = { dimension: d, weights: new Float64Array([0.25, 0.75]), means: new Float64Array([1, 2, 3, 4, 5, 6]), covariances };
    const [first, second] = marginalComponents(view, 2, 0);
    expect(first).toEqual({ weight: 0.25, meanX: 3, meanY: 1, covariance: { xx: 22, xy: 20, yy: 0 } });
    expect(second).toEqual({ weight: 0.75, meanX: 6, meanY: 4, covariance: { xx: 122, xy: 120, yy: 100 } });
  });
});
