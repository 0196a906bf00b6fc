import { DenseMatrix, FormatError } from '@em/core';
import type { PoissonMixtureParameters } from '@em/poisson-mixture';
import type { CommonFitSettings } from '../framework/fit-report.js';
import { memoryBudgetOf, type CliIo } from '../framework/io.js';
import type { OptionValues } from '../framework/options.js';
import { UsageError } from '../framework/usage-error.js';
import { parseDecimal } from '@em/sources';
import { readJsonFile } from '../io/json-file.js';
import { densify } from '../io/read-data.js';
import { readCounts, type LoadedCounts } from './count-mixture.js';
import { expectLength, isRecord } from './json-shape.js';

// What `em fit poisson` and `em predict` on a Poisson mixture read: dense count rows, the
// --rate-prior flag and the --init document.

/** Count rows as dense rows (a .mtx file is densified within the memory budget). */
export async function readPoissonCounts(io: CliIo, options: OptionValues): Promise<LoadedCounts & { readonly matrix: DenseMatrix }> {
  const data = await readCounts(io, options);
  const matrix = data.matrix instanceof DenseMatrix ? data.matrix : densify(data.matrix, data.source, memoryBudgetOf(io));
  return { ...data, matrix };
}

/** `--rate-prior SHAPE,RATE` (a Gamma prior on every rate); absent, or `--prior none`, is maximum likelihood. */
export function readRatePrior(options: OptionValues, settings: CommonFitSettings): { readonly shape: number; readonly rate: number } | undefined {
  const text = options.string('rate-prior');
  if (text === undefined) return undefined;
  if (settings.plainMaximumLikelihood) throw new UsageError(`${options.commandName}: --prior none means plain maximum likelihood, which contradicts --rate-prior; drop one of them.`);
  const parts = text.split(',');
  const [shape, rate] = parts.map((part) => parseDecimal(part.trim()));
  if (parts.length !== 2 || shape === undefined || rate === undefined || !(shape >= 1) || !(rate > 0) || !Number.isFinite(shape) || !Number.isFinite(rate)) {
    throw new UsageError(`${options.commandName}: --rate-prior must be SHAPE,RATE with SHAPE ≥ 1 and RATE > 0 (a Gamma prior on every rate), e.g. --rate-prior 2,1; got "${text}".`);
  }
  return { shape, rate };
}

/** The --init document { "weights": [K], "rates": [K][D] }, its shape checked against --components and the data. */
export async function readPoissonInit(io: CliIo, path: string, components: number, columns: number): Promise<PoissonMixtureParameters> {
  const json = await readJsonFile(io, path, '--init');
  const numbers = (value: unknown): value is number[] => Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'number');
  if (!isRecord(json) || !numbers(json['weights']) || !Array.isArray(json['rates']) || !json['rates'].every(numbers)) {
    throw new FormatError(`--init file ${path} must hold { "weights": [K], "rates": [K][D] }.`, 'Write the starting parameters in that shape (weights sum to 1, rates > 0).');
  }
  const weights = json['weights'];
  const rates = json['rates'] as number[][];
  expectLength(weights.length, components, `--init ${path}: weights has ${weights.length} entries but --components is ${components}`, 'Give one weight per component, or change --components.', 'weights');
  expectLength(rates.length, components, `--init ${path}: rates has ${rates.length} rows but --components is ${components}`, 'Give one row of rates per component.', 'rates');
  rates.forEach((row, k) =>
    expectLength(row.length, columns, `--init ${path}: rates[${k}] has ${row.length} entries but the data has ${columns} columns`, 'Use the same columns (order and size) as the data, or choose them with --columns.', 'rates'),
  );
  return { weights, rates };
}
