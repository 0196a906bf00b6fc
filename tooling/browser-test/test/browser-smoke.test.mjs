// Browser smoke test: the built ESM dist/ of the @em packages, served unbundled from a local
// static server and resolved through an import map, run the same fits in headless Chromium as
// in Node — and must give the same numbers, |Δ| ≤ 1e-12 · max(1, |x|). Not bit-exact on purpose:
// Math.log, Math.exp, Math.pow… are not required to be correctly rounded, and Node 20's V8 and a
// current Chromium's differ in the last bit for a few percent of arguments (so even
// Random.normal differs by an ulp; the uniform stream is bit-identical). EM_BROWSER_DEBUG=1 prints
// the bit-level differences of every scenario.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, MISSING_CHROMIUM_MESSAGE, SKIP_BROWSER, chromiumInstalled } from '../src/chromium.mjs';
import { differences } from '../src/compare.mjs';
import { buildModuleGraph } from '../src/module-graph.mjs';
import { PAGE_PACKAGES, pageEntrySource } from '../src/packages.mjs';
import { pageHtml } from '../src/page.mjs';
import { SCENARIOS } from '../src/scenarios.mjs';
import { startStaticServer } from '../src/static-server.mjs';

const PACKAGE_DIRECTORY = fileURLToPath(new URL('..', import.meta.url));
const TOLERANCE = 1e-12;
const PAGE_TIMEOUT_MS = 90_000;

if (SKIP_BROWSER) {
  console.warn(
    '\n######## @em/browser-test: SKIPPED because EM_SKIP_BROWSER=1 — the built packages were NOT checked in a browser. ########\n',
  );
}

describe.skipIf(SKIP_BROWSER)('built packages in headless Chromium', () => {
  /** @type {{ origin: string, requested: string[], close: () => Promise<void> } | undefined} */
  let server;
  /** @type {import('playwright-core').Browser | undefined} */
  let browser;
  /** Results per scenario: in the browser, and in Node. */
  let browserResults = {};
  /** @type {{ compiled: number[]; refused: string[] } | undefined} */
  let wasmCompiles;
  let nodeResults = {};
  const problems = [];

  beforeAll(async () => {
    if (!chromiumInstalled()) return;
    const graph = await buildModuleGraph(
      PAGE_PACKAGES.map((entry) => entry.specifier),
      PACKAGE_DIRECTORY,
    );
    const routes = new Map(graph.files);
    routes.set('/', { text: pageHtml(graph.importMap), type: '.html' });
    routes.set('/entry.mjs', { text: pageEntrySource() });
    routes.set('/scenarios.mjs', { path: fileURLToPath(new URL('../src/scenarios.mjs', import.meta.url)) });
    routes.set('/compare.mjs', { path: fileURLToPath(new URL('../src/compare.mjs', import.meta.url)) });
    server = await startStaticServer(routes);

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
    });
    await page.goto(`${server.origin}/`);
    await Promise.race([
      page.waitForFunction(() => typeof globalThis.emSmokeResults === 'string', undefined, { timeout: PAGE_TIMEOUT_MS }),
      // A module that fails to load never sets the results: stop waiting at the first error.
      new Promise((_, reject) => {
        const timer = setInterval(() => {
          if (problems.length > 0) {
            clearInterval(timer);
            reject(new Error(`The smoke page failed to load:\n${problems.join('\n')}`));
          }
        }, 100);
        page.once('close', () => clearInterval(timer));
        page.waitForFunction(() => typeof globalThis.emSmokeResults === 'string', undefined, { timeout: PAGE_TIMEOUT_MS }).then(
          () => clearInterval(timer),
          () => clearInterval(timer),
        );
      }),
    ]);
    browserResults = JSON.parse(await page.evaluate(() => globalThis.emSmokeResults));
    wasmCompiles = await page.evaluate(() => globalThis.emWasmCompiles);

    const node = spawnSync(process.execPath, [fileURLToPath(new URL('../src/node-run.mjs', import.meta.url))], {
      cwd: PACKAGE_DIRECTORY,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (node.status !== 0) throw new Error(`The Node run failed (exit ${node.status}):\n${node.stderr}`);
    nodeResults = JSON.parse(node.stdout);
  }, PAGE_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('compiles every WebAssembly SIMD kernel module on the main thread (no silent TypeScript fallback)', () => {
    if (!chromiumInstalled()) return;
    expect(wasmCompiles?.refused).toEqual([]);
    // core's E-step kernel, the Gaussian kernels (two modules), at least one multinomial module.
    expect(wasmCompiles?.compiled.length ?? 0).toBeGreaterThanOrEqual(4);
  });

  it('has Chromium to run in', () => {
    expect(chromiumInstalled(), MISSING_CHROMIUM_MESSAGE).toBe(true);
  });

  it('loads every package from its dist/ through the import map, with no errors or missing files', () => {
    expect(problems).toEqual([]);
    const requested = server?.requested ?? [];
    for (const entry of PAGE_PACKAGES) {
      const name = entry.specifier.slice('@em/'.length);
      expect(requested.some((path) => path.startsWith(`/packages/${name}/dist/`)), `${entry.specifier} was not loaded from dist/`).toBe(true);
    }
    // Only built files, vendored bundles and the page itself: never a package's src/.
    expect(requested.filter((path) => !/^\/(packages\/[^/]+\/dist\/|vendor\/|$|entry\.mjs$|scenarios\.mjs$|compare\.mjs$|favicon\.ico$)/.test(path))).toEqual([]);
  });

  it.each(Object.keys(SCENARIOS))('%s: the browser gives the Node result', (name) => {
    const inBrowser = browserResults[name];
    const inNode = nodeResults[name];
    expect(inNode?.error, `the scenario failed in Node:\n${inNode?.error}`).toBeUndefined();
    expect(inBrowser?.error, `the scenario failed in the browser:\n${inBrowser?.error}`).toBeUndefined();
    expect(inBrowser?.value).toBeDefined();
    if (process.env.EM_BROWSER_DEBUG === '1') console.log(name, 'bit-level differences:', differences(inBrowser.value, inNode.value, 0, '$', [], 10));
    expect(differences(inBrowser.value, inNode.value, TOLERANCE)).toEqual([]);
  });
});
