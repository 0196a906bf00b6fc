import { readFileSync } from 'node:fs';

/** The first `columns` numeric columns of a CSV shipped with the CLI (apps/cli/data), as rows and row-major. */
export function shippedData(file: 'faithful.csv' | 'iris.csv', columns: number): { readonly data: Float64Array; readonly rows: number; readonly table: number[][] } {
  const lines = readFileSync(new URL(`../../../apps/cli/data/${file}`, import.meta.url), 'utf8').trim().split('\n').slice(1);
  const table = lines.map((line) => line.split(',').slice(0, columns).map(Number));
  return { data: Float64Array.from(table.flat()), rows: table.length, table };
}
