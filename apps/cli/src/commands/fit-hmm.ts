import { formatBytes, InvalidDataError, MemoryBudgetError } from '@em/core';
import { type EmissionSpec, HiddenMarkovModel } from '@em/hmm';
import type { Command } from '../framework/command.js';
import { dataOptions, fitOptions, readCommonFitSettings, REPORT_FIELDS_HELP } from '../framework/fit-report.js';
import { fitReportOf, fitWithProgress, publishFit, restartsFor } from '../framework/fit-run.js';
import { formatNumber } from '../framework/format.js';
import { UsageError } from '../framework/usage-error.js';
import { readJsonFile } from '../io/json-file.js';
import { readDenseDataFlags, requireObservations } from '../io/read-data.js';
import { lengthsOption, readLengths } from '../io/sequence-lengths.js';
import { memoryBudgetOf } from '../framework/io.js';
import { columnsReportOf } from '../io/table.js';
import { checkHmmSize, resolveWorkersFlag } from '../models/allocation-checks.js';
import { COVARIANCE_TYPE_HELP, readCovarianceType } from '../models/gaussian-mixture-init.js';
import { EMISSION_TYPES, hmmParamsForOutput, parseHmmInit } from '../models/hmm-init.js';
import { HMM_KIND } from '../models/hmm-handler.js';
import { fitHmmStreamed } from '../models/hmm-stream.js';
import { streamDecision, streamOptions } from '../framework/stream-fit.js';

