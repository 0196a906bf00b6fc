import { InvalidDataError } from '@em/core';
import { describe, expect, it } from 'vitest';
import type { Command, Registry } from './command.js';
import { createCapturedIo } from './io.js';
import { runCli } from './main.js';

const echo: Command = {
  path: ['fit', 'echo'],
  summary: 'Echo the flags.',
  options: {
    count: { type: 'value', valueName: 'K', description: 'A count.', required: true },
    rate: { type: 'value', valueName: 'R', description: 'A rate.' },
    list: { type: 'value', valueName: 'A..B', description: 'Integers.' },
    mode: { type: 'value', valueName: 'a|b', description: 'A choice.' },
    loud: { type: 'flag', description: 'Shout.' },
  },
  run({ options, io }) {
    const count = options.requiredInteger('count', { min: 1 });
    const rate = options.number('rate', { min: 0 }, 0.5);
    const mode = options.choice('mode', ['a', 'b'] as const, 'a');
    const list = options.integerList('list', { min: 1 }) ?? [];
    io.stdout(`${JSON.stringify({ count, rate, mode, list, loud: options.flag('loud') })}\n`);
    return 0;
  },
};

const failing: Command = {
  path: ['fail'],
  summary: 'Always fails.',
  options: {},
  run() {
    throw new InvalidDataError('data[3][1] = NaN is NaN.', 'Remove missing values.');
  },
};

const registry: Registry = { commands: [echo, failing], modelHandlers: [] };

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = createCapturedIo();
  const code = await runCli(argv, io, registry, '9.9.9');
  return { code, ...io.captured };
}

describe('runCli', () => {
  it('dispatches to the command and parses typed flags', async () => {
    const result = await run('fit', 'echo', '--count', '3', '--rate=0.25', '--list', '1..3,7', '--mode', 'b', '--loud');
    expect(result).toEqual({ code: 0, stdout: '{"count":3,"rate":0.25,"mode":"b","list":[1,2,3,7],"loud":true}\n', stderr: '' });
  });

  it('prints help for the tool, a group and a command on stdout', async () => {
    const overview = await run('--help');
    expect(overview.code).toBe(0);
    expect(overview.stdout).toContain('fit echo');
    expect(overview.stdout).toContain('9.9.9');
    const group = await run('fit', '--help');
    expect(group.stdout).toContain('Usage: em fit <model>');
    const command = await run('fit', 'echo', '--help');
    expect(command.stdout).toContain('--count K');
    expect(command.stdout).toContain('(required)');
    expect((await run('help', 'fit', 'echo')).stdout).toBe(command.stdout);
    expect((await run('--version')).stdout).toBe('9.9.9\n');
  });

  const usageErrors: Array<[string[], RegExp]> = [
    [[], /no command given/],
    [['nope'], /unknown command "nope"/],
    [['fit'], /`em fit` needs a model: echo/],
    [['fit', 'other'], /unknown command "em fit other"; choose one of: echo/],
    [['fit', 'echo'], /--count is required/],
    [['fit', 'echo', '--count', '2', '--bogus'], /unknown option --bogus/],
    [['fit', 'echo', '--count'], /option --count needs a value/],
    [['fit', 'echo', '--count', 'x'], /--count expects an integer ≥ 1, got "x"/],
    [['fit', 'echo', '--count', '0'], /--count expects an integer ≥ 1, got "0"/],
    [['fit', 'echo', '--count', '2', '--rate', 'fast'], /--rate expects a finite number ≥ 0, got "fast"/],
    [['fit', 'echo', '--count', '2', '--rate', '-1'], /value of --rate starts with "-"; write it as --rate=VALUE/],
    [['fit', 'echo', '--count', '2', '--rate=-1'], /--rate expects a finite number ≥ 0, got "-1"/],
    [['fit', 'echo', '--count', '2', '--mode', 'c'], /--mode expects one of a\|b, got "c"/],
    [['fit', 'echo', '--count', '2', '--list', '3..1'], /--list expects integers ≥ 1/],
    [['fit', 'echo', '--count', '2', 'stray'], /unexpected argument "stray"/],
    [['fit', 'echo', '--count', '2', '--loud=yes'], /option --loud takes no value/],
  ];
  it.each(usageErrors)('rejects %j with one line on stderr and exit code 2', async (argv, pattern) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.startsWith('em: error: ')).toBe(true);
  });

  it('reports typed errors from a command as one line with exit code 1', async () => {
    const result = await run('fail');
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'em: error: data[3][1] = NaN is NaN. Remove missing values.\n' });
  });
});
