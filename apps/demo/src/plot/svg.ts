/** Escapes text for SVG/HTML markup. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A number rounded for an SVG attribute (two decimals are plenty for pixels). */
export function px(value: number): string {
  return (Math.round(value * 100) / 100).toString();
}

/** Short human form of a tick value. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(1);
  return Number(value.toPrecision(6)).toString();
}
