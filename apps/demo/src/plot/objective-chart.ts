import { linearScale, paddedExtent } from '../scale.js';
import { escapeText, px } from './svg.js';
import { stepChartAxes } from './step-chart-axes.js';

export interface ObjectiveChartInput {
  readonly width: number;
  readonly height: number;
  /** Log-likelihood log p(data; θ_t) at θ_0 … θ_t, in nats. */
  readonly logLikelihood: readonly number[];
  /**
   * The objective EM maximises, log-likelihood + log-prior, at θ_0 … θ_t. Drawn (dashed, with a
   * legend) when it differs from the log-likelihood, i.e. when the model has a prior.
   */
  readonly objective?: readonly number[];
  /** What the log-prior is a prior on, for the legend (default: the covariance prior, regCovar). */
  readonly priorName?: string;
  /** Axis extent in iterations (at least the series length − 1), so an animation does not rescale x every frame. */
  readonly iterationsShown?: number;
}

/** The chart's titles: what each series is, in words the page shows. */
export const CHART_LABELS = {
  logLikelihood: 'log-likelihood',
  objective: (priorName: string) => `objective = log-likelihood + log-prior (${priorName})`,
  axisLikelihood: 'log-likelihood (nats)',
  axisBoth: 'log-likelihood, objective (nats)',
} as const;

const MARGIN = { left: 72, right: 16, top: 12, bottom: 40 } as const;
const LEGEND_ROW = 16;

/** True when the objective is a series of its own (a prior moved it off the log-likelihood). */
export function objectiveDiffers(logLikelihood: readonly number[], objective: readonly number[] | undefined): objective is readonly number[] {
  if (objective === undefined || objective.length === 0) return false;
  return objective.some((value, t) => {
    const reference = logLikelihood[t];
    return reference === undefined || Math.abs(value - reference) > 1e-9 * Math.max(1, Math.abs(reference));
  });
}

/**
 * Log-likelihood per iteration as SVG markup: a line with one marked point per iteration (θ_0
 * included); with a prior, the objective (what EM never decreases) as a dashed line and a legend
 * naming both, so the curve is never read on the shifted scale unawares.
 */
export function objectiveChartMarkup(input: ObjectiveChartInput): string {
  const { width, height, logLikelihood } = input;
  const objective = objectiveDiffers(logLikelihood, input.objective) ? input.objective : undefined;
  const top = MARGIN.top + (objective === undefined ? 0 : 2 * LEGEND_ROW);
  const last = Math.max(1, input.iterationsShown ?? 0, logLikelihood.length - 1, (objective?.length ?? 0) - 1);
  const sx = linearScale([0, last], [MARGIN.left, width - MARGIN.right]);
  const sy = linearScale(paddedExtent([...logLikelihood, ...(objective ?? [])], 0.08), [height - MARGIN.bottom, top]);
  const yLabel = objective === undefined ? CHART_LABELS.axisLikelihood : CHART_LABELS.axisBoth;
  const parts = stepChartAxes({ width, height, margin: MARGIN, top, last, sx, sy, xLabel: 'iteration', yLabel });
  if (objective !== undefined) {
    const legend = [
      { line: 'likelihood-line', text: CHART_LABELS.logLikelihood },
      { line: 'objective-line', text: CHART_LABELS.objective(input.priorName ?? 'regCovar') },
    ];
    legend.forEach(({ line, text }, row) => {
      const y = MARGIN.top + row * LEGEND_ROW + 4;
      parts.push(`<path class="${line} legend-swatch" d="M${MARGIN.left},${y}L${MARGIN.left + 22},${y}"/>`);
      parts.push(`<text class="legend-label" x="${MARGIN.left + 28}" y="${y + 4}">${escapeText(text)}</text>`);
    });
    parts.push(`<path class="objective-line" d="${pathOf(objective, sx, sy)}"/>`);
  }
  if (logLikelihood.length > 0) {
    parts.push(`<path class="likelihood-line" d="${pathOf(logLikelihood, sx, sy)}"/>`);
    logLikelihood.forEach((value, t) => {
      const prior = objective?.[t] === undefined ? '' : `; objective ${objective[t]}`;
      parts.push(`<circle class="likelihood-point" cx="${px(sx(t))}" cy="${px(sy(value))}" r="3"><title>iteration ${t}: log-likelihood ${value}${prior}</title></circle>`);
    });
  }
  return parts.join('');
}

function pathOf(values: readonly number[], sx: (value: number) => number, sy: (value: number) => number): string {
  return values.map((value, t) => `${t === 0 ? 'M' : 'L'}${px(sx(t))},${px(sy(value))}`).join('');
}
