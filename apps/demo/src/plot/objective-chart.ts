import { linearScale, niceTicks, paddedExtent } from '../scale.js';
import { escapeText, formatTick, px } from './svg.js';

export interface ObjectiveChartInput {
  readonly width: number;
  readonly height: number;
  /** Objective at θ_0 … θ_t. */
  readonly history: readonly number[];
  /** Axis extent in iterations (at least history.length − 1), so an animation does not rescale x every frame. */
  readonly iterationsShown?: number;
  readonly label?: string;
}

const MARGIN = { left: 72, right: 16, top: 12, bottom: 40 } as const;

/** Objective per iteration as SVG markup: a line with one marked point per iteration (θ_0 included). */
export function objectiveChartMarkup(input: ObjectiveChartInput): string {
  const { width, height, history } = input;
  const last = Math.max(1, input.iterationsShown ?? 0, history.length - 1);
  const sx = linearScale([0, last], [MARGIN.left, width - MARGIN.right]);
  const sy = linearScale(paddedExtent(history, 0.08), [height - MARGIN.bottom, MARGIN.top]);
  const parts: string[] = [];
  parts.push(`<rect class="plot-area" x="${MARGIN.left}" y="${MARGIN.top}" width="${width - MARGIN.left - MARGIN.right}" height="${height - MARGIN.top - MARGIN.bottom}"/>`);
  for (const tick of niceTicks(0, last, 6).filter(Number.isInteger)) {
    parts.push(`<line class="grid" x1="${px(sx(tick))}" x2="${px(sx(tick))}" y1="${MARGIN.top}" y2="${height - MARGIN.bottom}"/>`);
    parts.push(`<text class="tick" x="${px(sx(tick))}" y="${height - MARGIN.bottom + 16}" text-anchor="middle">${tick}</text>`);
  }
  for (const tick of niceTicks(sy.domain[0], sy.domain[1], 4)) {
    parts.push(`<line class="grid" y1="${px(sy(tick))}" y2="${px(sy(tick))}" x1="${MARGIN.left}" x2="${width - MARGIN.right}"/>`);
    parts.push(`<text class="tick" x="${MARGIN.left - 6}" y="${px(sy(tick) + 4)}" text-anchor="end">${formatTick(tick)}</text>`);
  }
  parts.push(`<text class="axis-label" x="${px((MARGIN.left + width - MARGIN.right) / 2)}" y="${height - 6}" text-anchor="middle">iteration</text>`);
  parts.push(
    `<text class="axis-label" transform="translate(14 ${px((MARGIN.top + height - MARGIN.bottom) / 2)}) rotate(-90)" text-anchor="middle">${escapeText(input.label ?? 'log-likelihood + log-prior')}</text>`,
  );
  if (history.length > 0) {
    const line = history.map((value, t) => `${t === 0 ? 'M' : 'L'}${px(sx(t))},${px(sy(value))}`).join('');
    parts.push(`<path class="objective-line" d="${line}"/>`);
    history.forEach((value, t) => {
      parts.push(`<circle class="objective-point" cx="${px(sx(t))}" cy="${px(sy(value))}" r="3"><title>iteration ${t}: ${value}</title></circle>`);
    });
  }
  return parts.join('');
}
