// Serves a bundled page (from bundles.mjs) on 127.0.0.1 and runs it in headless Chromium until it
// publishes globalThis.emBundleResults.
import { startStaticServer } from './static-server.mjs';

const RESULTS_TIMEOUT_MS = 90_000;

/** Sent with every file when the page must be cross-origin isolated (SharedArrayBuffer available). */
const ISOLATION_HEADERS = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/** What a bundler leaves of a worker entry whose side effects it dropped. */
const EMPTY_WORKER = 'export {};\n';

/**
 * @param {import('playwright-core').Browser} browser
 * @param {{ files: Map<string, string>, pagePath: string }} bundle
 * @param {{ isolated: boolean }} options
 */
export async function runBundledPage(browser, bundle, { isolated }) {
  const routes = new Map([...bundle.files].map(([path, file]) => [path, { path: file }]));
  routes.set('/empty-worker.js', { text: EMPTY_WORKER });
  const server = await startStaticServer(routes, isolated ? ISOLATION_HEADERS : {});
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // The missing worker's 404 is part of the scenario.
    if (message.type() === 'error' && !/404|missing-worker/.test(message.text())) problems.push(`console error: ${message.text()}`);
  });
  try {
    await page.goto(`${server.origin}${bundle.pagePath}`);
    await page.waitForFunction(() => typeof globalThis.emBundleResults === 'string', undefined, { timeout: RESULTS_TIMEOUT_MS });
    const results = JSON.parse(await page.evaluate(() => globalThis.emBundleResults));
    return { results, problems, requested: [...server.requested] };
  } finally {
    await page.close();
    await server.close();
  }
}
