// End-to-end: the built page (dist/) served over HTTP, driven in headless Debian Chromium.
// The test script builds first (`vite build && vitest run`); turbo's test task also depends on build.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fitEm } from '@em/core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetById, observationsOf } from '../src/datasets.js';
import { createDemoMixture, type CovarianceType, type InitializationMethod } from '../src/model/demo-mixture.js';
import { openBrowser, resultsDirectory, skipBrowser, type BrowserSession } from './browser-harness.js';

if (skipBrowser) {
  console.warn('\n*** EM_SKIP_BROWSER=1: the end-to-end browser test of @em/demo is SKIPPED. ***\n');
}

function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

describe.skipIf(skipBrowser)('demo page in headless Chromium', () => {
  let session: BrowserSession | undefined;
  let url: string;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    session = await openBrowser({ width: 1240, height: 1000 });
    ({ url, page, pageErrors } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('fits Old Faithful to the same log-likelihood as fitEm in Node, with one chart point per iteration plus θ0', async () => {
    await page.goto('about:blank');
    await page.goto(`${url}#gaussian-2d`);
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.locator('#dataset').inputValue()).toBe('faithful');
    // The initial state already shows the data and the starting components.
    expect(await page.locator('#scatter circle.point').count()).toBe(272);

    await page.click('#fit');
    await page.waitForSelector('body[data-state="done"]', { timeout: 30_000 });

    const shownLogLikelihood = Number(await page.locator('#log-likelihood').getAttribute('data-value'));
    const shownIterations = Number(await page.locator('#iterations').getAttribute('data-value'));
    const shownBic = Number(await page.locator('#bic').getAttribute('data-value'));
    const chartPoints = await page.locator('#objective-chart circle.likelihood-point').count();
    const chartLabels = await page.locator('#objective-chart text.legend-label, #objective-chart text.y-axis-label').allTextContents();
    const stopReason = await page.locator('#stop-reason').getAttribute('data-value');

    // The same fit in Node, from the settings the page shows by default.
    const settings = {
      components: Number(await page.locator('#components').inputValue()),
      covariance: (await page.locator('#covariance').inputValue()) as CovarianceType,
      initialization: (await page.locator('#initialization').inputValue()) as InitializationMethod,
      seed: Number(await page.locator('#seed').inputValue()),
      maxIterations: Number(await page.locator('#max-iterations').inputValue()),
      tolerance: Number(await page.locator('#tolerance').inputValue()),
    };
    expect(settings).toEqual({ components: 2, covariance: 'full', initialization: 'random-points', seed: 0, maxIterations: 1000, tolerance: 1e-10 });
    const faithful = datasetById('faithful');
    const mixture = createDemoMixture(settings);
    // The page's tolerance is per observation (its input says |Δ objective| / n).
    const expected = fitEm(mixture.model, { observations: observationsOf(faithful, [0, 1]) }, { ...settings, toleranceRule: 'per-observation' });
    // The default start is chosen so that EM visibly works for a while before it converges.
    expect(expected.iterations).toBeGreaterThan(5);

    expect(Number.isFinite(shownLogLikelihood)).toBe(true);
    expect(relativeDifference(shownLogLikelihood, expected.logLikelihood)).toBeLessThan(1e-9);
    expect(shownIterations).toBe(expected.iterations);
    expect(chartPoints).toBe(expected.iterations + 1);
    // The chart says what it plots: the log-likelihood, and the objective (with the regCovar prior) beside it.
    expect(chartLabels).toEqual(['log-likelihood, objective (nats)', 'log-likelihood', 'objective = log-likelihood + log-prior (regCovar)']);
    const lastPoint = await page.locator('#objective-chart circle.likelihood-point title').last().textContent();
    const plotted = Number(/log-likelihood (\S+);/.exec(lastPoint ?? '')?.[1]);
    expect(relativeDifference(plotted, expected.logLikelihood)).toBeLessThan(1e-9);
    expect(relativeDifference(shownBic, expected.bic)).toBeLessThan(1e-9);
    expect(stopReason).toBe(expected.stopReason);
    // Two components drawn, each with a 1σ and a 2σ ellipse and a mean marker.
    expect(await page.locator('#scatter path.ellipse').count()).toBe(4);
    expect(await page.locator('#scatter path.mean').count()).toBe(2);

    mkdirSync(resultsDirectory, { recursive: true });
    await page.screenshot({ path: join(resultsDirectory, 'demo-faithful.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('steps iris one EM iteration at a time along the same path as fitEm', async () => {
    await page.goto('about:blank');
    await page.goto(`${url}#gaussian-2d`);
    await page.waitForSelector('body[data-state="ready"]');
    await page.selectOption('#speed', '0');
    await page.selectOption('#dataset', 'iris');
    await page.selectOption('#fit-columns', 'all');
    await page.selectOption('#covariance', 'diagonal');
    await page.fill('#seed', '7');
    await page.dispatchEvent('#seed', 'change');
    await page.waitForSelector('body[data-state="ready"]');
    for (let step = 1; step <= 3; step++) {
      await page.click('#step');
      await page.waitForFunction((expected) => document.querySelector('#iterations')?.getAttribute('data-value') === String(expected), step);
    }
    const shownLogLikelihood = Number(await page.locator('#log-likelihood').getAttribute('data-value'));
    const iris = datasetById('iris');
    const mixture = createDemoMixture({ components: 3, covariance: 'diagonal', initialization: 'random-points' });
    const expected = fitEm(mixture.model, { observations: observationsOf(iris, [0, 1, 2, 3]) }, { seed: 7, maxIterations: 3, tolerance: 0 });
    expect(relativeDifference(shownLogLikelihood, expected.logLikelihood)).toBeLessThan(1e-9);
    expect(await page.locator('#objective-chart circle.likelihood-point').count()).toBe(4);
    expect(await page.locator('#scatter circle.point').count()).toBe(150);
    expect(await page.locator('#scatter path.mean').count()).toBe(3);

    // Other axes of an all-column fit are just another view: the fit (iteration count) is kept.
    await page.selectOption('#x-column', '0');
    expect(await page.locator('#iterations').getAttribute('data-value')).toBe('3');
    await page.screenshot({ path: join(resultsDirectory, 'demo-iris-steps.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('reads a CSV file chosen in the page through File.stream() with the shared parser, and refuses a malformed one with its line', async () => {
    await page.goto('about:blank');
    await page.goto(`${url}#gaussian-2d`);
    await page.waitForSelector('body[data-state="ready"]');
    const rows = Array.from({ length: 40 }, (_, i) => `${((i % 2) * 10 + Math.sin(i)).toFixed(4)},${((i % 2) * 10 + Math.cos(1.7 * i)).toFixed(4)},${i % 2 === 0 ? 'a' : 'b'}`);
    await page.setInputFiles('#upload', { name: 'clusters.csv', mimeType: 'text/csv', buffer: Buffer.from(`"u","v","kind"\r\n${rows.join('\r\n')}\r\n`) });
    await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('#dataset')?.value === 'upload-1');
    expect(await page.locator('#x-column option').allTextContents()).toEqual(['u', 'v']);
    expect(await page.locator('#dataset-description').textContent()).toBe('40 rows × 2 numeric columns from clusters.csv. Text columns left out: kind.');
    expect(await page.locator('#scatter circle.point').count()).toBe(40);
    await page.click('#fit');
    await page.waitForSelector('body[data-state="done"]', { timeout: 30_000 });

    await page.setInputFiles('#upload', { name: 'ragged.csv', mimeType: 'text/csv', buffer: Buffer.from('u,v\n1,2\n3\n') });
    await page.waitForSelector('body[data-state="error"]');
    expect(await page.locator('#error').textContent()).toMatch(/ragged\.csv, line 3: found 1 fields, expected 2/);
    expect(pageErrors).toEqual([]);
  });
});
