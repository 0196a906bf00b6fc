import { type CsrMatrix, type DataSource, type DenseMatrix } from '@em/core';
import { CATEGORICAL_MIXTURE, CategoricalMixture, checkCategoryTables, type LatentClassParameters } from '@em/multinomial-mixture';
import { formatNumber, formatVector } from '../framework/format.js';
import { type CliIo, memoryBudgetOf } from '../framework/io.js';
import type { OptionValues } from '../framework/options.js';
import { denseSource, publishStreamedFit, type StreamDecision } from '../framework/stream-fit.js';
import { fitCountMixtureStreamed, openStreamedCountInput } from './count-mixture-stream.js';

/**
 * `em fit categorical` over a stream. Without --categories, a first pass finds each column's
 * largest code (M_j = largest + 1), as the in-memory fit does on the loaded matrix.
 */
export async function fitCategoricalStreamed(io: CliIo, options: OptionValues, decision: StreamDecision): Promise<number> {
  const input = await openStreamedCountInput<LatentClassParameters>(io, options, decision, { depth: 3, example: '{ "weights": [K], "probabilities": [K][J][M_j] }' }, 'categorical');
  try {
    const source = denseSource(input.source as DataSource<DenseMatrix> | DataSource<CsrMatrix>);
    const listed = options.string('categories');
    if (listed !== undefined && !/^\s*\d+(\s*,\s*\d+)*\s*$/.test(listed)) throw options.error('categories', `expects one count per column, comma-separated (e.g. 2,3,7), got "${listed}"`);
    let categories: number[];
    if (listed !== undefined) categories = listed.split(',').map((part) => Number(part.trim()));
    else {
      if (!source.reiterable) throw options.error('categories', 'is needed when the data is read once (stdin with --stepwise): list the categories per column');
      categories = new Array<number>(source.columns).fill(1);
      for await (const block of source.pass()) {
        const { data, rows, cols } = block.data;
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) {
            const code = data[i * cols + j] as number;
            if (Number.isInteger(code) && code >= 0 && code + 1 > (categories[j] as number)) categories[j] = code + 1;
          }
        }
      }
    }
    if (categories.length !== source.columns) throw options.error('categories', `lists ${categories.length} variables but ${source.description} has ${source.columns} columns`);
    checkCategoryTables(categories, input.common.components, memoryBudgetOf(io), source.description);
    const model = new CategoricalMixture({ ...input.estimator, categories });
    const fit = await fitCountMixtureStreamed(io, options, decision, 'em fit categorical', input, model, source);
    const parameters = model.parameters;
    const names = source.columnNames;
    return await publishStreamedFit(io, input.common.settings, fit, {
      kind: CATEGORICAL_MIXTURE,
      params: { ...parameters, categories },
      model: () => model.toJSON(),
      description: [
        `Latent class model: K = ${input.common.components}, categories [${categories.join(', ')}], streamed (${source.description})`,
        ...parameters.probabilities.flatMap((perVariable, k) => [
          `class ${k}  weight ${formatNumber(parameters.weights[k] as number, 6)}`,
          ...perVariable.map((p, j) => `  ${names?.[j] ?? `variable ${j}`}: ${formatVector(p, 4)}`),
        ]),
      ],
    });
  } finally {
    await input.close();
  }
}
