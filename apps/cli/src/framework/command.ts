import type { SerializedModel, ExecutionPlan, WorkersOption } from '@em/core';
import type { ColumnsReport } from '../io/table.js';
import type { CliIo } from './io.js';
import type { BlockClassifier } from './stream-predict.js';
import type { OptionDefinitions, OptionValues } from './options.js';

/** What a command receives when it runs. */
export interface CommandContext {
  readonly options: OptionValues;
  readonly io: CliIo;
  readonly registry: Registry;
}

/**
 * One `em` command. `path` holds the words that select it (`['fit', 'gmm']` is `em fit gmm`);
 * the first word groups commands in help (`em fit --help` lists every `fit …`).
 */
export interface Command {
  readonly path: readonly string[];
  /** One line for command lists. */
  readonly summary: string;
  /** Paragraphs shown by `em <command> --help` after the usage line. */
  readonly description?: string;
  readonly options: OptionDefinitions;
  /** Example invocations (without the leading `em `), shown in help. */
  readonly examples?: readonly string[];
  /** Returns the exit code (0 on success). Throws UsageError / EmError / CliInputError on failure. */
  run(context: CommandContext): Promise<number> | number;
}

/** What `em predict` asks of a model kind. */
export interface PredictRequest {
  readonly model: SerializedModel;
  /** Flags of `em predict` (data, columns, lengths…), for the handler to read its input. */
  readonly options: OptionValues;
  readonly io: CliIo;
  /** `--proba`: also return per-row probabilities of each component/state. */
  readonly probabilities: boolean;
  /** `--workers auto|N`: where the prediction pass runs (the estimator's predictAsync decides under auto). */
  readonly workers: WorkersOption;
}

export interface PredictOutcome {
  /** Most probable component (or state) of each row. */
  readonly labels: readonly number[];
  /** n×K posterior probabilities, when requested. */
  readonly probabilities?: ReadonlyArray<readonly number[]>;
  /** Which data columns were used and skipped (a `columns` field in --json). */
  readonly columns?: ColumnsReport;
  /** Where the pass ran (in process or on worker threads) and why (an `execution` field in --json). */
  readonly execution?: ExecutionPlan;
}

/**
 * Applies saved models of one `kind` (the `kind` field of the model file). `em predict` reads the
 * file, finds the handler with that kind and delegates to it.
 */
export interface ModelHandler {
  readonly kind: string;
  /** Shown by `em predict --help`. */
  readonly description: string;
  /** True for sequence models, whose rows `--lengths` splits into sequences (rejected for the others). */
  readonly sequences?: boolean;
  predict(request: PredictRequest): Promise<PredictOutcome> | PredictOutcome;
  /** The saved model as a block classifier, for `em predict --stream` (absent: the kind cannot stream). */
  classifier?(model: SerializedModel, memoryBudget: number): BlockClassifier;
}

/** Every command and model handler the tool knows. */
export interface Registry {
  readonly commands: readonly Command[];
  readonly modelHandlers: readonly ModelHandler[];
}

export function commandName(command: Command): string {
  return `em ${command.path.join(' ')}`;
}
