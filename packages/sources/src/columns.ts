import { InvalidDataError } from '@em/core';

/**
 * Resolves a column selection ("a,b", "0,2", "Sepal.Length,3", as given to `--columns`) against
 * the available columns: each item is a column name or a 0-based column index.
 */
export function resolveColumns(specification: string, columnCount: number, names: readonly string[] | undefined, source: string): number[] {
  const out: number[] = [];
  for (const rawItem of specification.split(',')) {
    const item = rawItem.trim();
    if (item === '') {
      throw new InvalidDataError(`--columns "${specification}" has an empty item.`, 'Separate column names or 0-based indices with single commas.');
    }
    let index = names === undefined ? -1 : names.indexOf(item);
    if (index < 0 && /^\d+$/.test(item)) index = Number(item);
    if (index < 0 || index >= columnCount) {
      const available = names === undefined ? `indices 0..${columnCount - 1}` : `${names.map((name) => JSON.stringify(name)).join(', ')} or indices 0..${columnCount - 1}`;
      throw new InvalidDataError(`--columns: ${source} has no column "${item}".`, `Choose from ${available}.`, { column: item });
    }
    if (out.includes(index)) throw new InvalidDataError(`--columns lists column "${item}" twice.`, 'Name each column once.');
    out.push(index);
  }
  return out;
}
