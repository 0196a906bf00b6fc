// End-to-end: the count-mixture view draws K prototype images that form as EM steps, on the same
// path as fitEm in Node, and a multinomial mixture that recovers the generated topics.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fitEm } from '@em/core';
import { createBernoulliMixtureModel } from '@em/multinomial-mixture';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateGlyphImages, GLYPH_SIZE, GLYPHS } from '../src/views/count-mixture/glyphs.js';
import { TOPICS } from '../src/views/count-mixture/topic-corpus.js';
import { fitsWidth, openBrowser, openView, resultsDirectory, skipBrowser, type BrowserSession } from './browser-harness.js';

const ID = 'count-mixture';

function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

/** Pearson correlation of two equal-length vectors. */
function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let j = 0; j < n; j++) {
    ma += a[j] as number;
    mb += b[j] as number;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let j = 0; j < n; j++) {
    const da = (a[j] as number) - ma;
    const db = (b[j] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe.skipIf(skipBrowser)('count-mixture view in headless Chromium', () => {
  let session: BrowserSession;

  beforeAll(async () => {
    session = await openBrowser();
  });

  afterAll(async () => {
    await session?.close();
  });

  /** Each prototype's pixel values, as drawn. */
  const prototypes = (): Promise<number[][]> =>
    session.page.$$eval('svg.prototype', (svgs) => svgs.map((svg) => [...svg.querySelectorAll('rect.pixel')].map((rect) => Number(rect.getAttribute('data-value')))));

  it('draws K prototype images of 12×12 that change as EM steps, along the path of fitEm', async () => {
    const { page } = session;
    await openView(session, ID);
    const settings = {
      items: Number(await page.locator(`#${ID}-items`).inputValue()),
      groups: Number(await page.locator(`#${ID}-groups`).inputValue()),
      noise: Number(await page.locator(`#${ID}-noise`).inputValue()),
      dataSeed: Number(await page.locator(`#${ID}-data-seed`).inputValue()),
      components: Number(await page.locator(`#${ID}-components`).inputValue()),
      seed: Number(await page.locator(`#${ID}-seed`).inputValue()),
    };
    expect(settings).toEqual({ items: 300, groups: 4, noise: 0.08, dataSeed: 1, components: 4, seed: 7 });

    const before = await prototypes();
    expect(before).toHaveLength(settings.components);
    for (const image of before) {
      expect(image).toHaveLength(GLYPH_SIZE * GLYPH_SIZE);
      for (const value of image) expect(value >= 0 && value <= 1).toBe(true);
    }
    expect(await page.locator('svg.prototype[data-side="12"]').count()).toBe(settings.components);
    // Some of the data is shown too.
    expect(await page.locator('svg.sample').count()).toBe(24);

    // Three steps with the mouse, a fourth from the keyboard.
    for (let step = 1; step <= 3; step++) {
      await page.click(`#${ID}-step`);
      await page.waitForFunction(([id, expected]) => document.querySelector(`#${id}-iteration`)?.getAttribute('data-value') === String(expected), [ID, step] as const);
    }
    await page.focus(`#${ID}-step`);
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => document.querySelector(`#${id}-iteration`)?.getAttribute('data-value') === '4', ID);

    const after = await prototypes();
    const moved = after.map((image, k) => Math.max(...image.map((value, j) => Math.abs(value - (before[k]?.[j] as number)))));
    for (const change of moved) expect(change).toBeGreaterThan(1e-3);

    // The same four iterations in Node.
    const images = generateGlyphImages({ count: settings.items, seed: settings.dataSeed, noise: settings.noise, shapes: settings.groups });
    const model = createBernoulliMixtureModel({ components: settings.components, init: 'random' });
    const expected = fitEm(model, { observations: images.pixels }, { seed: settings.seed, maxIterations: 4, tolerance: 0 });
    const shown = Number(await page.locator(`#${ID}-log-likelihood`).getAttribute('data-value'));
    const shownObjective = Number(await page.locator(`#${ID}-objective`).getAttribute('data-value'));
    expect(relativeDifference(shown, expected.logLikelihood)).toBeLessThan(1e-9);
    expect(relativeDifference(shownObjective, expected.objective)).toBeLessThan(1e-9);
    const v = GLYPH_SIZE * GLYPH_SIZE;
    after.forEach((image, k) => image.forEach((value, j) => expect(Math.abs(value - (expected.parameters.components.probabilities[k * v + j] as number))).toBeLessThan(1e-9)));

    // The chart: one point per iteration plus θ0, labelled log-likelihood and objective.
    expect(await page.locator(`#${ID}-chart circle.likelihood-point`).count()).toBe(5);
    const labels = await page.locator(`#${ID}-chart text.legend-label, #${ID}-chart text.y-axis-label`).allTextContents();
    expect(labels).toEqual(['log-likelihood, objective (nats)', 'log-likelihood', 'objective = log-likelihood + log-prior (Beta pseudocount 0.01)']);
  });

  it('plays to convergence and the prototypes become the hidden shapes', async () => {
    const { page } = session;
    await openView(session, ID);
    await page.click(`#${ID}-play`);
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    expect(await page.locator(`#${ID}-stop-reason`).getAttribute('data-value')).toBe('converged');
    const final = await prototypes();
    // From the default start every shape gets its prototype (noise and shifts blur it, so a correlation, not equality).
    for (const glyph of GLYPHS.slice(0, 4)) {
      const clean = glyph.rows.flatMap((row) => [...row].map((c) => (c === '#' ? 1 : 0)));
      const best = Math.max(...final.map((image) => correlation(image, clean)));
      expect(best, glyph.name).toBeGreaterThan(0.85);
    }
    const weights = await page.$$eval('.cm-weight', (nodes) => nodes.map((node) => Number(node.getAttribute('data-value'))));
    expect(Math.abs(weights.reduce((s, w) => s + w, 0) - 1)).toBeLessThan(1e-9);
    // The objective never went down.
    const objective = await page.$$eval(`#${ID}-chart circle.likelihood-point title`, (titles) => titles.map((t) => Number(/objective (\S+)/.exec(t.textContent ?? '')?.[1])));
    for (let t = 1; t < objective.length; t++) expect(objective[t] as number).toBeGreaterThanOrEqual((objective[t - 1] as number) - 1e-9 * Math.abs(objective[t - 1] as number));
    mkdirSync(resultsDirectory, { recursive: true });
    await page.screenshot({ path: join(resultsDirectory, 'count-mixture-images.png'), fullPage: true });
    expect(session.pageErrors).toEqual([]);
  });

  it('recovers one topic per component on the generated documents, and fits a phone-width screen', async () => {
    const { page } = session;
    await openView(session, ID);
    await page.selectOption(`#${ID}-example`, 'documents');
    await page.waitForSelector('body[data-state="ready"] tr.cm-component');
    expect(await page.locator('tr.cm-component').count()).toBe(4);
    // Pixel noise means nothing for documents: hidden.
    expect(await page.locator(`#${ID}-noise`).isVisible()).toBe(false);
    await page.click(`#${ID}-play`);
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    // Mixed topics: EM needs a while, so there is something to watch.
    expect(Number(await page.locator(`#${ID}-iteration`).getAttribute('data-value'))).toBeGreaterThanOrEqual(8);
    const tops = await page.$$eval('tr.cm-component', (rows) => rows.map((row) => [...row.querySelectorAll('.cm-word')].slice(0, 3).map((node) => node.firstChild?.textContent?.trim() ?? '')));
    const topicOf = (word: string): number => TOPICS.findIndex((topic) => topic.words.includes(word));
    const found = tops.map((words) => {
      const topics = new Set(words.map(topicOf));
      expect(topics.size, words.join(', ')).toBe(1);
      return [...topics][0];
    });
    expect(new Set(found).size).toBe(4);
    expect(found).not.toContain(-1);
    const labels = await page.locator(`#${ID}-chart text.legend-label`).allTextContents();
    expect(labels).toContain('objective = log-likelihood + log-prior (Dirichlet pseudocount 0.01)');

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await fitsWidth(page)).toBe(true);
    await page.screenshot({ path: join(resultsDirectory, 'count-mixture-documents-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(session.pageErrors).toEqual([]);
  });
});
