import { niceTicks, type LinearScale } from '../scale.js';
import { escapeText, formatTick, px } from './svg.js';

export interface StepChartAxesInput {
  readonly width: number;
  readonly height: number;
  readonly margin: { readonly left: number; readonly right: number; readonly bottom: number };
  /** Where the plot area starts (below any legend). */
  readonly top: number;
  /** The x axis counts steps from 0 to `last`: only whole numbers are ticked. */
  readonly last: number;
  readonly sx: LinearScale;
  readonly sy: LinearScale;
  readonly xLabel: string;
  readonly yLabel: string;
}

/** The plot area, grid, ticks and axis titles shared by the charts of a value against EM steps. */
export function stepChartAxes(input: StepChartAxesInput): string[] {
  const { width, height, margin, top, last, sx, sy } = input;
  const parts: string[] = [];
  parts.push(`<rect class="plot-area" x="${margin.left}" y="${top}" width="${width - margin.left - margin.right}" height="${height - top - margin.bottom}"/>`);
  for (const tick of niceTicks(0, last, 6).filter(Number.isInteger)) {
    parts.push(`<line class="grid" x1="${px(sx(tick))}" x2="${px(sx(tick))}" y1="${top}" y2="${height - margin.bottom}"/>`);
    parts.push(`<text class="tick" x="${px(sx(tick))}" y="${height - margin.bottom + 16}" text-anchor="middle">${tick}</text>`);
  }
  for (const tick of niceTicks(sy.domain[0], sy.domain[1], 4)) {
    parts.push(`<line class="grid" y1="${px(sy(tick))}" y2="${px(sy(tick))}" x1="${margin.left}" x2="${width - margin.right}"/>`);
    parts.push(`<text class="tick" x="${margin.left - 6}" y="${px(sy(tick) + 4)}" text-anchor="end">${formatTick(tick)}</text>`);
  }
  parts.push(`<text class="axis-label" x="${px((margin.left + width - margin.right) / 2)}" y="${height - 6}" text-anchor="middle">${escapeText(input.xLabel)}</text>`);
  parts.push(`<text class="axis-label y-axis-label" transform="translate(14 ${px((top + height - margin.bottom) / 2)}) rotate(-90)" text-anchor="middle">${escapeText(input.yLabel)}</text>`);
  return parts;
}
