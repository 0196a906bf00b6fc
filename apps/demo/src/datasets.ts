import { DenseMatrix } from '@em/core';
import { blobInput, collectDense, openCsvSource, parseCsvText } from '@em/sources';
import faithfulText from './data/faithful.csv?raw';
import irisText from './data/iris.csv?raw';

/** The numeric columns of a table, row-major, plus the text columns kept as labels. */
export interface NumericTable {
  readonly columnNames: readonly string[];
  /** rows × columnNames.length, row-major. */
  readonly values: Float64Array;
  readonly rowCount: number;
  /** Text columns by name (e.g. iris species), one entry per row. */
  readonly labels: Readonly<Record<string, readonly string[]>>;
}

export interface Dataset {
  /** 'faithful', 'iris', or 'upload-N' for a file the visitor chose. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly table: NumericTable;
  /** Columns plotted by default (indices into table.columnNames). */
  readonly defaultColumns: readonly [number, number];
  readonly defaultComponents: number;
}

/**
 * Reads CSV text with @em/sources's parser (the CLI's): header detection, numeric columns, the
 * text columns (iris's Species) kept as labels; decimal numbers only.
 */
export function parseTable(text: string, name: string): NumericTable {
  const table = parseCsvText(text, { name, labels: true });
  return {
    columnNames: table.columnNames ?? table.columnIndices.map((j) => `column ${j}`),
    values: table.matrix.data,
    rowCount: table.matrix.rows,
    labels: table.labels ?? {},
  };
}

let cache: readonly Dataset[] | undefined;
const uploaded: Dataset[] = [];

/** The embedded datasets, parsed on first use, then the files the visitor loaded. */
export function datasets(): readonly Dataset[] {
  cache ??= [
    {
      id: 'faithful',
      title: 'Old Faithful geyser',
      description: '272 eruptions of the Old Faithful geyser: eruption length (minutes) and waiting time to the next eruption (minutes).',
      table: parseTable(faithfulText, 'faithful.csv'),
      defaultColumns: [0, 1],
      defaultComponents: 2,
    },
    {
      id: 'iris',
      title: 'Iris flowers',
      description: '150 iris flowers of three species, four measurements each (cm). The species labels are not given to EM.',
      table: parseTable(irisText, 'iris.csv'),
      defaultColumns: [2, 3],
      defaultComponents: 3,
    },
  ];
  return [...cache, ...uploaded];
}

/** Memory a loaded file may take in the page (its numeric table and the reader's buffers). */
const UPLOAD_BUDGET = 64 * 1024 * 1024;

/**
 * Reads a CSV/TSV file the visitor chose (an `<input type="file">` File) through its `stream()`,
 * with the same parser as the embedded data and the CLI, in blocks: a file whose table passes the
 * page's budget is refused with a typed error (MemoryBudgetError) rather than freezing the tab.
 * The dataset is added to `datasets()` and returned.
 */
export async function loadCsvFile(file: Blob & { readonly name: string }): Promise<Dataset> {
  const source = await openCsvSource(blobInput(file, file.name), { memoryBudget: UPLOAD_BUDGET });
  try {
    const matrix = await collectDense(source, UPLOAD_BUDGET, 'Choose a smaller file (the page keeps the whole table)');
    const columnNames = source.columnNames ?? source.columnIndices.map((j) => `column ${j}`);
    const skipped = source.skippedColumns === undefined ? '' : ` Text columns left out: ${source.skippedColumns.join(', ')}.`;
    const dataset: Dataset = {
      id: `upload-${uploaded.length + 1}`,
      title: file.name,
      description: `${matrix.rows} rows × ${matrix.cols} numeric columns from ${file.name}.${skipped}`,
      table: { columnNames, values: matrix.data, rowCount: matrix.rows, labels: {} },
      defaultColumns: [0, Math.min(1, matrix.cols - 1)],
      defaultComponents: 2,
    };
    uploaded.push(dataset);
    return dataset;
  } finally {
    await source.close();
  }
}

export function datasetById(id: string): Dataset {
  const found = datasets().find((dataset) => dataset.id === id);
  if (found === undefined) throw new RangeError(`Unknown dataset "${id}".`);
  return found;
}

/** Columns `picked` (indices into columnNames) of a numeric table, row-major. */
export function selectColumns(table: NumericTable, picked: readonly number[]): Float64Array {
  const width = table.columnNames.length;
  const out = new Float64Array(table.rowCount * picked.length);
  for (let i = 0; i < table.rowCount; i++) {
    for (let c = 0; c < picked.length; c++) out[i * picked.length + c] = table.values[i * width + (picked[c] as number)] as number;
  }
  return out;
}

/** The observations EM is fitted on: the chosen columns of the dataset, as a dense matrix. */
export function observationsOf(dataset: Dataset, columns: readonly number[]): DenseMatrix {
  return DenseMatrix.fromArray(selectColumns(dataset.table, columns), dataset.table.rowCount, columns.length);
}
