import { describe, expect, it } from 'vitest';
import { HEIGHTS_TRUTH, simulateHeights } from './heights.js';
import { binOf, histogramBins, histogramMarkup, normalDensity } from './histogram.js';

describe('the 1-D histogram', () => {
  it('puts every value in one of about √n bins, the extremes included', () => {
    const values = simulateHeights(400, 5);
    const bins = histogramBins(values);
    expect(bins.count).toBe(20);
    const counts = new Array<number>(bins.count).fill(0);
    for (const value of values) counts[binOf(bins, value)] = (counts[binOf(bins, value)] as number) + 1;
    expect(counts.reduce((a, b) => a + b, 0)).toBe(400);
    expect(binOf(bins, Math.min(...values))).toBe(0);
    expect(binOf(bins, Math.max(...values))).toBe(bins.count - 1);
    // A constant column still gets bins of positive width.
    expect(histogramBins(new Float64Array([2, 2, 2])).width).toBeGreaterThan(0);
  });

  it('splits each bar by the responsibilities: the segments of a bin add up to its count', () => {
    const values = simulateHeights(200, 2);
    const responsibilities = new Float64Array(400);
    values.forEach((value, i) => {
      const p = value > 170 ? 0.8 : 0.3;
      responsibilities[2 * i] = p;
      responsibilities[2 * i + 1] = 1 - p;
    });
    const markup = histogramMarkup({ width: 600, height: 400, values, xLabel: 'height', responsibilities, components: HEIGHTS_TRUTH, truth: HEIGHTS_TRUTH });
    const document = new DOMParserLike(markup);
    expect(document.count('<g class="bin"')).toBe(histogramBins(values).count);
    expect(document.count('class="component-density"')).toBe(2);
    expect(document.count('class="mixture-density"')).toBe(1);
    expect(document.count('class="rug"')).toBe(200);
    // Pixels per point are the same in every bar: the stacked shares add up to the bin's count.
    const ratios = [...markup.matchAll(/<g class="bin" data-count="(\d+)">(.*?)<\/g>/g)]
      .filter((match) => Number(match[1]) > 0)
      .map((match) => [...(match[2] as string).matchAll(/height="([\d.]+)"/g)].reduce((sum, height) => sum + Number(height[1]), 0) / Number(match[1]));
    expect(ratios.length).toBeGreaterThan(5);
    for (const ratio of ratios) expect(Math.abs(ratio - (ratios[0] as number))).toBeLessThan(0.05);
  });

  it('normal density integrates to 1 (trapezoid rule over ±8σ)', () => {
    let sum = 0;
    const step = 0.01;
    for (let x = -8 * 7 + 170; x < 8 * 7 + 170; x += step) sum += normalDensity(x, 170, 7) * step;
    expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
  });
});

/** Counting marks in markup is enough here; the browser tests query the live SVG. */
class DOMParserLike {
  constructor(private readonly markup: string) {}
  count(fragment: string): number {
    return this.markup.split(fragment).length - 1;
  }
}
