import type { Command, ModelHandler, Registry } from '../framework/command.js';
import { gaussianMixtureHandler } from '../models/gaussian-mixture-handler.js';
import { decodeCommand } from './decode.js';
import { fitGaussianMixtureCommand } from './fit-gmm.js';
import { fitHmmCommand } from './fit-hmm.js';
import { multinomialMixtureCommands, multinomialMixtureHandlers } from './fit-multinomial.js';
import { predictCommand } from './predict.js';
import { selectGaussianMixtureCommand } from './select-gmm.js';

/**
 * The registry: every `em` command and every model kind `em predict` can apply.
 *
 * To add a command: write `src/commands/<name>.ts` exporting a `Command` (see fit-gmm.ts), import
 * it here and add it to `commands`. To make `em predict` apply a new model kind, export a
 * `ModelHandler` (see ../models/gaussian-mixture-handler.ts) and add it to `modelHandlers`.
 * Help, flag parsing and one-line error reporting come with the framework.
 */
export const commands: readonly Command[] = [
  fitGaussianMixtureCommand,
  selectGaussianMixtureCommand,
  ...multinomialMixtureCommands,
  predictCommand,
  fitHmmCommand,
  decodeCommand,
];

export const modelHandlers: readonly ModelHandler[] = [
  gaussianMixtureHandler,
  ...multinomialMixtureHandlers,
];

export const defaultRegistry: Registry = { commands, modelHandlers };
