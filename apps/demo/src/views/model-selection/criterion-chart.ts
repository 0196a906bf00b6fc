import { linearScale, niceTicks, paddedExtent } from '../../scale.js';
import { escapeText, formatTick, px } from '../../plot/svg.js';
import type { SelectionCell, SelectionCriterion } from './selection-grid.js';

/** Seven colours (Okabe–Ito) × solid/dashed: fourteen lines told apart without relying on colour alone. */
const LINE_COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#3c3c3c'] as const;

export function lineStyleOf(index: number): { color: string; dashed: boolean } {
  return { color: LINE_COLORS[index % LINE_COLORS.length] as string, dashed: index >= LINE_COLORS.length };
}

export const CRITERION_LABELS: Record<SelectionCriterion, string> = {
  bic: 'BIC = −2 log-likelihood + p ln n (lower is better)',
  icl: 'ICL = BIC − 2 Σ ln z(MAP) (lower is better)',
};

export interface CriterionChartInput {
  readonly width: number;
  readonly height: number;
  readonly criterion: SelectionCriterion;
  readonly models: readonly string[];
  readonly maxComponents: number;
  readonly cells: readonly SelectionCell[];
  /** The chosen cell, marked with a ring; undefined while the grid runs. */
  readonly chosen?: { readonly model: string; readonly components: number };
  /** Show only values up to the median (the best half), where the models' curves bunch together. */
  readonly zoom?: boolean;
}

/** The y extent: every finite value, or with `zoom` the lowest value to the median. */
export function criterionExtent(values: readonly number[], zoom: boolean): [number, number] {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return [0, 1];
  if (!zoom || finite.length < 4) return paddedExtent(finite, 0.06);
  return paddedExtent([finite[0] as number, finite[Math.floor((finite.length - 1) / 2)] as number], 0.06);
}

const MARGIN = { left: 78, right: 112, top: 14, bottom: 42 } as const;

/**
 * The criterion against K, one line per covariance model (mclust's picture, with this project's
 * sign: lower is better). Failed cells are gaps. Every point carries its model, K and value.
 */
export function criterionChartMarkup(input: CriterionChartInput): string {
  const { width, height, criterion, cells } = input;
  const sx = linearScale([1, Math.max(2, input.maxComponents)], [MARGIN.left, width - MARGIN.right]);
  const [low, high] = criterionExtent(
    cells.map((cell) => cell[criterion]),
    input.zoom === true,
  );
  const sy = linearScale([low, high], [height - MARGIN.bottom, MARGIN.top]);
  const area = `x="${MARGIN.left}" y="${MARGIN.top}" width="${width - MARGIN.left - MARGIN.right}" height="${height - MARGIN.top - MARGIN.bottom}"`;
  const parts: string[] = [`<defs><clipPath id="criterion-clip"><rect ${area}/></clipPath></defs><rect class="plot-area" ${area}/>`];
  for (let k = 1; k <= input.maxComponents; k++) {
    parts.push(`<line class="grid" x1="${px(sx(k))}" x2="${px(sx(k))}" y1="${MARGIN.top}" y2="${height - MARGIN.bottom}"/>`);
    parts.push(`<text class="tick" x="${px(sx(k))}" y="${height - MARGIN.bottom + 16}" text-anchor="middle">${k}</text>`);
  }
  for (const tick of niceTicks(sy.domain[0], sy.domain[1], 5)) {
    parts.push(`<line class="grid" y1="${px(sy(tick))}" y2="${px(sy(tick))}" x1="${MARGIN.left}" x2="${width - MARGIN.right}"/>`);
    parts.push(`<text class="tick" x="${MARGIN.left - 6}" y="${px(sy(tick) + 4)}" text-anchor="end">${formatTick(tick)}</text>`);
  }
  parts.push(`<text class="axis-label" x="${px((MARGIN.left + width - MARGIN.right) / 2)}" y="${height - 6}" text-anchor="middle">number of components K</text>`);
  parts.push(
    `<text class="axis-label y-axis-label" transform="translate(14 ${px((MARGIN.top + height - MARGIN.bottom) / 2)}) rotate(-90)" text-anchor="middle">${escapeText(CRITERION_LABELS[criterion])}</text>`,
  );
  input.models.forEach((model, index) => {
    const { color, dashed } = lineStyleOf(index);
    const points = cells.filter((cell) => cell.model === model).sort((a, b) => a.components - b.components);
    // Break the line at failed cells.
    let d = '';
    let pen = false;
    for (const cell of points) {
      const value = cell[criterion];
      if (!Number.isFinite(value)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${px(sx(cell.components))},${px(sy(value))}`;
      pen = true;
    }
    parts.push(`<path class="criterion-line" data-model="${model}" d="${d}" stroke="${color}"${dashed ? ' stroke-dasharray="6 3"' : ''} clip-path="url(#criterion-clip)"/>`);
    for (const cell of points) {
      const value = cell[criterion];
      // Failed cells are gaps; with zoom, values above the shown range are left out.
      if (!Number.isFinite(value) || value > high) continue;
      parts.push(
        `<circle class="criterion-point" data-model="${model}" data-components="${cell.components}" data-value="${value}" cx="${px(sx(cell.components))}" cy="${px(sy(value))}" r="2.6" fill="${color}"><title>${model}, K = ${cell.components}: ${criterion.toUpperCase()} ${value.toFixed(2)}</title></circle>`,
      );
    }
    const legendY = MARGIN.top + 6 + index * 15;
    const legendX = width - MARGIN.right + 10;
    parts.push(`<path class="legend-swatch" d="M${legendX},${legendY}L${legendX + 22},${legendY}" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="6 3"' : ''}/>`);
    parts.push(`<text class="legend-label" x="${legendX + 28}" y="${legendY + 4}">${model}</text>`);
  });
  const chosen = input.chosen;
  if (chosen !== undefined) {
    const cell = cells.find((c) => c.model === chosen.model && c.components === chosen.components);
    if (cell !== undefined && Number.isFinite(cell[criterion])) {
      const x = sx(cell.components);
      const y = sy(cell[criterion]);
      parts.push(
        `<circle class="chosen-marker" data-model="${cell.model}" data-components="${cell.components}" cx="${px(x)}" cy="${px(y)}" r="8"><title>chosen: ${cell.model} with K = ${cell.components} (lowest ${criterion.toUpperCase()})</title></circle>`,
      );
    }
  }
  return parts.join('');
}
