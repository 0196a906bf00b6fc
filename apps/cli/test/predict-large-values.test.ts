import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineFailure, faithfulCsv, fixtureDirectory, runEm } from './helpers.js';

/**
 * Issue 10, item 5: `em predict --proba` printed NaN with exit 0 for a row at 1e200, and a 1e160
 * training outlier read as "the covariance is collapsing". Both are now one-line failures (exit 1)
 * saying the value is too large for double precision, naming where it is.
 */
describe('em with values too large for a Gaussian fit', () => {
  const faithful = readFileSync(faithfulCsv, 'utf8');
  const lines = faithful.trimEnd().split('\n');
  const withValue = (row: number, value: string): string => lines.map((line, i) => (i === row + 1 ? `${value},${line.split(',')[1] ?? ''}` : line)).join('\n') + '\n';
  const directory = fixtureDirectory({ 'outlier.csv': withValue(7, '1e160'), 'far.csv': '"eruptions","waiting"\n3.6,79\n1e200,0\n' });

  it('fit gmm: a 1e160 outlier is "too large … overflow", not "collapsing"', async () => {
    const result = await runEm(['fit', 'gmm', '--data', 'outlier.csv', '--components', '2'], directory);
    expectOneLineFailure(result, /too large.*overflow/, 1);
    expect(result.stderr).toMatch(/\b7\b/);
    expect(result.stderr).not.toMatch(/collapsing/);
  });

  it('predict --proba: a row at 1e200 fails on one line instead of printing NaN', async () => {
    const model = join(directory, 'model.json');
    expect((await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--seed', '1', '--out', model, '--quiet'])).code).toBe(0);
    for (const extra of [['--proba'], ['--proba', '--json'], []]) {
      const result = await runEm(['predict', '--model', model, '--data', 'far.csv', ...extra], directory);
      expectOneLineFailure(result, /too large.*overflow/, 1);
      expect(result.stdout).not.toMatch(/NaN/);
    }
  });
});
