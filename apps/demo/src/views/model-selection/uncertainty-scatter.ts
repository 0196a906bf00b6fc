import { linearScale, niceTicks, paddedExtent } from '../../scale.js';
import { componentColor } from '../../plot/colors.js';
import { escapeText, formatTick, px } from '../../plot/svg.js';

export interface UncertaintyScatterInput {
  readonly width: number;
  readonly height: number;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly classification: Int32Array;
  /** 1 − max posterior, in [0, 1 − 1/K]. */
  readonly uncertainty: Float64Array;
}

const MARGIN = { left: 56, right: 16, top: 16, bottom: 44 } as const;
const RADIUS_MIN = 2.2;
const RADIUS_SPAN = 9;

/** Radius grows with uncertainty (√ so the area, not the radius, is proportional); certain points are small. */
export function radiusOf(uncertainty: number): number {
  return RADIUS_MIN + RADIUS_SPAN * Math.sqrt(Math.min(1, Math.max(0, uncertainty)));
}

/**
 * The chosen model's classification: each point in its MAP component's colour, drawn larger and
 * more opaque the less certain its class (mclust's uncertainty plot). Uncertain points are drawn
 * last so they are not hidden.
 */
export function uncertaintyScatterMarkup(input: UncertaintyScatterInput): string {
  const { width, height, x, y, classification, uncertainty } = input;
  const sx = linearScale(paddedExtent(Array.from(x)), [MARGIN.left, width - MARGIN.right]);
  const sy = linearScale(paddedExtent(Array.from(y)), [height - MARGIN.bottom, MARGIN.top]);
  const parts: string[] = [`<rect class="plot-area" x="${MARGIN.left}" y="${MARGIN.top}" width="${width - MARGIN.left - MARGIN.right}" height="${height - MARGIN.top - MARGIN.bottom}"/>`];
  for (const tick of niceTicks(sx.domain[0], sx.domain[1], 6)) {
    parts.push(`<line class="grid" x1="${px(sx(tick))}" x2="${px(sx(tick))}" y1="${MARGIN.top}" y2="${height - MARGIN.bottom}"/>`);
    parts.push(`<text class="tick" x="${px(sx(tick))}" y="${height - MARGIN.bottom + 16}" text-anchor="middle">${formatTick(tick)}</text>`);
  }
  for (const tick of niceTicks(sy.domain[0], sy.domain[1], 5)) {
    parts.push(`<line class="grid" y1="${px(sy(tick))}" y2="${px(sy(tick))}" x1="${MARGIN.left}" x2="${width - MARGIN.right}"/>`);
    parts.push(`<text class="tick" x="${MARGIN.left - 6}" y="${px(sy(tick) + 4)}" text-anchor="end">${formatTick(tick)}</text>`);
  }
  parts.push(`<text class="axis-label" x="${px((MARGIN.left + width - MARGIN.right) / 2)}" y="${height - 8}" text-anchor="middle">${escapeText(input.xLabel)}</text>`);
  parts.push(`<text class="axis-label" transform="translate(14 ${px((MARGIN.top + height - MARGIN.bottom) / 2)}) rotate(-90)" text-anchor="middle">${escapeText(input.yLabel)}</text>`);
  const order = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => (uncertainty[a] as number) - (uncertainty[b] as number) || a - b);
  parts.push('<g class="points">');
  for (const i of order) {
    const u = uncertainty[i] as number;
    const k = classification[i] as number;
    parts.push(
      `<circle class="point" data-index="${i}" data-class="${k}" data-uncertainty="${u}" cx="${px(sx(x[i] as number))}" cy="${px(sy(y[i] as number))}" r="${px(radiusOf(u))}" fill="${componentColor(k)}" fill-opacity="${px(0.35 + 0.65 * Math.min(1, 2 * u))}"><title>row ${i + 1}: component ${k + 1}, uncertainty ${u.toFixed(3)}</title></circle>`,
    );
  }
  parts.push('</g>');
  return parts.join('');
}
