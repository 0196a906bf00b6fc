import { escapeText, px } from '../../plot/svg.js';

/** A probability in [0, 1] as a grey level: 1 (always ink) is black, 0 is white. */
export function greyOf(probability: number): string {
  const level = Math.round(255 * (1 - Math.min(1, Math.max(0, probability))));
  return `rgb(${level}, ${level}, ${level})`;
}

/**
 * One image as an SVG: a `side`×`side` grid of pixels whose grey level is the value (a Bernoulli
 * mean for a prototype, 0/1 for a data image). Each pixel carries its value for tests and tooltips.
 */
export function imageMarkup(values: ArrayLike<number>, offset: number, side: number, pixelSize: number, label: string, className: string): string {
  const size = side * pixelSize;
  const parts: string[] = [`<svg class="${className}" viewBox="0 0 ${size} ${size}" width="${size}" height="${size}" role="img" aria-label="${escapeText(label)}" data-side="${side}">`];
  for (let row = 0; row < side; row++) {
    for (let column = 0; column < side; column++) {
      const value = values[offset + row * side + column] as number;
      parts.push(`<rect class="pixel" x="${px(column * pixelSize)}" y="${px(row * pixelSize)}" width="${pixelSize}" height="${pixelSize}" fill="${greyOf(value)}" data-value="${value}"/>`);
    }
  }
  parts.push('</svg>');
  return parts.join('');
}
