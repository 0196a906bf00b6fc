/** A linear map from a data interval onto a pixel interval (the pixel interval may be reversed). */
export interface LinearScale {
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  invert(pixel: number): number;
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  // A zero-width domain maps everything to the middle of the range instead of dividing by zero.
  const slope = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const scale = ((value: number) => (d1 === d0 ? (r0 + r1) / 2 : r0 + (value - d0) * slope)) as LinearScale;
  Object.defineProperties(scale, {
    domain: { value: [d0, d1] },
    range: { value: [r0, r1] },
    invert: { value: (pixel: number) => (slope === 0 ? d0 : d0 + (pixel - r0) / slope) },
  });
  return scale;
}

/** [min, max] of finite values, widened by `padding`·width on each side (±0.5 around a single value). */
export function paddedExtent(values: Iterable<number>, padding = 0.05): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min === Infinity) return [0, 1];
  if (min === max) return [min - 0.5, max + 0.5];
  const pad = (max - min) * padding;
  return [min - pad, max + pad];
}

/** Round tick values (steps of 1, 2 or 5 × 10^k) covering [min, max], about `target` of them. */
export function niceTicks(min: number, max: number, target = 5): number[] {
  if (!(max > min) || !Number.isFinite(min) || !Number.isFinite(max)) return Number.isFinite(min) ? [min] : [];
  const rough = (max - min) / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  const step = (fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10) * power;
  const ticks: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  for (let i = first; i <= last && ticks.length < 1000; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}
