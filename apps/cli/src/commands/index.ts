import type { Command, ModelHandler, Registry } from '../framework/command.js';
import { predictCommand } from './predict.js';

/**
 * The registry: every `em` command and every model kind `em predict` can apply.
 *
 * To add a command: write `src/commands/<name>.ts` exporting a `Command` (see fit-gmm.ts), import
 * it here and add it to `commands`. To make `em predict` apply a new model kind, export a
 * `ModelHandler` and add it to `modelHandlers`. Help, flag parsing and error reporting come free.
 */
export const commands: readonly Command[] = [
  predictCommand,
];

export const modelHandlers: readonly ModelHandler[] = [
];

export const defaultRegistry: Registry = { commands, modelHandlers };
