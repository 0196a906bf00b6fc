/** Human-readable number formatting for summaries (JSON output always carries full precision). */
export function formatNumber(value: number, digits = 6): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  const text = value.toPrecision(digits);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

export function formatVector(values: ArrayLike<number>, digits = 6): string {
  return `[${Array.from(values, (value) => formatNumber(value, digits)).join(', ')}]`;
}

/** A matrix as aligned rows, each prefixed by `indent`. */
export function formatMatrix(rows: ReadonlyArray<ArrayLike<number>>, indent: string, digits = 6): string[] {
  const cells = rows.map((row) => Array.from(row, (value) => formatNumber(value, digits)));
  const width = Math.max(1, ...cells.flat().map((cell) => cell.length));
  return cells.map((row) => `${indent}[${row.map((cell) => cell.padStart(width)).join('  ')}]`);
}

/** Text table with a header row: the first `leftColumns` columns left-aligned, the rest right-aligned. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, leftColumns = 1): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const render = (row: readonly string[]): string =>
    row
      .map((cell, column) => (column < leftColumns ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number)))
      .join('  ')
      .trimEnd();
  return [render(header), ...rows.map(render)];
}

/**
 * JSON text for stdout: typed arrays become arrays, non-finite numbers become null (JSON has no
 * NaN/Infinity), numbers keep their shortest round-trip form.
 */
export function toJsonText(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, item: unknown) => {
      if (ArrayBuffer.isView(item) && !(item instanceof DataView)) return Array.from(item as unknown as ArrayLike<number>);
      if (typeof item === 'number' && !Number.isFinite(item)) return null;
      return item;
    },
    indent,
  );
}
