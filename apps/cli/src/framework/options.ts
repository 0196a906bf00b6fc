import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

/** One `--flag` of a command. Every flag is long-form; values are parsed by the command through OptionValues. */
export interface OptionDefinition {
  /** `value` flags take an argument (`--data FILE`); `flag` flags do not (`--json`). */
  readonly type: 'value' | 'flag';
  /** Placeholder shown in help, e.g. "FILE" or "K". */
  readonly valueName?: string;
  readonly description: string;
  /** Shown in help; the command applies defaults itself. */
  readonly defaultText?: string;
  /** Missing required flags are reported before the command runs. */
  readonly required?: boolean;
}

export type OptionDefinitions = Readonly<Record<string, OptionDefinition>>;

/**
 * Parses `argv` against the definitions. Unknown flags, missing values and positional words are
 * UsageErrors (one line, exit code 2).
 */
export function parseOptions(commandName: string, definitions: OptionDefinitions, argv: readonly string[]): OptionValues {
  const config: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, definition] of Object.entries(definitions)) config[name] = { type: definition.type === 'value' ? 'string' : 'boolean' };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (error) {
    throw translateParseError(commandName, error);
  }
  if (parsed.positionals.length > 0) {
    throw new UsageError(`${commandName}: unexpected argument "${parsed.positionals[0]}"; flags take the form --name VALUE (see ${commandName} --help).`);
  }
  return new OptionValues(commandName, parsed.values);
}

function translateParseError(commandName: string, error: unknown): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return new UsageError(`${commandName}: unknown option ${flag} (see ${commandName} --help for the options).`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (message.includes('argument missing')) return new UsageError(`${commandName}: option ${flag} needs a value (write ${flag} VALUE).`);
    if (message.includes('ambiguous')) {
      return new UsageError(`${commandName}: the value of ${flag} starts with "-"; write it as ${flag}=VALUE.`);
    }
    if (message.includes('does not take an argument')) return new UsageError(`${commandName}: option ${flag} takes no value.`);
  }
  return new UsageError(`${commandName}: ${message.split('\n')[0] ?? message}`);
}

/** Typed, validated access to parsed flags. Every failure is a one-line UsageError naming the flag. */
export class OptionValues {
  readonly commandName: string;
  readonly #values: Record<string, string | boolean | undefined>;

  constructor(commandName: string, values: Record<string, string | boolean | undefined>) {
    this.commandName = commandName;
    this.#values = values;
  }

  has(name: string): boolean {
    return this.#values[name] !== undefined;
  }

  flag(name: string): boolean {
    return this.#values[name] === true;
  }

  string(name: string): string | undefined {
    const value = this.#values[name];
    return typeof value === 'string' ? value : undefined;
  }

  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw this.error(name, 'is required');
    return value;
  }

  /** An integer flag in [min, max]; `fallback` when absent. */
  integer(name: string, options: { min?: number; max?: number }, fallback: number): number;
  integer(name: string, options?: { min?: number; max?: number }): number | undefined;
  integer(name: string, options: { min?: number; max?: number } = {}, fallback?: number): number | undefined {
    const text = this.string(name);
    if (text === undefined) return fallback;
    const value = parseInteger(text);
    const min = options.min ?? Number.MIN_SAFE_INTEGER;
    const max = options.max ?? Number.MAX_SAFE_INTEGER;
    if (value === undefined || value < min || value > max) throw this.error(name, `expects an integer ${describeRange(min, max)}, got "${text}"`);
    return value;
  }

  requiredInteger(name: string, options: { min?: number; max?: number } = {}): number {
    const value = this.integer(name, options);
    if (value === undefined) throw this.error(name, 'is required');
    return value;
  }

  /** A finite number flag ≥ min; `fallback` when absent. */
  number(name: string, options: { min?: number }, fallback: number): number;
  number(name: string, options?: { min?: number }): number | undefined;
  number(name: string, options: { min?: number } = {}, fallback?: number): number | undefined {
    const text = this.string(name);
    if (text === undefined) return fallback;
    const value = text.trim() === '' ? Number.NaN : Number(text);
    const min = options.min ?? Number.NEGATIVE_INFINITY;
    if (!Number.isFinite(value) || value < min) {
      throw this.error(name, `expects a finite number${min === Number.NEGATIVE_INFINITY ? '' : ` ≥ ${min}`}, got "${text}"`);
    }
    return value;
  }

  /** One of a fixed set of words; `fallback` when absent. */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T;
  choice<T extends string>(name: string, choices: readonly T[]): T | undefined;
  choice<T extends string>(name: string, choices: readonly T[], fallback?: T): T | undefined {
    const text = this.string(name);
    if (text === undefined) return fallback;
    if (!(choices as readonly string[]).includes(text)) throw this.error(name, `expects one of ${choices.join('|')}, got "${text}"`);
    return text as T;
  }

  /**
   * A list of positive integers: "3", "1..6", "2,4,8" or "1..3,6". Each ≥ min; at most `maxCount` values.
   */
  integerList(name: string, options: { min?: number; maxCount?: number } = {}): number[] | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const min = options.min ?? 0;
    const maxCount = options.maxCount ?? 1000;
    const out: number[] = [];
    for (const part of text.split(',')) {
      const range = /^\s*(\S+?)\s*\.\.\s*(\S+)\s*$/.exec(part);
      const first = parseInteger(range ? (range[1] as string) : part);
      const last = range ? parseInteger(range[2] as string) : first;
      if (first === undefined || last === undefined || first < min || last < first) {
        throw this.error(name, `expects integers ≥ ${min} written as "K", "A..B" or "A,B,C" (with A ≤ B), got "${text}"`);
      }
      if (last - first + 1 + out.length > maxCount) throw this.error(name, `lists more than ${maxCount} values ("${text}")`);
      for (let value = first; value <= last; value++) if (!out.includes(value)) out.push(value);
    }
    return out;
  }

  /** A UsageError about one flag. */
  error(name: string, problem: string): UsageError {
    return new UsageError(`${this.commandName}: --${name} ${problem}.`);
  }
}

function parseInteger(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : undefined;
}

function describeRange(min: number, max: number): string {
  if (max === Number.MAX_SAFE_INTEGER) return min === Number.MIN_SAFE_INTEGER ? '' : `≥ ${min}`;
  return `in [${min}, ${max}]`;
}
