// @em/cli — the `em` command-line tool. `main(argv, io)` runs one invocation in-process (tests,
// embedding); bin/em.mjs calls `runFromProcess()`.
import { defaultRegistry } from './commands/index.js';
import type { Registry } from './framework/command.js';
import { type CliIo, createProcessIo } from './framework/io.js';
import { runCli } from './framework/main.js';
import { version } from './version.js';

export type { Command, CommandContext, ModelHandler, PredictOutcome, PredictRequest, Registry } from './framework/command.js';
export { type CapturedIo, type CliIo, CliInputError, createCapturedIo, createProcessIo } from './framework/io.js';
export { type OptionDefinition, type OptionDefinitions, OptionValues } from './framework/options.js';
export { ExitCode, UsageError } from './framework/usage-error.js';
// The readers moved to @em/sources (one CSV parser for the CLI and the demo, streaming readers for #15).
export { parseCsvText, parseMatrixMarket, parseNpy, type CsvOptions } from '@em/sources';
export type { NumericTable } from './io/table.js';
export { commands, defaultRegistry, modelHandlers } from './commands/index.js';
export { version };

/** Runs `em` with the given arguments (without "node em") and returns the exit code. */
export function main(argv: readonly string[], io: CliIo = createProcessIo(), registry: Registry = defaultRegistry): Promise<number> {
  return runCli(argv, io, registry, version);
}

/** Entry point of bin/em.mjs: runs with process.argv and sets process.exitCode. */
export async function runFromProcess(): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // `em predict … | head` closes the pipe early: stop quietly.
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  process.exitCode = await main(process.argv.slice(2));
}
