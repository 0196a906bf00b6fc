import { describe, expect, it } from 'vitest';
import { criterionChartMarkup, lineStyleOf } from './criterion-chart.js';
import type { SelectionCell } from './selection-grid.js';
import { radiusOf, uncertaintyScatterMarkup } from './uncertainty-scatter.js';

function cell(model: 'EII' | 'VVV', components: number, bic: number): SelectionCell {
  return { model, components, logLikelihood: -bic / 2, freeParameters: components, bic, icl: bic + 1 };
}

describe('criterionChartMarkup', () => {
  const cells = [cell('EII', 1, 100), cell('EII', 2, 90), { ...cell('EII', 3, Infinity), icl: Infinity, error: 'collapsed' }, cell('VVV', 1, 95), cell('VVV', 2, 80), cell('VVV', 3, 85)];

  it('draws one line per model, one point per fitted cell, a gap at a failed cell, and rings the chosen cell', () => {
    const svg = criterionChartMarkup({ width: 600, height: 300, criterion: 'bic', models: ['EII', 'VVV'], maxComponents: 3, cells, chosen: { model: 'VVV', components: 2 } });
    expect(svg.match(/class="criterion-line"/g)).toHaveLength(2);
    expect(svg.match(/class="criterion-point" data-model="EII"/g)).toHaveLength(2);
    expect(svg.match(/class="criterion-point" data-model="VVV"/g)).toHaveLength(3);
    expect(svg).toMatch(/class="chosen-marker" data-model="VVV" data-components="2"/);
    expect(svg).toContain('lower is better');
  });

  it('with zoom shows the lowest value to the median and leaves out the points above it, keeping the chosen one', () => {
    const svg = criterionChartMarkup({ width: 600, height: 300, criterion: 'bic', models: ['EII', 'VVV'], maxComponents: 3, cells, chosen: { model: 'VVV', components: 2 }, zoom: true });
    const shown = [...svg.matchAll(/class="criterion-point"[^>]*data-value="([^"]+)"/g)].map((match) => Number(match[1])).sort((a, b) => a - b);
    // Finite values 80, 85, 90, 95, 100: the median is 90.
    expect(shown).toEqual([80, 85, 90]);
    expect(svg).toMatch(/class="chosen-marker" data-model="VVV" data-components="2"/);
  });

  it('gives fourteen models fourteen distinct line styles', () => {
    const styles = new Set(Array.from({ length: 14 }, (_, j) => JSON.stringify(lineStyleOf(j))));
    expect(styles.size).toBe(14);
  });
});

describe('uncertaintyScatterMarkup', () => {
  it("grows the radius with uncertainty and records each point's value", () => {
    expect(radiusOf(0)).toBeLessThan(radiusOf(0.1));
    expect(radiusOf(0.1)).toBeLessThan(radiusOf(0.5));
    const uncertainty = Float64Array.from([0, 0.3, 0.05]);
    const svg = uncertaintyScatterMarkup({ width: 400, height: 300, x: [1, 2, 3], y: [3, 1, 2], xLabel: 'x', yLabel: 'y', classification: Int32Array.from([0, 1, 0]), uncertainty });
    const values = [...svg.matchAll(/data-uncertainty="([^"]+)"/g)].map((match) => Number(match[1]));
    // Drawn from most to least certain.
    expect(values).toEqual([0, 0.05, 0.3]);
  });
});
