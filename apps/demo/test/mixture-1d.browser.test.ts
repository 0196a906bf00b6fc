// End-to-end: the 1-D mixture view in headless Chromium — what it draws, and that its steps
// follow fitEm's path.
import { DenseMatrix, fitEm } from '@em/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoMixture, viewOf } from '../src/model/demo-mixture.js';
import { HEIGHTS_TRUTH, simulateHeights } from '../src/views/mixture-1d/heights.js';
import { histogramBins } from '../src/views/mixture-1d/histogram.js';
import { HEIGHTS_COUNT } from '../src/views/mixture-1d/mixture-1d-view.js';
import { fitsWidth, openBrowser, openView, skipBrowser, type BrowserSession } from './browser-harness.js';

function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

describe.skipIf(skipBrowser)('1-D mixture view in headless Chromium', () => {
  let session: BrowserSession;
  beforeAll(async () => {
    session = await openBrowser({ width: 1280, height: 800 });
  });
  afterAll(async () => {
    await session?.close();
  });

  it('draws the simulated heights as a histogram with component and mixture densities, and steps along fitEm’s path', async () => {
    const { page } = session;
    await openView(session, 'mixture-1d');
    // It is the first tab: the classic first example of EM.
    expect(await page.locator('#view-tabs [role="tab"]').first().getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('#m1-source').inputValue()).toBe('heights');
    const seed = Number(await page.locator('#m1-seed').inputValue());
    const heights = simulateHeights(HEIGHTS_COUNT, seed);
    const bins = histogramBins(heights);
    const svg = page.locator('#m1-histogram');
    expect(await svg.locator('g.bin').count()).toBe(bins.count);
    const counts = (await svg.locator('g.bin').evaluateAll((groups) => groups.map((group) => Number(group.getAttribute('data-count'))))).reduce((a, b) => a + b, 0);
    expect(counts).toBe(HEIGHTS_COUNT);
    expect(await svg.locator('line.rug').count()).toBe(HEIGHTS_COUNT);
    expect(await svg.locator('path.component-density').count()).toBe(2);
    expect(await svg.locator('path.mixture-density').count()).toBe(1);
    expect(await svg.locator('path.true-density').count()).toBe(1);
    // The known parameters are shown next to the estimates.
    expect(await page.locator('#m1-truth').isVisible()).toBe(true);
    expect(await page.locator('#m1-truth td').first().textContent()).toBe((HEIGHTS_TRUTH.weights[0] as number).toFixed(3));

    // Three iterations, each an M-step (curves move, colours stay) then an E-step (recolour).
    const fillsBefore = await svg.locator('rect.segment').evaluateAll((rects) => rects.map((rect) => rect.getAttribute('height')).join());
    await page.click('#m1-step');
    expect(await page.locator('#m1-step').textContent()).toBe('E-step');
    expect(await page.locator('#m1-phase').textContent()).toMatch(/^M-step 1/);
    // During the M-step the bars keep the old responsibilities.
    expect(await svg.locator('rect.segment').evaluateAll((rects) => rects.map((rect) => rect.getAttribute('height')).join())).toBe(fillsBefore);
    await page.click('#m1-step');
    expect(await page.locator('#m1-phase').textContent()).toMatch(/^E-step 1/);
    for (let click = 0; click < 4; click++) await page.click('#m1-step');
    expect(await page.locator('#m1-iteration').getAttribute('data-value')).toBe('3');

    const mixture = createDemoMixture({ components: 2, covariance: 'full', initialization: 'random-points' });
    const expected = fitEm(mixture.model, { observations: DenseMatrix.fromArray(heights, HEIGHTS_COUNT, 1) }, { seed, maxIterations: 3, tolerance: 0 });
    const view = viewOf(expected.parameters);
    const shown = await page.locator('#m1-table td[data-name]').evaluateAll((cells) => cells.map((cell) => [cell.getAttribute('data-name'), Number(cell.getAttribute('data-value'))] as const));
    const byName = (name: string): number[] => shown.filter(([cellName]) => cellName === name).map(([, value]) => value);
    byName('weight').forEach((value, j) => expect(relativeDifference(value, view.weights[j] as number)).toBeLessThan(1e-9));
    byName('mean').forEach((value, j) => expect(relativeDifference(value, view.means[j] as number)).toBeLessThan(1e-9));
    byName('sd').forEach((value, j) => expect(relativeDifference(value, Math.sqrt(view.covariances[j] as number))).toBeLessThan(1e-9));
    expect(byName('weight')).toHaveLength(2);
    expect(relativeDifference(Number(await page.locator('#m1-log-likelihood').getAttribute('data-value')), expected.logLikelihood)).toBeLessThan(1e-9);
    // The chart: θ_0 … θ_3, labelled log-likelihood and objective.
    expect(await page.locator('#m1-chart circle.likelihood-point').count()).toBe(4);
    expect(await page.locator('#m1-chart text.legend-label').allTextContents()).toEqual(['log-likelihood', 'objective = log-likelihood + log-prior (regCovar)']);

    // Play runs on, Pause stops it.
    await page.selectOption('#m1-speed', '40');
    await page.click('#m1-play');
    expect(await page.locator('#m1-play').getAttribute('aria-pressed')).toBe('true');
    await page.waitForFunction(() => Number(document.querySelector('#m1-iteration')?.getAttribute('data-value')) >= 5);
    await page.click('#m1-play');
    expect(await page.locator('#m1-play').getAttribute('aria-pressed')).toBe('false');
    expect(session.pageErrors).toEqual([]);
  });

  it('switches to a column of the embedded data, and the tabs work from the keyboard', async () => {
    const { page } = session;
    await openView(session, 'mixture-1d');
    await page.selectOption('#m1-source', 'petal-length');
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.locator('#m1-histogram path.component-density').count()).toBe(3);
    expect(await page.locator('#m1-histogram line.rug').count()).toBe(150);
    expect(await page.locator('#m1-truth').isVisible()).toBe(false);

    await page.locator('#tab-mixture-1d').focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector('body[data-view="gaussian-2d"][data-state="ready"]');
    expect(await page.locator('#tab-gaussian-2d').getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('#tab-mixture-1d').getAttribute('aria-selected')).toBe('false');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-gaussian-2d');
    expect(page.url()).toMatch(/#gaussian-2d$/);
    await page.keyboard.press('End');
    const last = page.locator('#view-tabs [role="tab"]').last();
    expect(await last.getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Home');
    await page.waitForSelector('body[data-view="mixture-1d"][data-state="ready"]');
    expect(session.pageErrors).toEqual([]);
  });

  it('is readable at phone width (no horizontal scrolling)', async () => {
    const { page } = session;
    await page.setViewportSize({ width: 390, height: 844 });
    await openView(session, 'mixture-1d');
    expect(await fitsWidth(page)).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
