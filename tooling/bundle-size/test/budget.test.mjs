// GaussianMixture's browser bundle (issue #12: ≤ 45 KB gzip with every covariance model). The
// budget is not reached yet, so CEILING is the size measured when this test was written plus 1 KB of
// slack: it fails when the bundle grows. Lower it whenever the bundle shrinks; replace it with
// BUDGET once the bundle is under it.
import { describe, expect, it } from 'vitest';
import { measureBundle } from '../src/measure.mjs';

const BUDGET = 45_000;
const CEILING = 80_100;

describe('GaussianMixture browser bundle (built dist/, esbuild minified, gzip -9)', () => {
  it(`stays within ${CEILING / 1000} KB gzip (the issue's budget: ${BUDGET / 1000} KB)`, async () => {
    const { gzip, minified, inputs } = await measureBundle({ pkg: '@em/gaussian-mixture', name: 'GaussianMixture' });
    const top = inputs.slice(0, 5).map(({ path, bytes }) => `${path} ${(bytes / 1000).toFixed(1)} KB`).join(', ');
    console.log(`GaussianMixture: ${(minified / 1000).toFixed(1)} KB minified, ${(gzip / 1000).toFixed(1)} KB gzip; largest inputs: ${top}`);
    expect(gzip, `bundle ${gzip} B gzip; largest inputs: ${top}`).toBeLessThanOrEqual(CEILING);
  });

  it('measures a real bundle (the class and its fit are in it)', async () => {
    const { minified, inputs } = await measureBundle({ pkg: '@em/gaussian-mixture', name: 'GaussianMixture' });
    expect(minified).toBeGreaterThan(10_000);
    expect(inputs.some(({ path }) => path.startsWith('packages/gaussian-mixture/dist/'))).toBe(true);
    expect(inputs.some(({ path }) => path.startsWith('packages/core/dist/'))).toBe(true);
  });
});
