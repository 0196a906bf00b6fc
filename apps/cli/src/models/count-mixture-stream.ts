import { checkFeatureTables } from '@em/multinomial-mixture';
import type { CsrMatrix, DataSource, DenseMatrix, MixtureParameters } from '@em/core';
import type { OptionValues } from '../framework/options.js';
import { type CliIo, memoryBudgetOf } from '../framework/io.js';
import { openStreamSource, runStreamedFit, type StreamDecision, type StreamableEstimator, type StreamedFit } from '../framework/stream-fit.js';
import { readJsonFile } from '../io/json-file.js';
import { checkSparseEStep } from '../framework/fit-report.js';
import { type CountMixtureSettings, estimatorOptions, parseProbabilityInit, type ProbabilityInitShape, readCountMixtureSettings } from './count-mixture.js';

/** What a streamed count-mixture fit has opened before it builds its model. */
export interface StreamedCountInput<T> {
  readonly common: CountMixtureSettings;
  readonly source: DataSource<DenseMatrix | CsrMatrix>;
  readonly init: T | undefined;
  readonly estimator: ReturnType<typeof estimatorOptions>;
  /** Releases the file (and a stdin spool). */
  close(): Promise<void>;
}

/**
 * The streamed counterpart of readCountFitInput: reads the shared flags, opens --data as a stream
 * (dense, or sparse for .mtx), checks the K × V tables against the budget and reads --init.
 */
export async function openStreamedCountInput<T>(
  io: CliIo,
  options: OptionValues,
  decision: StreamDecision,
  initShape: Omit<ProbabilityInitShape, 'width'>,
  family: string,
): Promise<StreamedCountInput<T>> {
  const common = readCountMixtureSettings(options);
  checkSparseEStep(common.estep, common.settings.workers, true, options.commandName);
  const source = (await openStreamSource(io, options, decision)) as DataSource<DenseMatrix | CsrMatrix>;
  try {
    if (initShape.depth === 2) checkFeatureTables(source.columns, common.components, memoryBudgetOf(io), family, source.description);
    const path = common.settings.init;
    const init = path === undefined ? undefined : parseProbabilityInit<T>(await readJsonFile(io, path, '--init'), path, common.components, { ...initShape, width: source.columns });
    return { common, source, init, estimator: estimatorOptions(common, init !== undefined, memoryBudgetOf(io)), close: () => source.close() };
  } catch (error) {
    await source.close();
    throw error;
  }
}

/** Estimators whose plain parameters --init gives (setParameters), as the count mixtures are. */
interface PlainSettable<T> {
  setParameters(plain: T): unknown;
}

/** Runs the streamed fit of a count-mixture estimator, from --init when given. */
export async function fitCountMixtureStreamed<C, B extends DenseMatrix | CsrMatrix, T>(
  io: CliIo,
  options: OptionValues,
  decision: StreamDecision,
  label: string,
  input: StreamedCountInput<T>,
  estimator: StreamableEstimator<MixtureParameters<C>, B> & PlainSettable<T>,
  source: DataSource<B>,
): Promise<StreamedFit<MixtureParameters<C>>> {
  let initial: MixtureParameters<C> | undefined;
  if (input.init !== undefined) {
    estimator.setParameters(input.init);
    initial = estimator.modelParameters;
  }
  return runStreamedFit(io, options, input.common.settings, label, decision, estimator, source, initial);
}
