import { componentColor, blendedColor } from '../../plot/colors.js';
import { escapeText, formatTick, px } from '../../plot/svg.js';
import { linearScale, niceTicks } from '../../scale.js';
import type { Mixture1dParameters } from './heights.js';

/** Equal-width bins over [min, max]: about √n of them, between 8 and 40. */
export interface Bins {
  readonly start: number;
  readonly width: number;
  readonly count: number;
}

export function histogramBins(values: Float64Array): Bins {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const count = Math.min(40, Math.max(8, Math.ceil(Math.sqrt(values.length))));
  // A constant column still gets bins of width 1 instead of zero.
  const width = max > min ? (max - min) / count : 1;
  return { start: max > min ? min : min - count / 2, width, count };
}

export function binOf(bins: Bins, value: number): number {
  return Math.min(bins.count - 1, Math.max(0, Math.floor((value - bins.start) / bins.width)));
}

const SQRT_TWO_PI = Math.sqrt(2 * Math.PI);

export function normalDensity(x: number, mean: number, standardDeviation: number): number {
  const z = (x - mean) / standardDeviation;
  return Math.exp(-0.5 * z * z) / (standardDeviation * SQRT_TWO_PI);
}

export interface HistogramInput {
  readonly width: number;
  readonly height: number;
  readonly values: Float64Array;
  readonly xLabel: string;
  /** p(z_i = k | x_i), n×K: each bar is split into the components' shares of its points. */
  readonly responsibilities: Float64Array;
  readonly components: Mixture1dParameters;
  /** Drawn dashed when the data were simulated from known parameters. */
  readonly truth?: Mixture1dParameters;
}

const MARGIN = { left: 52, right: 14, top: 12, bottom: 58 } as const;
const CURVE_POINTS = 200;

/**
 * Histogram (counts) with each bar split by the summed responsibilities of its points, each
 * component's weighted density π_k N(x; μ_k, σ_k) and the mixture density, scaled to counts
 * (× n × bin width), and a rug of the points coloured by their responsibilities.
 */
export function histogramMarkup(input: HistogramInput): string {
  const { width, height, values, responsibilities, components } = input;
  const n = values.length;
  const k = components.weights.length;
  const bins = histogramBins(values);
  const counts = new Float64Array(bins.count);
  const shares = new Float64Array(bins.count * k);
  for (let i = 0; i < n; i++) {
    const b = binOf(bins, values[i] as number);
    counts[b] = (counts[b] as number) + 1;
    for (let j = 0; j < k; j++) shares[b * k + j] = (shares[b * k + j] as number) + (responsibilities[i * k + j] as number);
  }
  const toCounts = n * bins.width;
  const x0 = bins.start;
  const x1 = bins.start + bins.count * bins.width;
  const grid = Array.from({ length: CURVE_POINTS + 1 }, (_, s) => x0 + ((x1 - x0) * s) / CURVE_POINTS);
  const mixtureAt = (x: number, parameters: Mixture1dParameters): number =>
    parameters.weights.reduce((sum, weight, j) => sum + weight * normalDensity(x, parameters.means[j] as number, parameters.standardDeviations[j] as number), 0);
  const mixtureCurve = grid.map((x) => mixtureAt(x, components) * toCounts);
  const truthCurve = input.truth === undefined ? undefined : grid.map((x) => mixtureAt(x, input.truth as Mixture1dParameters) * toCounts);
  const top = Math.max(...counts, ...mixtureCurve, ...(truthCurve ?? [])) * 1.08 || 1;
  const sx = linearScale([x0, x1], [MARGIN.left, width - MARGIN.right]);
  const base = height - MARGIN.bottom;
  const sy = linearScale([0, top], [base, MARGIN.top]);
  const parts: string[] = [];
  parts.push(`<rect class="plot-area" x="${MARGIN.left}" y="${MARGIN.top}" width="${width - MARGIN.left - MARGIN.right}" height="${base - MARGIN.top}"/>`);
  for (const tick of niceTicks(0, top, 5)) {
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${px(sy(tick))}" y2="${px(sy(tick))}"/>`);
    parts.push(`<text class="tick" x="${MARGIN.left - 6}" y="${px(sy(tick) + 4)}" text-anchor="end">${formatTick(tick)}</text>`);
  }
  for (const tick of niceTicks(x0, x1, 7)) {
    parts.push(`<text class="tick" x="${px(sx(tick))}" y="${base + 30}" text-anchor="middle">${formatTick(tick)}</text>`);
  }
  for (let b = 0; b < bins.count; b++) {
    const left = sx(bins.start + b * bins.width);
    const barWidth = Math.max(0.5, sx(bins.start + (b + 1) * bins.width) - left - 1);
    const count = counts[b] as number;
    parts.push(`<g class="bin" data-count="${count}"><title>${formatTick(bins.start + b * bins.width)} – ${formatTick(bins.start + (b + 1) * bins.width)}: ${count} points</title>`);
    let stacked = 0;
    for (let j = 0; j < k; j++) {
      const share = shares[b * k + j] as number;
      if (share <= 0) continue;
      const y = sy(stacked + share);
      parts.push(`<rect class="segment" x="${px(left)}" y="${px(y)}" width="${px(barWidth)}" height="${px(sy(stacked) - y)}" fill="${componentColor(j)}" fill-opacity="0.45"/>`);
      stacked += share;
    }
    parts.push('</g>');
  }
  // The rug: one tick per point, coloured by its responsibilities.
  for (let i = 0; i < n; i++) {
    const x = px(sx(values[i] as number));
    parts.push(`<line class="rug" x1="${x}" x2="${x}" y1="${base + 3}" y2="${base + 14}" stroke="${blendedColor(responsibilities, i, k)}"/>`);
  }
  const path = (curve: readonly number[]): string => curve.map((value, s) => `${s === 0 ? 'M' : 'L'}${px(sx(grid[s] as number))},${px(sy(value))}`).join('');
  if (truthCurve !== undefined) parts.push(`<path class="true-density" d="${path(truthCurve)}"><title>density the data were simulated from</title></path>`);
  for (let j = 0; j < k; j++) {
    const weight = components.weights[j] as number;
    const curve = grid.map((x) => weight * normalDensity(x, components.means[j] as number, components.standardDeviations[j] as number) * toCounts);
    parts.push(`<path class="component-density" stroke="${componentColor(j)}" d="${path(curve)}"><title>component ${j + 1}: π N(x; μ, σ)</title></path>`);
  }
  parts.push(`<path class="mixture-density" d="${path(mixtureCurve)}"><title>mixture density Σ π N(x; μ, σ)</title></path>`);
  parts.push(`<text class="axis-label" x="${px((MARGIN.left + width - MARGIN.right) / 2)}" y="${height - 8}" text-anchor="middle">${escapeText(input.xLabel)}</text>`);
  parts.push(`<text class="axis-label" transform="translate(14 ${px((MARGIN.top + base) / 2)}) rotate(-90)" text-anchor="middle">points per bin</text>`);
  return parts.join('');
}
