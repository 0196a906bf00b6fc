// End-to-end: the model-selection view draws BIC/ICL against K for every covariance model (fitted
// in a Web Worker), marks the same choice as selectGaussianMixture in Node, and shows the chosen
// model's classification uncertainty.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { COVARIANCE_MODELS, selectGaussianMixture } from '@em/gaussian-mixture';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetById, observationsOf } from '../src/datasets.js';
import { fitsWidth, openBrowser, openView, resultsDirectory, skipBrowser, type BrowserSession } from './browser-harness.js';

const ID = 'model-selection';

describe.skipIf(skipBrowser)('model-selection view in headless Chromium', () => {
  let session: BrowserSession;

  beforeAll(async () => {
    session = await openBrowser();
  });

  afterAll(async () => {
    await session?.close();
  });

  it('draws one BIC line per covariance model over K = 1 … 9 and rings the model selectGaussianMixture chooses', async () => {
    const { page } = session;
    await openView(session, ID, 120_000);
    expect(await page.locator(`#${ID}-dataset`).inputValue()).toBe('faithful');
    const maxComponents = Number(await page.locator(`#${ID}-max-components`).inputValue());
    const seed = Number(await page.locator(`#${ID}-seed`).inputValue());
    expect({ maxComponents, seed }).toEqual({ maxComponents: 9, seed: 0 });

    // Progress reached the end of the grid.
    expect(Number(await page.locator(`#${ID}-progress`).getAttribute('value'))).toBe(COVARIANCE_MODELS.length * 9);

    const lines = await page.$$eval(`#${ID}-chart path.criterion-line`, (paths) => paths.map((path) => path.getAttribute('data-model')));
    expect(lines).toEqual([...COVARIANCE_MODELS]);
    const reference = selectGaussianMixture({ data: observationsOf(datasetById('faithful'), [0, 1]), components: [1, 2, 3, 4, 5, 6, 7, 8, 9], seed: 0 });
    for (const model of COVARIANCE_MODELS) {
      const points = await page.$$eval(`#${ID}-chart circle.criterion-point[data-model="${model}"]`, (circles) =>
        circles.map((circle) => ({ components: Number(circle.getAttribute('data-components')), value: Number(circle.getAttribute('data-value')) })),
      );
      // One point per K that could be fitted, each the BIC of the same fit in Node.
      const fitted = reference.table.filter((row) => row.model === model && Number.isFinite(row.bic));
      expect(points.map((point) => point.components)).toEqual(fitted.map((row) => row.components));
      points.forEach((point, j) => expect(Math.abs(point.value - (fitted[j]?.bic as number)) / Math.abs(fitted[j]?.bic as number)).toBeLessThan(1e-9));
    }
    expect(reference.table.filter((row) => Number.isFinite(row.bic)).length).toBeGreaterThan(100);

    const marker = page.locator(`#${ID}-chart circle.chosen-marker`);
    expect(await marker.count()).toBe(1);
    expect(await marker.getAttribute('data-model')).toBe(reference.best.model);
    expect(Number(await marker.getAttribute('data-components'))).toBe(reference.best.components);
    expect(await page.locator(`#${ID}-chart text.y-axis-label`).textContent()).toContain('lower is better');

    // The scatter: the chosen model's clusters, every point's uncertainty within [0, 1 − 1/K].
    expect(await page.locator(`#${ID}-scatter`).getAttribute('data-model')).toBe(reference.best.model);
    const points = await page.$$eval(`#${ID}-scatter circle.point`, (circles) =>
      circles.map((circle) => ({ uncertainty: Number(circle.getAttribute('data-uncertainty')), component: Number(circle.getAttribute('data-class')), radius: Number(circle.getAttribute('r')) })),
    );
    expect(points).toHaveLength(272);
    const k = reference.best.components;
    for (const point of points) {
      expect(point.uncertainty >= 0 && point.uncertainty <= 1 - 1 / k + 1e-12).toBe(true);
      expect(point.component >= 0 && point.component < k).toBe(true);
    }
    const expectedUncertainty = reference.model.predictProba(observationsOf(datasetById('faithful'), [0, 1])).map((row) => 1 - Math.max(...row));
    const shown = await page.$$eval(`#${ID}-scatter circle.point`, (circles) => circles.map((circle) => [Number(circle.getAttribute('data-index')), Number(circle.getAttribute('data-uncertainty'))] as const));
    for (const [index, value] of shown) expect(Math.abs(value - (expectedUncertainty[index] as number))).toBeLessThan(1e-9);
    // Bigger points are the less certain ones.
    const sorted = [...points].sort((a, b) => a.uncertainty - b.uncertainty);
    expect((sorted.at(-1)?.radius as number) > (sorted[0]?.radius as number)).toBe(true);

    mkdirSync(resultsDirectory, { recursive: true });
    await page.screenshot({ path: join(resultsDirectory, 'model-selection-faithful.png'), fullPage: true });
    expect(session.pageErrors).toEqual([]);
  });

  it('switches to ICL from the keyboard and reruns on iris, readable at phone width', async () => {
    const { page } = session;
    await openView(session, ID, 120_000);
    await page.focus(`#${ID}-criterion`);
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction((id) => document.querySelector(`#${id}-chart`)?.getAttribute('data-criterion') === 'icl', ID);
    expect(await page.locator(`#${ID}-chart text.y-axis-label`).textContent()).toContain('ICL');
    // The ring is on the lowest ICL drawn.
    const values = await page.$$eval(`#${ID}-chart circle.criterion-point`, (circles) =>
      circles.map((circle) => ({ model: circle.getAttribute('data-model'), components: Number(circle.getAttribute('data-components')), value: Number(circle.getAttribute('data-value')) })),
    );
    const lowest = values.reduce((best, point) => (point.value < best.value ? point : best));
    const marker = page.locator(`#${ID}-chart circle.chosen-marker`);
    expect(await marker.getAttribute('data-model')).toBe(lowest.model);
    expect(Number(await marker.getAttribute('data-components'))).toBe(lowest.components);

    // Zoom from the keyboard: only the best half of the values is drawn, the ring stays.
    const allPoints = values.length;
    await page.focus(`#${ID}-zoom`);
    await page.keyboard.press('Space');
    expect(await page.locator(`#${ID}-zoom`).isChecked()).toBe(true);
    const zoomed = await page.locator(`#${ID}-chart circle.criterion-point`).count();
    expect(zoomed).toBeLessThan(allPoints);
    expect(zoomed).toBeGreaterThanOrEqual(Math.ceil(allPoints / 2));
    expect(await page.locator(`#${ID}-chart circle.chosen-marker`).count()).toBe(1);

    await page.selectOption(`#${ID}-dataset`, 'iris');
    await page.waitForSelector('body[data-state="done"]', { timeout: 120_000 });
    expect(await page.locator(`#${ID}-scatter circle.point`).count()).toBe(150);
    expect(await page.locator(`#${ID}-chart path.criterion-line`).count()).toBe(COVARIANCE_MODELS.length);
    expect(await page.locator(`#${ID}-chart circle.chosen-marker`).count()).toBe(1);

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await fitsWidth(page)).toBe(true);
    await page.screenshot({ path: join(resultsDirectory, 'model-selection-iris-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(session.pageErrors).toEqual([]);
  });
});
