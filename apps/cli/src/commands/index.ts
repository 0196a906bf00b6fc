import type { Command, ModelHandler, Registry } from '../framework/command.js';
import { bernoulliMixtureHandler, categoricalMixtureHandler, multinomialMixtureHandler } from '../models/count-mixture-handlers.js';
import { gaussianMixtureHandler } from '../models/gaussian-mixture-handler.js';
import { hmmHandler } from '../models/hmm-handler.js';
import { poissonMixtureHandler } from '../models/poisson-mixture-handler.js';
import { decodeCommand } from './decode.js';
import { fitBernoulliCommand } from './fit-bernoulli.js';
import { fitCategoricalCommand } from './fit-categorical.js';
import { fitGaussianMixtureCommand } from './fit-gmm.js';
import { fitHmmCommand } from './fit-hmm.js';
import { fitMultinomialCommand } from './fit-multinomial.js';
import { fitPoissonCommand } from './fit-poisson.js';
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
  fitMultinomialCommand,
  fitCategoricalCommand,
  fitBernoulliCommand,
  fitPoissonCommand,
  predictCommand,
  fitHmmCommand,
  decodeCommand,
];

export const modelHandlers: readonly ModelHandler[] = [
  gaussianMixtureHandler,
  multinomialMixtureHandler,
  categoricalMixtureHandler,
  bernoulliMixtureHandler,
  poissonMixtureHandler,
  hmmHandler,
];

export const defaultRegistry: Registry = { commands, modelHandlers };
