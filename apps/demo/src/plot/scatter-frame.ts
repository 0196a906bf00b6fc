import { linearScale, niceTicks, paddedExtent, type LinearScale } from '../scale.js';
import { escapeText, formatTick, px } from './svg.js';

/** Room around a scatter plot's area for the ticks and the axis labels. */
export const SCATTER_MARGIN = { left: 56, right: 16, top: 16, bottom: 44 } as const;

export interface ScatterFrameInput {
  readonly width: number;
  readonly height: number;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly xLabel: string;
  readonly yLabel: string;
}

export interface ScatterFrame {
  readonly sx: LinearScale;
  readonly sy: LinearScale;
  /** The plot area, grid, ticks and axis labels, as SVG markup pieces to draw the points over. */
  readonly parts: string[];
}

/**
 * The scales and the axes every scatter plot of the demo shares: the ranges are fixed by the data
 * (padded), so what is drawn on top moves over a still background between iterations.
 */
export function scatterFrame(input: ScatterFrameInput): ScatterFrame {
  const { width, height } = input;
  const margin = SCATTER_MARGIN;
  const sx = linearScale(paddedExtent(Array.from(input.x)), [margin.left, width - margin.right]);
  const sy = linearScale(paddedExtent(Array.from(input.y)), [height - margin.bottom, margin.top]);
  const parts: string[] = [`<rect class="plot-area" x="${margin.left}" y="${margin.top}" width="${width - margin.left - margin.right}" height="${height - margin.top - margin.bottom}"/>`];
  for (const tick of niceTicks(sx.domain[0], sx.domain[1], 6)) {
    parts.push(`<line class="grid" x1="${px(sx(tick))}" x2="${px(sx(tick))}" y1="${margin.top}" y2="${height - margin.bottom}"/>`);
    parts.push(`<text class="tick" x="${px(sx(tick))}" y="${height - margin.bottom + 16}" text-anchor="middle">${formatTick(tick)}</text>`);
  }
  for (const tick of niceTicks(sy.domain[0], sy.domain[1], 5)) {
    parts.push(`<line class="grid" y1="${px(sy(tick))}" y2="${px(sy(tick))}" x1="${margin.left}" x2="${width - margin.right}"/>`);
    parts.push(`<text class="tick" x="${margin.left - 6}" y="${px(sy(tick) + 4)}" text-anchor="end">${formatTick(tick)}</text>`);
  }
  parts.push(`<text class="axis-label" x="${px((margin.left + width - margin.right) / 2)}" y="${height - 8}" text-anchor="middle">${escapeText(input.xLabel)}</text>`);
  parts.push(`<text class="axis-label" transform="translate(14 ${px((margin.top + height - margin.bottom) / 2)}) rotate(-90)" text-anchor="middle">${escapeText(input.yLabel)}</text>`);
  return { sx, sy, parts };
}
