// End-to-end: the hidden Markov model view (dishonest casino) in headless Chromium.
import { fitEm } from '@em/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateCasino } from '../src/views/hmm/casino.js';
import { WORKER_THRESHOLD_ROLLS } from '../src/views/hmm/hmm-fit-messages.js';
import { agreement, casinoHmm, casinoSequence, createHmmSession, runToConvergence } from '../src/views/hmm/hmm-session.js';
import { DEFAULT_ROLLS } from '../src/views/hmm/hmm-view.js';
import { fitsWidth, openBrowser, openView, skipBrowser, type BrowserSession } from './browser-harness.js';

describe.skipIf(skipBrowser)('hidden Markov model view in headless Chromium', () => {
  let session: BrowserSession;
  beforeAll(async () => {
    session = await openBrowser({ width: 1280, height: 800 });
  });
  afterAll(async () => {
    await session?.close();
  });

  /** The loaded-posterior path: its number of points, its values' range, and its vertices inside the panel. */
  async function posteriorPath(): Promise<{ points: number; min: number; max: number; vertices: number }> {
    const path = session.page.locator('#hmm-timeline path.loaded-posterior');
    const d = (await path.getAttribute('d')) ?? '';
    return {
      points: Number(await path.getAttribute('data-points')),
      min: Number(await path.getAttribute('data-min')),
      max: Number(await path.getAttribute('data-max')),
      vertices: (d.match(/[ML]/g) ?? []).length,
    };
  }

  it('categorical: steps Baum–Welch along fitEm’s path, then the fitted Viterbi path matches the true dice on > 80% of rolls', async () => {
    const { page } = session;
    await openView(session, 'hmm');
    const seed = Number(await page.locator('#hmm-seed').inputValue());
    expect(Number(await page.locator('#hmm-length').inputValue())).toBe(DEFAULT_ROLLS);
    const rolls = simulateCasino(DEFAULT_ROLLS, seed, 'categorical');
    // The rolls are drawn, with the truth's loaded stretches shaded.
    expect(await page.locator('#hmm-timeline path.roll-dots').count()).toBe(1);
    expect(await page.locator('#hmm-timeline rect.true-loaded').count()).toBeGreaterThan(0);
    const initial = await posteriorPath();
    expect(initial).toMatchObject({ points: DEFAULT_ROLLS, vertices: DEFAULT_ROLLS });
    expect(initial.min).toBeGreaterThanOrEqual(0);
    expect(initial.max).toBeLessThanOrEqual(1);

    for (let step = 1; step <= 3; step++) await page.click('#hmm-step');
    expect(await page.locator('#hmm-iteration').getAttribute('data-value')).toBe('3');
    const expected = fitEm(casinoHmm('categorical', seed).model, casinoSequence(rolls), { seed, maxIterations: 3, tolerance: 0 });
    const shown = Number(await page.locator('#hmm-log-likelihood').getAttribute('data-value'));
    expect(Math.abs(shown - expected.logLikelihood) / Math.abs(expected.logLikelihood)).toBeLessThan(1e-9);
    expect(await page.locator('#hmm-chart circle.likelihood-point').count()).toBe(4);
    expect(await page.locator('#hmm-chart text.y-axis-label').textContent()).toBe('log-likelihood (nats)');

    await page.click('#hmm-fit');
    await page.waitForSelector('body[data-state="done"]');
    expect(await page.locator('#hmm-stop').getAttribute('data-value')).toBe('converged');
    expect(Number(await page.locator('#hmm-agreement').getAttribute('data-value'))).toBeGreaterThan(0.8);
    const fitted = await posteriorPath();
    expect(fitted.points).toBe(DEFAULT_ROLLS);
    expect(fitted.min).toBeGreaterThanOrEqual(0);
    expect(fitted.max).toBeLessThanOrEqual(1);
    // The learned posterior is decisive somewhere in both directions.
    expect(fitted.min).toBeLessThan(0.2);
    expect(fitted.max).toBeGreaterThan(0.8);
    // The Viterbi strip is drawn, the learned matrices are stochastic, and the loaded die favours six.
    expect(await page.locator('#hmm-timeline rect.viterbi-loaded').count()).toBeGreaterThan(0);
    const cells = Object.fromEntries(
      await page.locator('#hmm-transitions td[data-name], #hmm-emissions td[data-name]').evaluateAll((all) => all.map((cell) => [cell.getAttribute('data-name'), Number(cell.getAttribute('data-value'))])),
    ) as Record<string, number>;
    for (const i of [0, 1]) expect(Math.abs((cells[`a-${i}-0`] as number) + (cells[`a-${i}-1`] as number) - 1)).toBeLessThan(1e-9);
    expect(cells['b-1-5'] as number).toBeGreaterThan(cells['b-0-5'] as number);
    expect(cells['a-0-0'] as number).toBeGreaterThan(0.9);
    expect(session.pageErrors).toEqual([]);
  });

  it('Gaussian emissions: fits the readings and decodes the dice', async () => {
    const { page } = session;
    await openView(session, 'hmm');
    await page.selectOption('#hmm-emission', 'gaussian');
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.locator('#hmm-emissions td[data-name="mean-1"]').count()).toBe(1);
    await page.click('#hmm-fit');
    await page.waitForSelector('body[data-state="done"]');
    expect(Number(await page.locator('#hmm-agreement').getAttribute('data-value'))).toBeGreaterThan(0.8);
    const means = await page.locator('#hmm-emissions td[data-name^="mean-"]').evaluateAll((all) => all.map((cell) => Number(cell.getAttribute('data-value'))));
    // Simulated from 3.5 (fair) and 5.5 (loaded).
    expect(Math.abs((means[0] as number) - 3.5)).toBeLessThan(0.5);
    expect(Math.abs((means[1] as number) - 5.5)).toBeLessThan(0.5);
    // Play and Pause from the keyboard (buttons are reachable and pressable without a mouse).
    await page.click('#hmm-reset');
    await page.locator('#hmm-play').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => Number(document.querySelector('#hmm-iteration')?.getAttribute('data-value')) >= 2);
    await page.keyboard.press('Enter');
    expect(await page.locator('#hmm-play').getAttribute('aria-pressed')).toBe('false');
    expect(session.pageErrors).toEqual([]);
  });

  it('fits a long casino in a Web Worker, to the same result as the session in Node', async () => {
    const { page } = session;
    await openView(session, 'hmm');
    const length = 5000;
    expect(length).toBeGreaterThan(WORKER_THRESHOLD_ROLLS);
    await page.fill('#hmm-length', String(length));
    await page.dispatchEvent('#hmm-length', 'change');
    await page.waitForSelector('body[data-state="ready"]');
    await page.click('#hmm-step');
    await page.click('#hmm-fit');
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    expect(await page.locator('#hmm-fit').getAttribute('data-thread')).toBe('worker');
    expect(await page.locator('#hmm-phase').textContent()).toMatch(/in a Web Worker/);

    const rolls = simulateCasino(length, 0, 'categorical');
    const reference = createHmmSession(rolls, 'categorical', 0);
    runToConvergence(reference);
    const frame = reference.frame();
    expect(Number(await page.locator('#hmm-iteration').getAttribute('data-value'))).toBe(reference.iteration);
    const shown = Number(await page.locator('#hmm-log-likelihood').getAttribute('data-value'));
    expect(Math.abs(shown - frame.logLikelihood) / Math.abs(frame.logLikelihood)).toBeLessThan(1e-9);
    const agreed = Number(await page.locator('#hmm-agreement').getAttribute('data-value'));
    expect(agreed).toBeCloseTo(agreement(frame.viterbi, rolls.states), 12);
    expect(agreed).toBeGreaterThan(0.8);
    expect(await page.locator('#hmm-chart circle.likelihood-point').count()).toBe(reference.iteration + 1);
    // The buttons work again after the worker's reply.
    expect(await page.locator('#hmm-step').isDisabled()).toBe(false);
    expect(session.pageErrors).toEqual([]);
  });

  it('is readable at phone width (no horizontal scrolling)', async () => {
    const { page } = session;
    await page.setViewportSize({ width: 390, height: 844 });
    await openView(session, 'hmm');
    expect(await fitsWidth(page)).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
