import { describe, expect, it } from 'vitest';
import { expectOneLineFailure, fixtureDirectory, runEm } from './helpers.js';

// Every command reading --data rejects a malformed Matrix Market file with one stderr line, a
// non-zero exit code and nothing on stdout.
describe('a malformed .mtx file', () => {
  const directory = fixtureDirectory({
    'broken.mtx': '%%MatrixMarket matrix coordinate integer general\n2 2 1\n3 1 4\n',
    'short.mtx': '%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 4\n',
    'symbols.csv': '0\n1\n1\n0\n',
  });
  const problems = [
    ['broken.mtx', /broken\.mtx, line 3: entry \(3, 1\) lies outside the declared 2×2 shape/],
    ['short.mtx', /short\.mtx: found 1 entries but the size line declares 2/],
  ] as const;
  const commands: ReadonlyArray<readonly string[]> = [
    ['fit', 'gmm', '--components', '1'],
    ['select', 'gmm', '--components', '1'],
    ['fit', 'multinomial', '--components', '1'],
    ['fit', 'categorical', '--components', '1'],
    ['fit', 'bernoulli', '--components', '1'],
    ['fit', 'hmm', '--states', '1', '--emission', 'gaussian'],
  ];

  it.each(commands)('em %s %s', async (...argv) => {
    for (const [file, pattern] of problems) expectOneLineFailure(await runEm([...argv, '--data', file], directory), pattern, 1);
  });

  it('em predict and em decode', async () => {
    const fitted = await runEm(['fit', 'hmm', '--data', 'symbols.csv', '--states', '1', '--emission', 'categorical', '--out', 'hmm.json', '--quiet'], directory);
    expect(fitted.code).toBe(0);
    for (const command of ['predict', 'decode']) {
      for (const [file, pattern] of problems) expectOneLineFailure(await runEm([command, '--model', 'hmm.json', '--data', file], directory), pattern, 1);
    }
  });
});
