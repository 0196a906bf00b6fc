import { linearScale, niceTicks, paddedExtent } from '../scale.js';
import { escapeText, formatTick, px } from './svg.js';

/** One fit's log-likelihood at each accepted step, against the passes over the data it had cost. */
export interface AccelerationTrace {
  /** eSteps[t]: passes over the data (E-steps) after which logLikelihood[t] was reached. */
  readonly eSteps: readonly number[];
  readonly logLikelihood: readonly number[];
}

export interface AccelerationChartInput {
  readonly width: number;
  readonly height: number;
  readonly plain: AccelerationTrace;
  readonly accelerated: AccelerationTrace;
}

export const ACCELERATION_LABELS = {
  plain: (eSteps: number) => `plain EM: ${eSteps} E-steps`,
  accelerated: (eSteps: number) => `SQUAREM: ${eSteps} E-steps`,
  axisX: 'E-steps (passes over the data)',
  axisY: 'log-likelihood (nats)',
} as const;

const MARGIN = { left: 72, right: 16, top: 44, bottom: 40 } as const;

/**
 * Plain and SQUAREM-accelerated EM from the same start, side by side: log-likelihood against the
 * E-steps spent (rejected extrapolations included), so the x axis is the work done, not the steps
 * accepted. Both end at the same optimum; the accelerated curve gets there sooner.
 */
export function accelerationChartMarkup(input: AccelerationChartInput): string {
  const { width, height, plain, accelerated } = input;
  const last = Math.max(1, plain.eSteps.at(-1) ?? 0, accelerated.eSteps.at(-1) ?? 0);
  const sx = linearScale([0, last], [MARGIN.left, width - MARGIN.right]);
  // The first steps climb far: the y range follows the last three quarters of each run, where the two differ.
  const tail = (trace: AccelerationTrace): readonly number[] => trace.logLikelihood.slice(Math.floor(trace.logLikelihood.length / 4));
  const sy = linearScale(paddedExtent([...tail(plain), ...tail(accelerated)], 0.08), [height - MARGIN.bottom, MARGIN.top]);
  const clampY = (value: number): number => Math.min(height - MARGIN.bottom, Math.max(MARGIN.top, sy(value)));
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
  parts.push(`<text class="axis-label" x="${px((MARGIN.left + width - MARGIN.right) / 2)}" y="${height - 6}" text-anchor="middle">${escapeText(ACCELERATION_LABELS.axisX)}</text>`);
  parts.push(
    `<text class="axis-label y-axis-label" transform="translate(14 ${px((MARGIN.top + height - MARGIN.bottom) / 2)}) rotate(-90)" text-anchor="middle">${escapeText(ACCELERATION_LABELS.axisY)}</text>`,
  );
  const series = [
    { trace: plain, line: 'plain-line', text: ACCELERATION_LABELS.plain(plain.eSteps.at(-1) ?? 0) },
    { trace: accelerated, line: 'squarem-line', text: ACCELERATION_LABELS.accelerated(accelerated.eSteps.at(-1) ?? 0) },
  ];
  series.forEach(({ trace, line, text }, row) => {
    const y = 12 + row * 16 + 4;
    parts.push(`<path class="${line} legend-swatch" d="M${MARGIN.left},${y}L${MARGIN.left + 22},${y}"/>`);
    parts.push(`<text class="legend-label" x="${MARGIN.left + 28}" y="${y + 4}">${escapeText(text)}</text>`);
    const path = trace.logLikelihood.map((value, t) => `${t === 0 ? 'M' : 'L'}${px(sx(trace.eSteps[t] ?? 0))},${px(clampY(value))}`).join('');
    if (path !== '') parts.push(`<path class="${line}" d="${path}"/>`);
  });
  return parts.join('');
}
