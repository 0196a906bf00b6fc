import { DEFAULT_MEMORY_BUDGET, formatBytes } from '@em/core';
import type { Command, Registry } from './command.js';
import { commandName } from './command.js';

/** The global flag every command accepts (taken out of argv before the command's own flags are parsed). */
export const MEMORY_BUDGET_FLAG = 'memory-budget';

/** Help text of the global flags, one entry per flag: [label, description]. */
const GLOBAL_OPTIONS: ReadonlyArray<readonly [string, string]> = [
  [
    `--${MEMORY_BUDGET_FLAG} SIZE`,
    `Most memory em may allocate for its input: the file read, the arrays a file's declared shape ` +
      `implies, the model's tables and worker threads; larger inputs are refused before allocating ` +
      `(e.g. 512MB, 4GiB). [default: ${formatBytes(DEFAULT_MEMORY_BUDGET)}]`,
  ],
];

/** `em --help`: every command, one line each. */
export function overviewHelp(registry: Registry, version: string): string {
  const lines = [
    `em ${version} — Expectation–Maximization from the command line.`,
    '',
    'Usage: em <command> [options]',
    '',
    'Commands:',
    ...commandTable(groupedByFirstWord(registry.commands)),
    '',
    'Global options (accepted by every command):',
    ...GLOBAL_OPTIONS.map(([label, text]) => `  ${label}  ${text}`),
    '',
    'Data files: .csv/.tsv/.txt (header optional), .npy (NumPy, C order), .mtx (Matrix Market).',
    'Numbers are decimal: optional sign, digits, optional fraction and exponent (1, -2.5, 3e-4, .5);',
    'NA, NaN, null and empty fields are missing values; inf/Infinity are read as ±Infinity; hexadecimal',
    '(0x10), binary (0b11) and octal (0o7) literals are refused.',
    'Run `em <command> --help` for the options of a command.',
    '',
  ];
  return lines.join('\n');
}

/** `em fit --help`: the commands that start with `fit`. */
export function groupHelp(group: string, commands: readonly Command[]): string {
  return [`Usage: em ${group} <model> [options]`, '', 'Commands:', ...commandTable(commands), '', `Run \`em ${group} <model> --help\` for the options.`, ''].join('\n');
}

export function commandHelp(command: Command): string {
  const lines = [`Usage: ${commandName(command)} [options]`, '', command.summary];
  if (command.description !== undefined) lines.push('', command.description);
  lines.push('', 'Options:');
  const entries = Object.entries(command.options);
  const labels = entries.map(([name, definition]) => `--${name}${definition.type === 'value' ? ` ${definition.valueName ?? 'VALUE'}` : ''}`);
  const width = Math.max(...labels.map((label) => label.length), '--help'.length, ...GLOBAL_OPTIONS.map(([label]) => label.length));
  entries.forEach(([, definition], index) => {
    let text = definition.description;
    if (definition.required === true) text += ' (required)';
    if (definition.defaultText !== undefined) text += ` [default: ${definition.defaultText}]`;
    lines.push(`  ${(labels[index] as string).padEnd(width)}  ${text}`);
  });
  lines.push(`  ${'--help'.padEnd(width)}  Show this help.`);
  for (const [label, text] of GLOBAL_OPTIONS) lines.push(`  ${label.padEnd(width)}  ${text}`);
  if (command.examples !== undefined && command.examples.length > 0) {
    lines.push('', 'Examples:', ...command.examples.map((example) => `  em ${example}`));
  }
  lines.push('');
  return lines.join('\n');
}

function commandTable(commands: readonly Command[]): string[] {
  const names = commands.map((command) => command.path.join(' '));
  const width = Math.max(0, ...names.map((name) => name.length));
  return commands.map((command, index) => `  ${(names[index] as string).padEnd(width)}  ${command.summary}`);
}

/** Commands grouped by their first word (in order of first appearance), so `fit …` lines sit together. */
function groupedByFirstWord(commands: readonly Command[]): Command[] {
  const order: string[] = [];
  for (const command of commands) if (!order.includes(command.path[0] ?? '')) order.push(command.path[0] ?? '');
  return order.flatMap((word) => commands.filter((command) => (command.path[0] ?? '') === word));
}
