// Screenshots of every registered view (the tabs the page draws from src/views/registry.ts), at
// 1280×800. Always written to test-results/; with EM_SCREENSHOTS=1 (`pnpm --filter @em/demo
// screenshots`) also to screenshots/, the committed PNGs the READMEs show.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIndexedPng } from './indexed-png.js';
import { openBrowser, openView, resultsDirectory, skipBrowser, type BrowserSession } from './browser-harness.js';

const publish = process.env['EM_SCREENSHOTS'] === '1';
const screenshotsDirectory = resolve(fileURLToPath(new URL('.', import.meta.url)), '../screenshots');
/** The README's budget per image. */
const MAX_BYTES = 80 * 1024;

/** What to do in a view before its picture is taken (views not listed are taken as they open). */
const prepare: Record<string, (page: Page) => Promise<void>> = {
  'mixture-1d': async (page) => {
    // Three EM iterations and an M-step: components moved, colours one step behind.
    for (let click = 0; click < 7; click++) await page.click('#m1-step');
  },
  'gaussian-2d': async (page) => {
    await page.selectOption('#speed', '0');
    await page.click('#fit');
    await page.waitForSelector('body[data-state="done"]');
  },
  hmm: async (page) => {
    await page.click('#hmm-fit');
    await page.waitForSelector('body[data-state="done"]');
  },
};

describe.skipIf(skipBrowser)('screenshots of every view', () => {
  let session: BrowserSession;
  beforeAll(async () => {
    session = await openBrowser({ width: 1280, height: 800 });
    // The shared 2-core machine can be busy: fits (some in workers) get time.
    session.page.setDefaultTimeout(120_000);
  });
  afterAll(async () => {
    await session?.close();
  });

  it('opens every registered view and photographs it', async () => {
    const { page } = session;
    await page.goto(session.url);
    await page.waitForSelector('#view-tabs [role="tab"]');
    const ids = await page.locator('#view-tabs [role="tab"]').evaluateAll((tabs) => tabs.map((tab) => tab.getAttribute('data-view') ?? ''));
    expect(ids.length).toBeGreaterThanOrEqual(5);
    mkdirSync(resultsDirectory, { recursive: true });
    if (publish) mkdirSync(screenshotsDirectory, { recursive: true });
    for (const id of ids) {
      await openView(session, id, 60_000);
      await prepare[id]?.(page);
      // Let a worker-backed view finish before the picture.
      await page.waitForFunction(() => document.body.dataset['state'] !== 'running', undefined, { timeout: 60_000 });
      const file = join(publish ? screenshotsDirectory : resultsDirectory, `${id}.png`);
      const png = await page.screenshot({ scale: 'css' });
      const { width, height, pixels } = await page.evaluate(async (base64) => {
        // The browser decodes its own PNG into RGBA; Node writes it back with a 256-colour palette.
        const image = new Image();
        image.src = `data:image/png;base64,${base64}`;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.width;
        canvas.height = image.height;
        const context = canvas.getContext('2d') as CanvasRenderingContext2D;
        context.drawImage(image, 0, 0);
        const data = context.getImageData(0, 0, image.width, image.height).data;
        let binary = '';
        for (let i = 0; i < data.length; i += 32768) binary += String.fromCharCode(...data.subarray(i, i + 32768));
        return { width: image.width, height: image.height, pixels: btoa(binary) };
      }, png.toString('base64'));
      const indexed = encodeIndexedPng(new Uint8Array(Buffer.from(pixels, 'base64')), width, height);
      writeFileSync(file, indexed);
      const bytes = indexed.length;
      console.log(`${id}.png: ${(bytes / 1024).toFixed(1)} KiB`);
      if (publish) expect(bytes, `${id}.png is larger than the README's budget`).toBeLessThanOrEqual(MAX_BYTES);
    }
    expect(session.pageErrors).toEqual([]);
  });
});
