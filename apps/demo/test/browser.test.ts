// End-to-end: the built page (dist/) served over HTTP, driven in headless Debian Chromium.
// The test script builds first (`vite build && vitest run`); turbo's test task also depends on build.
import { existsSync, readFileSync, statSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitEm } from '@em/core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetById, observationsOf } from '../src/datasets.js';
import { createDemoMixture, type CovarianceType, type InitializationMethod } from '../src/model/demo-mixture.js';

/** Debian's Chromium; EM_CHROMIUM points elsewhere (e.g. another distribution's binary). */
const CHROMIUM = process.env['EM_CHROMIUM'] ?? '/usr/bin/chromium';
const here = fileURLToPath(new URL('.', import.meta.url));
const distDirectory = resolve(here, '../dist');
const resultsDirectory = resolve(here, '../test-results');
const skipBrowser = process.env['EM_SKIP_BROWSER'] === '1';

if (skipBrowser) {
  console.warn('\n*** EM_SKIP_BROWSER=1: the end-to-end browser test of @em/demo is SKIPPED. ***\n');
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** A minimal static file server over dist/ on a free localhost port. */
function serveDist(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(distDirectory, path === '/' ? 'index.html' : path));
    if (!file.startsWith(distDirectory) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => done({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }));
  });
}

function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

describe.skipIf(skipBrowser)('demo page in headless Chromium', () => {
  let browser: Browser;
  let server: Server;
  let url: string;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) or set EM_CHROMIUM to a Chromium binary, or set EM_SKIP_BROWSER=1 to skip this test.`);
    }
    if (!existsSync(join(distDirectory, 'index.html'))) {
      throw new Error(`${distDirectory}/index.html is missing: run \`pnpm --filter @em/demo build\` (the test script does it first).`);
    }
    ({ server, url } = await serveDist());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
    });
    page = await browser.newPage({ viewport: { width: 1240, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server === undefined ? done(undefined) : server.close(done)));
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
});
