import { EmError, parseByteSize } from '@em/core';
import type { Command, Registry } from './command.js';
import { commandName } from './command.js';
import { commandHelp, groupHelp, MEMORY_BUDGET_FLAG, overviewHelp } from './help.js';
import { CliInputError, type CliIo } from './io.js';
import { parseOptions } from './options.js';
import { ExitCode, UsageError } from './usage-error.js';

/**
 * Runs one `em` invocation against a registry and returns the exit code. Never throws: every
 * failure becomes one line on stderr (exit 2 for a wrong command line, 1 for rejected input).
 */
export async function runCli(argv: readonly string[], io: CliIo, registry: Registry, version: string): Promise<number> {
  try {
    const global = extractGlobalOptions(argv);
    const runIo: CliIo = global.memoryBudget === undefined ? io : { ...io, memoryBudget: global.memoryBudget };
    return await dispatch(global.rest, runIo, registry, version);
  } catch (error) {
    io.stderr(`em: error: ${oneLine(describeError(error))}\n`);
    return error instanceof UsageError ? ExitCode.usage : ExitCode.failure;
  }
}

async function dispatch(argv: readonly string[], io: CliIo, registry: Registry, version: string): Promise<number> {
  const first = argv[0];
  if (first === undefined) throw new UsageError('no command given; run `em --help` for the list of commands.');
  if (first === '--help' || first === '-h') {
    io.stdout(overviewHelp(registry, version));
    return ExitCode.success;
  }
  if (first === '--version' || first === '-v') {
    io.stdout(`${version}\n`);
    return ExitCode.success;
  }
  if (first === 'help') {
    const rest = argv.slice(1);
    if (rest.length === 0) {
      io.stdout(overviewHelp(registry, version));
      return ExitCode.success;
    }
    return dispatch([...rest, '--help'], io, registry, version);
  }

  const command = findCommand(registry.commands, argv);
  if (command === undefined) {
    const group = registry.commands.filter((candidate) => candidate.path[0] === first && candidate.path.length > 1);
    if (group.length === 0) throw new UsageError(`unknown command "${first}"; run \`em --help\` for the list of commands.`);
    const second = argv[1];
    if (second === undefined || second === '--help' || second === '-h') {
      if (second === undefined) {
        throw new UsageError(`\`em ${first}\` needs a model: ${group.map((candidate) => candidate.path.slice(1).join(' ')).join(', ')} (see em ${first} --help).`);
      }
      io.stdout(groupHelp(first, group));
      return ExitCode.success;
    }
    throw new UsageError(
      `unknown command "em ${first} ${second}"; choose one of: ${group.map((candidate) => candidate.path.slice(1).join(' ')).join(', ')}.`,
    );
  }

  const rest = argv.slice(command.path.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(commandHelp(command));
    return ExitCode.success;
  }
  const name = commandName(command);
  const options = parseOptions(name, command.options, rest);
  for (const [flag, definition] of Object.entries(command.options)) {
    if (definition.required === true && !options.has(flag)) {
      throw new UsageError(`${name}: --${flag} is required (see ${name} --help).`);
    }
  }
  return await command.run({ options, io, registry });
}

/**
 * Takes the global flags (`--memory-budget SIZE` or `--memory-budget=SIZE`, anywhere on the line)
 * out of argv, so every command accepts them without listing them.
 */
function extractGlobalOptions(argv: readonly string[]): { rest: string[]; memoryBudget: number | undefined } {
  const rest: string[] = [];
  let memoryBudget: number | undefined;
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] as string;
    let value: string | undefined;
    if (word === `--${MEMORY_BUDGET_FLAG}`) {
      value = argv[index + 1];
      if (value === undefined) throw new UsageError(`option --${MEMORY_BUDGET_FLAG} needs a value (write --${MEMORY_BUDGET_FLAG} SIZE, e.g. 1GiB).`);
      index++;
    } else if (word.startsWith(`--${MEMORY_BUDGET_FLAG}=`)) {
      value = word.slice(MEMORY_BUDGET_FLAG.length + 3);
    } else {
      rest.push(word);
      continue;
    }
    try {
      memoryBudget = parseByteSize(value, `--${MEMORY_BUDGET_FLAG}`);
    } catch {
      throw new UsageError(`--${MEMORY_BUDGET_FLAG} expects a byte size of at least 1MiB such as 512MB, 2GiB or 268435456, got "${value}".`);
    }
  }
  return { rest, memoryBudget };
}

/** The command whose whole path matches the first words of argv (longest path wins). */
function findCommand(commands: readonly Command[], argv: readonly string[]): Command | undefined {
  let best: Command | undefined;
  for (const command of commands) {
    const matches = command.path.every((word, index) => argv[index] === word);
    if (matches && (best === undefined || command.path.length > best.path.length)) best = command;
  }
  return best;
}

function describeError(error: unknown): string {
  if (error instanceof UsageError || error instanceof EmError || error instanceof CliInputError) return error.message;
  if (error instanceof Error) return `unexpected ${error.name}: ${error.message} (please report this as a bug).`;
  return `unexpected failure: ${String(error)}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
