import { describe, expect, it } from 'vitest';
import { blendedColor } from './colors.js';
import { CHART_LABELS, objectiveChartMarkup, objectiveDiffers } from './objective-chart.js';
import { scatterMarkup } from './scatter.js';

function count(markup: string, pattern: RegExp): number {
  return markup.match(pattern)?.length ?? 0;
}

describe('scatterMarkup', () => {
  const input = {
    width: 600,
    height: 400,
    x: [1, 2, 3],
    y: [10, 30, 20],
    xLabel: 'a<b',
    yLabel: 'y & z',
    responsibilities: new Float64Array([1, 0, 0.5, 0.5, 0, 1]),
    components: [
      { weight: 0.5, meanX: 1.5, meanY: 15, covariance: { xx: 0.2, xy: 0, yy: 4 } },
      { weight: 0.5, meanX: 2.5, meanY: 25, covariance: { xx: 0.2, xy: 0.1, yy: 4 } },
    ],
  };

  it('draws one circle per point, 1σ and 2σ ellipses and a mean per component', () => {
    const markup = scatterMarkup(input);
    expect(count(markup, /class="point"/g)).toBe(3);
    expect(count(markup, /class="ellipse sigma-1"/g)).toBe(2);
    expect(count(markup, /class="ellipse sigma-2"/g)).toBe(2);
    expect(count(markup, /class="mean"/g)).toBe(2);
  });

  it('escapes axis labels', () => {
    const markup = scatterMarkup(input);
    expect(markup).toContain('a&lt;b');
    expect(markup).toContain('y &amp; z');
  });

  it('colours a point fully claimed by a component in that colour, a shared point in the blend', () => {
    const r = new Float64Array([1, 0, 0.5, 0.5]);
    expect(blendedColor(r, 0, 2)).toBe('rgb(0, 114, 178)');
    expect(blendedColor(r, 1, 2)).toBe('rgb(107, 104, 89)');
  });

  it('maps the data extremes inside the plot area (SVG y grows downwards)', () => {
    const markup = scatterMarkup(input);
    const circles = [...markup.matchAll(/class="point" cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    const [low, high, middle] = circles as Array<readonly [number, number]>;
    expect(low?.[0]).toBeLessThan(middle?.[0] ?? NaN);
    expect(high?.[1]).toBeLessThan(middle?.[1] ?? NaN);
    for (const [cx, cy] of circles) {
      expect(cx).toBeGreaterThan(0);
      expect(cx).toBeLessThan(600);
      expect(cy).toBeGreaterThan(0);
      expect(cy).toBeLessThan(400);
    }
  });
});

describe('objectiveChartMarkup', () => {
  it('marks every entry of the log-likelihood, θ0 included, and titles the axis with what it shows', () => {
    const markup = objectiveChartMarkup({ width: 400, height: 200, logLikelihood: [-1400, -1300, -1250, -1249.5] });
    expect(count(markup, /class="likelihood-point"/g)).toBe(4);
    expect(count(markup, /class="likelihood-line"/g)).toBe(1);
    expect(markup).toContain(`>${CHART_LABELS.axisLikelihood}</text>`);
    expect(markup).toContain('log-likelihood (nats)');
    // No prior given: no second series and no legend.
    expect(count(markup, /objective-line|legend-label/g)).toBe(0);
  });

  it('with a prior, draws the objective dashed beside the log-likelihood and names both in a legend', () => {
    const logLikelihood = [-1400, -1300, -1250, -1249.5];
    const objective = logLikelihood.map((value) => value - 88);
    const markup = objectiveChartMarkup({ width: 420, height: 240, logLikelihood, objective });
    expect(count(markup, /<path class="objective-line" d=/g)).toBe(1);
    expect(count(markup, /class="likelihood-point"/g)).toBe(4);
    expect(markup).toContain('>objective = log-likelihood + log-prior (regCovar)</text>');
    expect(markup).toContain('>log-likelihood</text>');
    expect(markup).toContain(`>${CHART_LABELS.axisBoth}</text>`);
    // The points are the log-likelihood values, not the objective's.
    const titles = [...markup.matchAll(/<title>iteration (\d+): log-likelihood (-?[\d.]+); objective (-?[\d.]+)<\/title>/g)];
    expect(titles.map((match) => Number(match[2]))).toEqual(logLikelihood);
    expect(titles.map((match) => Number(match[3]))).toEqual(objective);
  });

  it('both series share one vertical scale: the objective 88 nats below sits lower on the chart', () => {
    const logLikelihood = [-1300, -1250];
    const markup = objectiveChartMarkup({ width: 420, height: 240, logLikelihood, objective: logLikelihood.map((value) => value - 88) });
    const ys = (name: string): number[] => {
      const d = new RegExp(`<path class="${name}" d="([^"]+)"`).exec(markup)?.[1] ?? '';
      return [...d.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((match) => Number(match[1]));
    };
    const likelihood = ys('likelihood-line');
    const objective = ys('objective-line');
    expect(likelihood).toHaveLength(2);
    objective.forEach((y, t) => expect(y).toBeGreaterThan(likelihood[t] as number)); // SVG y grows downwards
  });

  it('an objective equal to the log-likelihood (no prior) is not drawn twice', () => {
    const logLikelihood = [-10, -9, -8.5];
    const markup = objectiveChartMarkup({ width: 400, height: 200, logLikelihood, objective: [...logLikelihood] });
    expect(count(markup, /objective-line|legend-label/g)).toBe(0);
    expect(objectiveDiffers(logLikelihood, [...logLikelihood])).toBe(false);
    expect(objectiveDiffers(logLikelihood, [-10, -9, -8.6])).toBe(true);
  });

  it('draws no line for an empty history', () => {
    expect(count(objectiveChartMarkup({ width: 400, height: 200, logLikelihood: [] }), /likelihood-|objective-/g)).toBe(0);
  });
});
