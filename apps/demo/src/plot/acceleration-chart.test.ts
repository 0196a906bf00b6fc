import { describe, expect, it } from 'vitest';
import { ACCELERATION_LABELS, accelerationChartMarkup } from './acceleration-chart.js';

describe('accelerationChartMarkup', () => {
  const plain = { eSteps: [1, 2, 3, 4, 5, 6, 7], logLikelihood: [-20, -15, -12, -11, -10.5, -10.2, -10.1] };
  const accelerated = { eSteps: [1, 3, 6], logLikelihood: [-20, -13, -10.1] };

  it('draws both runs against the E-steps they cost, with a legend naming each total', () => {
    const markup = accelerationChartMarkup({ width: 420, height: 240, plain, accelerated });
    expect(markup.match(/class="plain-line"/g)?.length).toBe(1);
    expect(markup.match(/class="squarem-line"/g)?.length).toBe(1);
    expect(markup).toContain(ACCELERATION_LABELS.plain(7));
    expect(markup).toContain(ACCELERATION_LABELS.accelerated(6));
    expect(markup).toContain('E-steps (passes over the data)');
    // The accelerated path has one vertex per accepted step, at x = its E-step count.
    const path = /class="squarem-line" d="([^"]+)"/.exec(markup)?.[1] ?? '';
    expect(path.split(/[ML]/).filter((vertex) => vertex !== '')).toHaveLength(3);
  });

  it('keeps every vertex inside the plot area although the first steps climb far', () => {
    const markup = accelerationChartMarkup({ width: 420, height: 240, plain: { eSteps: [1, 2, 3], logLikelihood: [-1e6, -10, -9] }, accelerated });
    const paths = [...markup.matchAll(/class="(?:plain|squarem)-line" d="([^"]+)"/g)].map((match) => match[1] ?? '').join('');
    for (const [, y] of paths.matchAll(/[ML][\d.]+,([\d.-]+)/g)) {
      expect(Number(y)).toBeGreaterThanOrEqual(44);
      expect(Number(y)).toBeLessThanOrEqual(200);
    }
  });
});
