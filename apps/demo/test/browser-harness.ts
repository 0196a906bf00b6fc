// Shared set-up of the end-to-end tests: the built page (dist/) served over HTTP and driven in
// headless Debian Chromium (playwright-core; EM_CHROMIUM points elsewhere, EM_SKIP_BROWSER=1 skips).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env['EM_CHROMIUM'] ?? '/usr/bin/chromium';
export const skipBrowser = process.env['EM_SKIP_BROWSER'] === '1';
const here = fileURLToPath(new URL('.', import.meta.url));
export const distDirectory = resolve(here, '../dist');
export const resultsDirectory = resolve(here, '../test-results');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface BrowserSession {
  readonly browser: Browser;
  readonly page: Page;
  readonly url: string;
  /** Uncaught page errors and console errors, in order. */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

/** Serves dist/ on a free localhost port and opens one Chromium page on it. */
export async function openBrowser(viewport = { width: 1280, height: 800 }): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) or set EM_CHROMIUM to a Chromium binary, or set EM_SKIP_BROWSER=1 to skip this test.`);
  }
  if (!existsSync(join(distDirectory, 'index.html'))) {
    throw new Error(`${distDirectory}/index.html is missing: run \`pnpm --filter @em/demo build\` (the test script does it first).`);
  }
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(distDirectory, path === '/' ? 'index.html' : path));
    if (!file.startsWith(distDirectory) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  const url = await new Promise<string>((done) => {
    server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`));
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
  const page = await browser.newPage({ viewport });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  return {
    browser,
    page,
    url,
    pageErrors,
    async close() {
      await browser.close();
      await new Promise((done) => server.close(done));
    },
  };
}

/** Opens a view by its registry id and waits until it says it is ready. */
export async function openView(session: BrowserSession, id: string, timeout = 30_000): Promise<void> {
  // A fresh load each time (a hash-only change would keep the previous view's state).
  await session.page.goto('about:blank');
  // A fresh load: a second goto to the same URL#hash would only be a same-document navigation.
  await session.page.goto('about:blank');
  await session.page.goto(`${session.url}#${id}`);
  await session.page.waitForSelector(`body[data-view="${id}"][data-state="ready"]`, { timeout });
}

/** True when the page needs no horizontal scrolling (readable at phone width). */
export async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}
