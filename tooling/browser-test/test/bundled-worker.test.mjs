// A worker bundled by a user's bundler must fit, in a browser. A model package's worker entry is
// nothing but a side effect (serveModels); with "sideEffects": false bundlers dropped it — esbuild
// wrote a 0-byte worker, Vite 7 an empty chunk — and fitAsync waited for its 10-minute timeout.
// Here the page in bundle-app/ is bundled with esbuild and with Vite 7 (from the packages' dist/,
// build them first), served on 127.0.0.1 and run in headless Chromium: the fit on two bundled
// Web Workers must equal the fit in the page's thread, and broken workers must fail fast with a
// WorkerError. Also: @em/core/parallel bundles for the browser platform with no configuration.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCoreParallelForBrowser, bundleWithEsbuild, bundleWithVite } from '../src/bundles.mjs';
import { runBundledPage } from '../src/bundle-page.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH, MISSING_CHROMIUM_MESSAGE, SKIP_BROWSER, chromiumInstalled } from '../src/chromium.mjs';

/** Same data, same start, same arithmetic up to the order of the chunk sums. */
const RELATIVE_TOLERANCE = 1e-9;
/** The page asks for a 3 s start timeout on the empty worker; allow for a slow machine. */
const FAST_FAILURE_MS = 10_000;

describe('@em/core/parallel bundles for the browser as it is', () => {
  it('builds with esbuild for platform "browser" without a Node built-in', async () => {
    const { text, imports, warnings } = await bundleCoreParallelForBrowser();
    expect(warnings).toEqual([]);
    expect(imports.filter((path) => /^(node:)?(os|worker_threads|child_process|fs|path)$/.test(path))).toEqual([]);
    expect(text).toContain('em:e-step');
  });
});

describe.skipIf(SKIP_BROWSER)('a bundled worker fits in headless Chromium', () => {
  /** @type {import('playwright-core').Browser | undefined} */
  let browser;
  const temporary = [];

  beforeAll(async () => {
    if (chromiumInstalled()) browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const directory of temporary) await rm(directory, { recursive: true, force: true });
  });

  it('has Chromium to run in', () => {
    expect(chromiumInstalled(), MISSING_CHROMIUM_MESSAGE).toBe(true);
  });

  describe.each([
    ['esbuild', bundleWithEsbuild],
    ['Vite', bundleWithVite],
  ])('bundled with %s', (_name, bundle) => {
    /** @type {{ files: Map<string, string>, pagePath: string, workerPath: string } | undefined} */
    let bundled;

    beforeAll(async () => {
      const directory = await mkdtemp(join(tmpdir(), 'em-bundle-'));
      temporary.push(directory);
      bundled = await bundle(directory);
    }, 120_000);

    it("keeps the worker entry's serveModels call (the packages list their worker in sideEffects)", async () => {
      const worker = await readFile(bundled.files.get(bundled.workerPath), 'utf8');
      // 'em:ready' is what serveModels posts once it listens: the call survived bundling.
      expect(worker).toContain('em:ready');
    });

    it.each([
      ['copied data (not cross-origin isolated)', false],
      ['SharedArrayBuffer data (cross-origin isolated)', true],
    ])('fits on two bundled Web Workers as in the page, with %s', async (_label, isolated) => {
      if (browser === undefined) return;
      const { results, problems } = await runBundledPage(browser, bundled, { isolated });
      expect(problems).toEqual([]);
      expect(results.fatal).toBeUndefined();
      expect(results.crossOriginIsolated).toBe(isolated);
      const { onWorkers, inPage } = results;
      expect(onWorkers.error, JSON.stringify(onWorkers.error)).toBeUndefined();
      expect(onWorkers.tasksSent).toBeGreaterThan(0);
      expect(onWorkers.fit.iterations).toBe(inPage.iterations);
      expect(onWorkers.fit.stopReason).toBe(inPage.stopReason);
      expect(Number.isFinite(inPage.logLikelihood)).toBe(true);
      expect(Math.abs(onWorkers.fit.logLikelihood - inPage.logLikelihood)).toBeLessThanOrEqual(RELATIVE_TOLERANCE * Math.max(1, Math.abs(inPage.logLikelihood)));
      const flat = (means) => means.flat(Infinity);
      const meansInPage = flat(inPage.means);
      flat(onWorkers.fit.means).forEach((value, index) => {
        expect(Math.abs(value - meansInPage[index])).toBeLessThanOrEqual(RELATIVE_TOLERANCE * Math.max(1, Math.abs(meansInPage[index])));
      });

      // A worker that loads but never serves (what "sideEffects": false made of it) and one that
      // does not exist: a WorkerError within seconds, not the 10-minute task timeout.
      for (const broken of [results.emptyWorker, results.missingWorker]) {
        expect(broken.error?.name, JSON.stringify(broken)).toBe('WorkerError');
        expect(broken.milliseconds).toBeLessThan(FAST_FAILURE_MS);
      }
      expect(results.emptyWorker.error.message).toMatch(/serveModels.*sideEffects/);
    }, 120_000);
  });
});
