import { covarianceEllipse, ellipsePoints, type Covariance2 } from '../ellipse.js';
import { blendedColor, componentColor } from './colors.js';
import { scatterFrame, SCATTER_MARGIN as MARGIN, type ScatterFrameInput } from './scatter-frame.js';
import { px } from './svg.js';

/** One component as seen in the two plotted coordinates (the marginal of the Gaussian). */
export interface PlottedComponent {
  readonly weight: number;
  readonly meanX: number;
  readonly meanY: number;
  readonly covariance: Covariance2;
}

export interface ScatterInput extends ScatterFrameInput {
  /** n×K responsibilities (points are coloured by their blend), or undefined for grey points. */
  readonly responsibilities: Float64Array | undefined;
  readonly components: readonly PlottedComponent[];
}

function pathOf(points: ReadonlyArray<readonly [number, number]>, sx: (v: number) => number, sy: (v: number) => number): string {
  return points.map(([a, b], i) => `${i === 0 ? 'M' : 'L'}${px(sx(a))},${px(sy(b))}`).join('') + 'Z';
}

/**
 * The scatter plot as SVG markup: axes with round ticks, one circle per observation coloured by
 * responsibilities, and per component its mean (a cross) with 1σ and 2σ covariance ellipses.
 * The axis ranges are fixed by the data, so ellipses move over a still background between iterations.
 */
export function scatterMarkup(input: ScatterInput): string {
  const { width, height, x, y, responsibilities, components } = input;
  const k = components.length;
  const { sx, sy, parts } = scatterFrame(input);
  parts.push('<g class="points">');
  for (let i = 0; i < x.length; i++) {
    const fill = responsibilities === undefined || k === 0 ? '#999' : blendedColor(responsibilities, i, k);
    parts.push(`<circle class="point" cx="${px(sx(x[i] as number))}" cy="${px(sy(y[i] as number))}" r="3.2" fill="${fill}"/>`);
  }
  parts.push('</g>');
  parts.push(`<clipPath id="plot-clip"><rect x="${MARGIN.left}" y="${MARGIN.top}" width="${width - MARGIN.left - MARGIN.right}" height="${height - MARGIN.top - MARGIN.bottom}"/></clipPath>`);
  parts.push('<g class="components" clip-path="url(#plot-clip)">');
  components.forEach((component, j) => {
    const color = componentColor(j);
    for (const radius of [1, 2]) {
      const ellipse = covarianceEllipse(component.meanX, component.meanY, component.covariance, radius);
      parts.push(`<path class="ellipse sigma-${radius}" d="${pathOf(ellipsePoints(ellipse, 72), sx, sy)}" stroke="${color}"/>`);
    }
    const cx = sx(component.meanX);
    const cy = sy(component.meanY);
    parts.push(`<path class="mean" d="M${px(cx - 7)},${px(cy)}H${px(cx + 7)}M${px(cx)},${px(cy - 7)}V${px(cy + 7)}" stroke="${color}"/>`);
  });
  parts.push('</g>');
  return parts.join('');
}
