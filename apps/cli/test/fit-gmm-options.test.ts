import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectOneLineFailure, faithfulCsv, fixtureDirectory, runEm } from './helpers.js';

interface FitJson {
  params: { weights: number[]; means: number[][]; covariances: number[][][] };
  logLikelihood: number;
  history: number[];
}

const faithfulLines = readFileSync(faithfulCsv, 'utf8').trimEnd().split('\n');
const header = faithfulLines[0] as string;
const body = faithfulLines.slice(1);
const init = JSON.stringify({
  weights: [0.4, 0.6],
  means: [
    [2, 55],
    [4.3, 80],
  ],
  covariances: [
    [
      [0.1, 0.4],
      [0.4, 30],
    ],
    [
      [0.2, 1],
      [1, 35],
    ],
  ],
});

async function fit(directory: string, ...argv: string[]): Promise<FitJson> {
  const result = await runEm(['fit', 'gmm', '--components', '2', '--init', 'init.json', '--prior', 'none', '--max-iter', '4', '--tol', '0', '--json', ...argv], directory);
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as FitJson;
}

describe('em fit gmm --sample-weights', () => {
  it('a weight of 2 on a row fits like that row written twice', async () => {
    const directory = fixtureDirectory({
      'init.json': init,
      'twice.csv': [header, body[0], ...body].join('\n'),
      'once.csv': [header, ...body].join('\n'),
      'weights.csv': ['2', ...body.slice(1).map(() => '1')].join('\n'),
    });
    const duplicated = await fit(directory, '--data', 'twice.csv');
    const weighted = await fit(directory, '--data', 'once.csv', '--sample-weights', 'weights.csv');
    expect(weighted.logLikelihood).toBeCloseTo(duplicated.logLikelihood, 8);
    weighted.history.forEach((value, i) => expect(value).toBeCloseTo(duplicated.history[i] as number, 8));
    weighted.params.means.flat().forEach((value, i) => expect(value).toBeCloseTo(duplicated.params.means.flat()[i] as number, 10));
  });

  it('rejects weights of the wrong length or sign', async () => {
    const directory = fixtureDirectory({ 'init.json': init, 'short.csv': '1\n2\n', 'negative.csv': ['-1', ...body.slice(1).map(() => '1')].join('\n') });
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--sample-weights', 'short.csv'], directory), /expected one column of 272 weights/, 1);
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--sample-weights', 'negative.csv'], directory), /weight -1 at row 0 is not a finite number ≥ 0/, 1);
  });
});

describe('em fit gmm --missing-values', () => {
  const withGap = [header, 'NA,79', ...body.slice(1)].join('\n');

  it('without the flag, a missing entry is rejected naming the row, the column and the flag', async () => {
    const directory = fixtureDirectory({ 'gap.csv': withGap });
    expectOneLineFailure(
      await runEm(['fit', 'gmm', '--data', 'gap.csv', '--components', '2'], directory),
      /gap\.csv: data row 0 \(0-based\), column "eruptions" is missing .*Pass --missing-values/,
      1,
    );
  });

  it('with the flag, the missing entry is marginalised and the fit proceeds', async () => {
    const directory = fixtureDirectory({ 'gap.csv': withGap, 'init.json': init });
    const result = await fit(directory, '--data', 'gap.csv', '--missing-values');
    expect(Number.isFinite(result.logLikelihood)).toBe(true);
    expect(result.history).toHaveLength(5);
    // One coordinate fewer is observed than in the complete data, so the likelihood differs from it.
    const complete = await fit(fixtureDirectory({ 'full.csv': [header, ...body].join('\n'), 'init.json': init }), '--data', 'full.csv');
    expect(result.logLikelihood).not.toBe(complete.logLikelihood);
  });
});
