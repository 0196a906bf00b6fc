import type { Command, Registry } from './command.js';
import { commandName } from './command.js';

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
    'Data files: .csv/.tsv/.txt (header optional), .npy (NumPy, C order), .mtx (Matrix Market).',
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
  const width = Math.max(...labels.map((label) => label.length), '--help'.length);
  entries.forEach(([, definition], index) => {
    let text = definition.description;
    if (definition.required === true) text += ' (required)';
    if (definition.defaultText !== undefined) text += ` [default: ${definition.defaultText}]`;
    lines.push(`  ${(labels[index] as string).padEnd(width)}  ${text}`);
  });
  lines.push(`  ${'--help'.padEnd(width)}  Show this help.`);
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
