/** A 2×2 symmetric covariance [[xx, xy], [xy, yy]]. */
export interface Covariance2 {
  readonly xx: number;
  readonly xy: number;
  readonly yy: number;
}

/** An ellipse in data coordinates: centre, semi-axes and the angle of the major axis (radians, from +x). */
export interface Ellipse {
  readonly centerX: number;
  readonly centerY: number;
  readonly semiMajor: number;
  readonly semiMinor: number;
  readonly angle: number;
}

/**
 * The contour (x − μ)ᵀ Σ⁻¹ (x − μ) = r² of a 2-D Gaussian: the semi-axes are r·√λ along the
 * eigenvectors of Σ. Eigenvalues of a symmetric 2×2 matrix in closed form: mean ± √(half-gap² + xy²).
 */
export function covarianceEllipse(centerX: number, centerY: number, covariance: Covariance2, radius: number): Ellipse {
  const { xx, xy, yy } = covariance;
  const mean = (xx + yy) / 2;
  const halfGap = (xx - yy) / 2;
  const spread = Math.hypot(halfGap, xy);
  const major = mean + spread;
  const minor = Math.max(0, mean - spread);
  // Eigenvector of the larger eigenvalue: angle = ½·atan2(2xy, xx − yy).
  const angle = spread === 0 ? 0 : 0.5 * Math.atan2(2 * xy, xx - yy);
  return { centerX, centerY, semiMajor: radius * Math.sqrt(major), semiMinor: radius * Math.sqrt(minor), angle };
}

/** `count` points on the ellipse (closed polygon without the repeated first point). */
export function ellipsePoints(ellipse: Ellipse, count = 64): Array<readonly [number, number]> {
  const cos = Math.cos(ellipse.angle);
  const sin = Math.sin(ellipse.angle);
  const points: Array<readonly [number, number]> = [];
  for (let step = 0; step < count; step++) {
    const t = (2 * Math.PI * step) / count;
    const u = ellipse.semiMajor * Math.cos(t);
    const v = ellipse.semiMinor * Math.sin(t);
    points.push([ellipse.centerX + u * cos - v * sin, ellipse.centerY + u * sin + v * cos]);
  }
  return points;
}
