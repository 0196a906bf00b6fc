import { componentColor } from '../../plot/colors.js';
import { scatterFrame, type ScatterFrameInput } from '../../plot/scatter-frame.js';
import { px } from '../../plot/svg.js';

export interface UncertaintyScatterInput extends ScatterFrameInput {
  readonly classification: Int32Array;
  /** 1 − max posterior, in [0, 1 − 1/K]. */
  readonly uncertainty: Float64Array;
}

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
  const { x, y, classification, uncertainty } = input;
  const { sx, sy, parts } = scatterFrame(input);
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
