import { linearScale, paddedExtent } from '../scale.js';
import { escapeText, px } from './svg.js';
import { stepChartAxes } from './step-chart-axes.js';

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
  const parts = stepChartAxes({ width, height, margin: MARGIN, top: MARGIN.top, last, sx, sy, xLabel: ACCELERATION_LABELS.axisX, yLabel: ACCELERATION_LABELS.axisY });
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
