/** Component colours (colour-blind-friendly, Okabe–Ito order). */
export const componentColors: readonly (readonly [number, number, number])[] = [
  [0, 114, 178],
  [213, 94, 0],
  [0, 158, 115],
  [204, 121, 167],
  [230, 159, 0],
  [86, 180, 233],
  [120, 94, 60],
  [60, 60, 60],
];

export function componentColor(k: number): string {
  const [r, g, b] = componentColors[k % componentColors.length] as readonly [number, number, number];
  return `rgb(${r}, ${g}, ${b})`;
}

/** The responsibility-weighted blend of the component colours for row i of an n×K matrix. */
export function blendedColor(responsibilities: Float64Array, i: number, k: number): string {
  let r = 0;
  let g = 0;
  let b = 0;
  for (let j = 0; j < k; j++) {
    const weight = responsibilities[i * k + j] as number;
    const color = componentColors[j % componentColors.length] as readonly [number, number, number];
    r += weight * color[0];
    g += weight * color[1];
    b += weight * color[2];
  }
  return `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`;
}
