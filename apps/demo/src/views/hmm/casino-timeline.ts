import { formatTick, px } from '../../plot/svg.js';
import { linearScale, niceTicks } from '../../scale.js';
import { LOADED, type CasinoEmission } from './casino.js';

export interface TimelineInput {
  readonly width: number;
  readonly emission: CasinoEmission;
  readonly observations: Float64Array;
  /** The true hidden states (1 = loaded). */
  readonly truth: Int32Array;
  /** p(loaded at t | rolls). */
  readonly loadedPosterior: Float64Array;
  /** Viterbi path, 1 = loaded. */
  readonly viterbi: Int32Array;
}

const LEFT = 64;
const RIGHT = 12;
/** Panel heights: the rolls, the posterior, the two state strips, and the time axis. */
export const TIMELINE_LAYOUT = { rollsTop: 22, rollsHeight: 96, posteriorTop: 146, posteriorHeight: 110, stripsTop: 284, strip: 16, axis: 346 } as const;
export const TIMELINE_HEIGHT = 372;

/** Runs of equal values as [start, end) pairs of a given value. */
function runsOf(path: Int32Array, value: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = -1;
  for (let t = 0; t <= path.length; t++) {
    const inside = t < path.length && path[t] === value;
    if (inside && start < 0) start = t;
    if (!inside && start >= 0) {
      runs.push([start, t]);
      start = -1;
    }
  }
  return runs;
}

/**
 * Three panels over time: the rolls (dots; loaded stretches of the truth shaded), the posterior
 * probability of "loaded" (a line in [0, 1]), and the true and Viterbi paths as strips.
 */
export function timelineMarkup(input: TimelineInput): string {
  const { width, observations, truth, loadedPosterior, viterbi } = input;
  const length = observations.length;
  const L = TIMELINE_LAYOUT;
  const sx = linearScale([0, length], [LEFT, width - RIGHT]);
  const parts: string[] = [];
  const shade = (top: number, height: number): void => {
    for (const [start, end] of runsOf(truth, LOADED)) {
      parts.push(`<rect class="truth-shade" x="${px(sx(start))}" y="${top}" width="${px(sx(end) - sx(start))}" height="${height}"/>`);
    }
  };
  // Rolls.
  let low = Infinity;
  let high = -Infinity;
  for (const value of observations) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  const [yMin, yMax] = input.emission === 'categorical' ? [0, 5] : [low, high];
  const sRoll = linearScale([yMin, yMax], [L.rollsTop + L.rollsHeight - 4, L.rollsTop + 4]);
  parts.push(`<text class="panel-title" x="${LEFT}" y="${L.rollsTop - 8}">${input.emission === 'categorical' ? 'rolls (die face)' : 'readings'}; shaded: the loaded die was in use (truth)</text>`);
  parts.push(`<rect class="plot-area" x="${LEFT}" y="${L.rollsTop}" width="${width - LEFT - RIGHT}" height="${L.rollsHeight}"/>`);
  shade(L.rollsTop, L.rollsHeight);
  const rollTicks = input.emission === 'categorical' ? [0, 1, 2, 3, 4, 5] : niceTicks(yMin, yMax, 4);
  for (const tick of rollTicks) {
    parts.push(`<text class="tick" x="${LEFT - 6}" y="${px(sRoll(tick) + 4)}" text-anchor="end">${input.emission === 'categorical' ? tick + 1 : formatTick(tick)}</text>`);
  }
  const dots: string[] = [];
  for (let t = 0; t < length; t++) dots.push(`M${px(sx(t + 0.5))},${px(sRoll(observations[t] as number))}h0`);
  parts.push(`<path class="roll-dots" d="${dots.join('')}"/>`);
  // Posterior of loaded.
  const sP = linearScale([0, 1], [L.posteriorTop + L.posteriorHeight, L.posteriorTop]);
  parts.push(`<text class="panel-title" x="${LEFT}" y="${L.posteriorTop - 8}">p(loaded | all rolls) — posterior from forward–backward</text>`);
  parts.push(`<rect class="plot-area" x="${LEFT}" y="${L.posteriorTop}" width="${width - LEFT - RIGHT}" height="${L.posteriorHeight}"/>`);
  shade(L.posteriorTop, L.posteriorHeight);
  for (const tick of [0, 0.5, 1]) {
    parts.push(`<line class="grid" x1="${LEFT}" x2="${width - RIGHT}" y1="${px(sP(tick))}" y2="${px(sP(tick))}"/>`);
    parts.push(`<text class="tick" x="${LEFT - 6}" y="${px(sP(tick) + 4)}" text-anchor="end">${tick}</text>`);
  }
  let minimum = Infinity;
  let maximum = -Infinity;
  const line: string[] = [];
  for (let t = 0; t < length; t++) {
    const p = loadedPosterior[t] as number;
    minimum = Math.min(minimum, p);
    maximum = Math.max(maximum, p);
    line.push(`${t === 0 ? 'M' : 'L'}${px(sx(t + 0.5))},${px(sP(p))}`);
  }
  parts.push(`<path class="loaded-posterior" data-points="${length}" data-min="${minimum}" data-max="${maximum}" d="${line.join('')}"/>`);
  // Paths.
  parts.push(`<text class="panel-title" x="${LEFT}" y="${L.stripsTop - 8}">hidden state: loaded (dark) or fair (light)</text>`);
  const strip = (label: string, className: string, path: Int32Array, top: number): void => {
    parts.push(`<text class="tick" x="${LEFT - 6}" y="${top + 12}" text-anchor="end">${label}</text>`);
    parts.push(`<rect class="fair-strip" x="${LEFT}" y="${top}" width="${width - LEFT - RIGHT}" height="${L.strip}"/>`);
    for (const [start, end] of runsOf(path, LOADED)) {
      parts.push(`<rect class="${className}" x="${px(sx(start))}" y="${top}" width="${px(Math.max(0.5, sx(end) - sx(start)))}" height="${L.strip}"/>`);
    }
  };
  strip('truth', 'true-loaded', truth, L.stripsTop);
  strip('Viterbi', 'viterbi-loaded', viterbi, L.stripsTop + L.strip + 6);
  for (const tick of niceTicks(0, length, 8)) {
    parts.push(`<text class="tick" x="${px(sx(tick))}" y="${L.axis}" text-anchor="middle">${tick}</text>`);
  }
  parts.push(`<text class="axis-label" x="${px((LEFT + width - RIGHT) / 2)}" y="${TIMELINE_HEIGHT - 6}" text-anchor="middle">roll (time step)</text>`);
  return parts.join('');
}
