import { DenseMatrix } from '@em/core';
import { parseCsv, selectColumns, toNumericTable, type NumericTable } from './csv.js';
import faithfulText from './data/faithful.csv?raw';
import irisText from './data/iris.csv?raw';

export interface Dataset {
  readonly id: 'faithful' | 'iris';
  readonly title: string;
  readonly description: string;
  readonly table: NumericTable;
  /** Columns plotted by default (indices into table.columnNames). */
  readonly defaultColumns: readonly [number, number];
  readonly defaultComponents: number;
}

function load(text: string, name: string): NumericTable {
  return toNumericTable(parseCsv(text, name), name);
}

let cache: readonly Dataset[] | undefined;

/** The embedded datasets, parsed on first use. */
export function datasets(): readonly Dataset[] {
  cache ??= [
    {
      id: 'faithful',
      title: 'Old Faithful geyser',
      description: '272 eruptions of the Old Faithful geyser: eruption length (minutes) and waiting time to the next eruption (minutes).',
      table: load(faithfulText, 'faithful.csv'),
      defaultColumns: [0, 1],
      defaultComponents: 2,
    },
    {
      id: 'iris',
      title: 'Iris flowers',
      description: '150 iris flowers of three species, four measurements each (cm). The species labels are not given to EM.',
      table: load(irisText, 'iris.csv'),
      defaultColumns: [2, 3],
      defaultComponents: 3,
    },
  ];
  return cache;
}

export function datasetById(id: string): Dataset {
  const found = datasets().find((dataset) => dataset.id === id);
  if (found === undefined) throw new RangeError(`Unknown dataset "${id}".`);
  return found;
}

/** The observations EM is fitted on: the chosen columns of the dataset, as a dense matrix. */
export function observationsOf(dataset: Dataset, columns: readonly number[]): DenseMatrix {
  return DenseMatrix.fromArray(selectColumns(dataset.table, columns), dataset.table.rowCount, columns.length);
}