/** `em fit hmm`: fits a hidden Markov model by Baum–Welch and prints (or saves) the result. */
export const fitHmmCommand: Command = {
  path: ['fit', 'hmm'],
  summary: 'Fit a hidden Markov model (categorical, Gaussian or Gaussian-mixture emissions) by Baum–Welch.',
  description:
    'Data: one row per time step (symbols as integers 0..M-1 in one column for categorical emissions);\n' +
    '--lengths gives the length of each sequence (absent: one sequence). With --json one object:\n' +
    '{ kind, params: { startProbabilities [K], transitionMatrix [K][K], emission }, logLikelihood, history, logLikelihoodHistory,\n' +
    '  iterations, converged, stopReason, secondsPerIteration, bic, aic, columns }\n' +
    REPORT_FIELDS_HELP +
    'emission: { type: "categorical", probabilities [K][M] } or { type: "gaussian", covarianceType, means [K][D], covariances }\n' +
    'or { type: "gmm", covarianceType, weights [K][M], means [K][M][D], covariances over the K·M components }\n' +
    '(covariances shaped as in em fit gmm); --init takes the same document. --tol follows --tolerance-rule, as for\n' +
    "every model (hmmlearn's tol: --tolerance-rule absolute --tol 0.01).\n" +
    'Streaming (--stream; automatic for --data - and for a file larger than --memory-budget; implied by\n' +
    '--sequence-column): each Baum-Welch iteration reads the file once, in blocks of whole sequences, so memory\n' +
    'is set by the budget, not the file; same trajectory as in memory from the same start (without --init the\n' +
    'start is the initialisation on the first block). A sequence longer than a block the budget allows is refused.',
  options: {
    ...dataOptions,
    lengths: lengthsOption,
    'sequence-column': {
      type: 'value',
      valueName: 'NAME',
      description:
        'Column (header name or 0-based index) holding a numeric sequence id: consecutive rows with the same id form a sequence; ' +
        'an id that comes back after another is an error naming the row (sort the file by id, keeping time order). Streams the data.',
    },
    stream: streamOptions.stream,
    'block-rows': { type: 'value', valueName: 'N', description: 'Rows a block of whole sequences aims at when streaming.', defaultText: 'from --memory-budget, at most 65536' },
    states: { type: 'value', valueName: 'K', description: 'Number of hidden states.', required: true },
    emission: { type: 'value', valueName: 'TYPE', description: 'categorical | gaussian | gmm.', required: true },
    covariance: { type: 'value', valueName: 'TYPE', description: `${COVARIANCE_TYPE_HELP}; gaussian and gmm emissions.`, defaultText: 'full' },
    'mixture-components': { type: 'value', valueName: 'M', description: 'Gaussian components per state (gmm).', defaultText: '2' },
    symbols: { type: 'value', valueName: 'M', description: 'Number of symbols (categorical; default: largest symbol + 1, or the width of --init probabilities).' },
    ...fitOptions,
  },
  examples: [
    'fit hmm --data rolls.csv --states 2 --emission categorical --seed 1',
    'fit hmm --data x.npy --lengths lengths.csv --states 3 --emission gaussian --covariance diagonal --n-init 5 --json',
    'fit hmm --data rolls.csv --states 2 --emission categorical --init start.json --max-iter 0 --out model.json',
    'fit hmm --data visits.csv --sequence-column patient --columns x,y --states 3 --emission gaussian --stream',
  ],
  async run({ options, io }) {
    const settings = readCommonFitSettings(options);
    const k = options.requiredInteger('states', { min: 1 });
    const emission = options.choice('emission', EMISSION_TYPES);
    if (emission === undefined) throw options.error('emission', 'is required');
    const covariance = readCovarianceType(options, 'covariance', 'full');
    const mixtureComponents = options.integer('mixture-components', { min: 1 }, 2);
    // --sequence-column streams (the in-memory path reads --lengths); with --block-rows it needs no --stream.
    const byId = options.has('sequence-column');
    const decision =
      (byId && options.has('block-rows') ? undefined : await streamDecision(io, options)) ?? (byId ? { path: options.requiredString('data'), reason: '--sequence-column', stepwise: false } : undefined);
    if (decision !== undefined) return fitHmmStreamed(io, options, decision, { settings, states: k, emission, covariance, mixtureComponents });
    const table = await readDenseDataFlags(io, options);
    const data = table.matrix;
    requireObservations(data, table.source);
    const lengths = await readLengths(io, options.string('lengths'), data.rows);
    const init = settings.init === undefined ? undefined : parseHmmInit(await readJsonFile(io, settings.init, '--init'), settings.init, k, emission, data.cols, covariance, mixtureComponents);
    const completeInit = init?.startProbabilities !== undefined && init.transitionMatrix !== undefined && init.emissions !== undefined;
    if (settings.maxIterations === 0 && !completeInit) {
      throw new UsageError('em fit hmm: --max-iter 0 evaluates the --init parameters, so --init must give startProbabilities, transitionMatrix and emission.');
    }
    // The data fits but its forward–backward tables do not: the streamed fit runs the long sequences checkpointed.
    const budget = memoryBudgetOf(io);
    const tablesFit = (shape: Parameters<typeof checkHmmSize>[0]): boolean => {
      try {
        checkHmmSize(shape, budget);
        return true;
      } catch (error) {
        if (!(error instanceof MemoryBudgetError)) throw error;
        checkHmmSize({ ...shape, rows: 0 }, budget); // the chain and emission tables alone must fit
        return false;
      }
    };
    const streamTables = (symbols: number | undefined): Promise<number> =>
      fitHmmStreamed(
        io,
        options,
        { path: options.requiredString('data'), reason: `the forward–backward tables of ${data.rows} time steps need more than the memory budget of ${formatBytes(budget)}`, stepwise: false },
        { settings, states: k, emission, covariance, mixtureComponents, ...(symbols === undefined ? {} : { symbols }) },
      );
    let spec: EmissionSpec;
    const plain = settings.plainMaximumLikelihood;
    if (emission === 'categorical') {
      if (data.cols !== 1) throw new InvalidDataError(`Categorical emissions need one column of symbols; ${table.source} has ${data.cols}.`, 'Pick the symbol column with --columns.');
      const initWidth = (init?.emissions as { probabilities?: number[][][] } | undefined)?.probabilities?.[0]?.[0]?.length;
      let largest = 0;
      for (let i = 0; i < data.rows; i++) largest = Math.max(largest, data.data[i] as number);
      const symbols = options.integer('symbols', { min: 1 }) ?? initWidth ?? (Number.isInteger(largest) ? largest + 1 : 1);
      if (!tablesFit({ rows: data.rows, dimension: 1, states: k, emission, symbols })) return streamTables(symbols);
      spec = { type: 'categorical', symbols, pseudocount: plain ? 0 : 0.01 };
    } else if (emission === 'gaussian') {
      if (!tablesFit({ rows: data.rows, dimension: data.cols, states: k, emission, covariance })) return streamTables(undefined);
      spec = { type: 'gaussian', covariance, regCovar: plain ? 0 : 1e-6 };
    } else {
      if (!tablesFit({ rows: data.rows, dimension: data.cols, states: k, emission, covariance, mixtureComponents })) return streamTables(undefined);
      spec = { type: 'gmm', covariance, mixtureComponents, regCovar: plain ? 0 : 1e-6 };
    }
    const runs = restartsFor(settings, completeInit);
    const workers = resolveWorkersFlag(settings.workers, data.data.byteLength, memoryBudgetOf(io), (text) => {
      if (!settings.quiet && !settings.json) io.stderr(`em: note: ${text}\n`);
    });
    const hmm = new HiddenMarkovModel({
      states: k,
      workers,
      emission: spec,
      ...(init === undefined ? {} : { init }),
      nInit: runs,
      seed: settings.seed,
      maxIterations: settings.maxIterations,
      tolerance: settings.tolerance,
      toleranceRule: settings.toleranceRule,
      acceleration: settings.acceleration,
      memoryBudget: memoryBudgetOf(io),
    });
    const input = lengths === undefined ? data : { observations: data, lengths };
    const result = await fitWithProgress(io, settings, { label: 'em fit hmm', runs, plan: hmm.planExecution(input) }, (callbacks) => hmm.fitAsync(input, callbacks));
    const p = hmm.parameters;
    const sequences = lengths?.length ?? 1;
    return publishFit(io, settings, {
      report: fitReportOf(HMM_KIND, hmmParamsForOutput(p, emission, k), result),
      model: () => hmm.toJSON(),
      observations: data.rows,
      columns: columnsReportOf(table),
      description: [
        `Hidden Markov model: K = ${k}, ${emission} emissions${emission === 'categorical' ? '' : ` (${covariance} covariance${emission === 'gmm' ? `, ${mixtureComponents} components per state` : ''})`}, ` +
          `${data.rows} time steps in ${sequences} sequence${sequences === 1 ? '' : 's'} (${table.source})`,
        `start probabilities  ${p.startProbabilities.map((v) => formatNumber(v, 4)).join('  ')}`,
        'transition matrix',
        ...p.transitionMatrix.map((row) => `  ${row.map((v) => formatNumber(v, 4)).join('  ')}`),
      ],
    });
  },
};
