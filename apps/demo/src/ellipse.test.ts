import { describe, expect, it } from 'vitest';
import { covarianceEllipse, ellipsePoints } from './ellipse.js';

/** (p − μ)ᵀ Σ⁻¹ (p − μ) for a 2×2 covariance. */
function mahalanobisSquared(x: number, y: number, mx: number, my: number, xx: number, xy: number, yy: number): number {
  const det = xx * yy - xy * xy;
  const dx = x - mx;
  const dy = y - my;
  return (yy * dx * dx - 2 * xy * dx * dy + xx * dy * dy) / det;
}

describe('covarianceEllipse', () => {
  it('gives the standard deviations as semi-axes for a diagonal covariance', () => {
    const e = covarianceEllipse(1, 2, { xx: 9, xy: 0, yy: 4 }, 1);
    expect(e.semiMajor).toBeCloseTo(3, 12);
    expect(e.semiMinor).toBeCloseTo(2, 12);
    expect(e.angle).toBeCloseTo(0, 12);
    const tall = covarianceEllipse(0, 0, { xx: 1, xy: 0, yy: 4 }, 2);
    expect(tall.semiMajor).toBeCloseTo(4, 12);
    expect(Math.abs(tall.angle)).toBeCloseTo(Math.PI / 2, 12);
  });

  it('tilts 45° for equal variances with positive correlation', () => {
    const e = covarianceEllipse(0, 0, { xx: 2, xy: 1, yy: 2 }, 1);
    expect(e.angle).toBeCloseTo(Math.PI / 4, 12);
    expect(e.semiMajor).toBeCloseTo(Math.sqrt(3), 12);
    expect(e.semiMinor).toBeCloseTo(1, 12);
  });

  it('puts every polygon point on the contour of Mahalanobis radius r', () => {
    const cases = [
      { mx: 3.5, my: 70, xx: 1.3, xy: 13.9, yy: 184 },
      { mx: -1, my: 0.5, xx: 0.2, xy: -0.15, yy: 0.3 },
      { mx: 0, my: 0, xx: 5, xy: 0, yy: 5 },
    ];
    for (const c of cases) {
      for (const radius of [1, 2]) {
        const points = ellipsePoints(covarianceEllipse(c.mx, c.my, { xx: c.xx, xy: c.xy, yy: c.yy }, radius), 32);
        expect(points).toHaveLength(32);
        for (const [x, y] of points) expect(mahalanobisSquared(x, y, c.mx, c.my, c.xx, c.xy, c.yy)).toBeCloseTo(radius * radius, 9);
      }
    }
  });

  it('preserves area: π r² √det Σ', () => {
    const e = covarianceEllipse(0, 0, { xx: 4, xy: 1.5, yy: 1 }, 2);
    expect(Math.PI * e.semiMajor * e.semiMinor).toBeCloseTo(Math.PI * 4 * Math.sqrt(4 * 1 - 1.5 * 1.5), 10);
  });
});
