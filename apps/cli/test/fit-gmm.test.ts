import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '@em/sources';
import { expectOneLineFailure, faithfulCsv, type FitReportJson, fitReportKeys, fixtureDirectory, runEm, runJson } from './helpers.js';
import { npyBytes } from './npy-bytes.js';

type FitJson = FitReportJson<{ weights: number[]; means: number[][]; covariances: unknown; covarianceType: string }>;

function fitJson(...argv: string[]): Promise<FitJson> {
  return runJson<FitJson>(['fit', 'gmm', ...argv]);
}

const faithful = parseCsvText(readFileSync(faithfulCsv, 'utf8'), { name: 'faithful.csv' }).matrix;
const N = faithful.rows;
const D = faithful.cols;

/** Free parameters of a K-component mixture in dimension D (weights, means, covariances). */
function freeParameters(type: string, k: number, d: number): number {
  const covariance = { full: (k * d * (d + 1)) / 2, tied: (d * (d + 1)) / 2, diagonal: k * d, spherical: k }[type] as number;
  return k - 1 + k * d + covariance;
}

function shapeOf(value: unknown): number[] {
  const shape: number[] = [];
  let current = value;
  while (Array.isArray(current)) {
    shape.push(current.length);
    current = current[0];
  }
  return shape;
}

describe('em fit gmm --json', () => {
  const expectedCovarianceShape: Record<string, number[]> = { full: [2, D, D], tied: [D, D], diagonal: [2, D], spherical: [2] };
  it.each(Object.keys(expectedCovarianceShape))('prints one object with params shaped for %s covariances', async (type) => {
    const fit = await fitJson('--data', faithfulCsv, '--components', '2', '--covariance', type, '--seed', '3');
    expect(fit.kind).toBe('gaussian-mixture');
    expect(fit.params.covarianceType).toBe(type);
    expect(shapeOf(fit.params.weights)).toEqual([2]);
    expect(shapeOf(fit.params.means)).toEqual([2, D]);
    expect(shapeOf(fit.params.covariances)).toEqual(expectedCovarianceShape[type]);
    expect(fit.params.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(fit.history).toHaveLength(fit.iterations + 1);
    expect(Number.isFinite(fit.logLikelihood)).toBe(true);
    // BIC and AIC follow from the log-likelihood and the parameter count (lower is better).
    const p = freeParameters(type, 2, D);
    expect(fit.bic).toBeCloseTo(-2 * fit.logLikelihood + p * Math.log(N), 6);
    expect(fit.aic).toBeCloseTo(-2 * fit.logLikelihood + 2 * p, 6);
    expect(typeof fit.converged).toBe('boolean');
    expect(typeof fit.stopReason).toBe('string');
    // EM never decreases the objective (allowing round-off).
    for (let i = 1; i < fit.history.length; i++) expect(fit.history[i] as number).toBeGreaterThanOrEqual((fit.history[i - 1] as number) - 1e-9 * Math.abs(fit.history[i - 1] as number));
  });

  it('with --max-iter 0 only evaluates the start: history has one entry', async () => {
    const fit = await fitJson('--data', faithfulCsv, '--components', '2', '--max-iter', '0');
    expect(fit.iterations).toBe(0);
    expect(fit.history).toHaveLength(1);
    expect(fit.secondsPerIteration).toBeNull();
  });

  it('carries exactly the fields of the issue: kind, params { weights, means, covariances, covarianceType, model, decomposition } and the fit results', async () => {
    const fit = await fitJson('--data', faithfulCsv, '--components', '2', '--max-iter', '2');
    expect(Object.keys(fit).sort()).toEqual(fitReportKeys);
    expect(Object.keys(fit.params).sort()).toEqual(['covarianceType', 'covariances', 'decomposition', 'means', 'model', 'weights']);
  });

  it('with --max-iter 3 --tol 0 runs exactly three iterations', async () => {
    const fit = await fitJson('--data', faithfulCsv, '--components', '2', '--max-iter', '3', '--tol', '0');
    expect(fit.iterations).toBe(3);
    expect(fit.history).toHaveLength(4);
    expect(fit.converged).toBe(false);
  });

  it('--init evaluated with --max-iter 0 reproduces the log-likelihood of the parameters it was given', async () => {
    const fitted = await fitJson('--data', faithfulCsv, '--components', '2', '--covariance', 'full', '--prior', 'none', '--seed', '1');
    const directory = fixtureDirectory({ 'init.json': JSON.stringify(fitted.params) });
    const evaluated = await fitJson('--data', faithfulCsv, '--components', '2', '--covariance', 'full', '--prior', 'none', '--init', join(directory, 'init.json'), '--max-iter', '0');
    expect(evaluated.history).toHaveLength(1);
    expect(evaluated.logLikelihood).toBeCloseTo(fitted.logLikelihood, 8);
    // Plain maximum likelihood: the objective is the log-likelihood.
    expect(evaluated.history[0]).toBeCloseTo(evaluated.logLikelihood, 8);
  });

  it('reads .npy input exactly like the same data as CSV', async () => {
    const directory = fixtureDirectory({ 'faithful.npy': npyBytes('<f8', [N, D], Array.from(faithful.data)) });
    const fromCsv = await fitJson('--data', faithfulCsv, '--components', '2', '--seed', '5', '--max-iter', '5', '--tol', '0');
    const fromNpy = await fitJson('--data', join(directory, 'faithful.npy'), '--components', '2', '--seed', '5', '--max-iter', '5', '--tol', '0');
    expect(fromNpy.history).toEqual(fromCsv.history);
    expect(fromNpy.params).toEqual(fromCsv.params);
  });

  it('is reproducible under a seed with restarts', async () => {
    const first = await fitJson('--data', faithfulCsv, '--components', '3', '--covariance', 'diagonal', '--n-init', '3', '--seed', '11', '--init-method', 'random');
    const second = await fitJson('--data', faithfulCsv, '--components', '3', '--covariance', 'diagonal', '--n-init', '3', '--seed', '11', '--init-method', 'random');
    expect(second.params).toEqual(first.params);
    expect(second.logLikelihood).toBe(first.logLikelihood);
  });

  it('fits one-dimensional data chosen with --columns', async () => {
    const fit = await fitJson('--data', faithfulCsv, '--columns', 'waiting', '--components', '2', '--covariance', 'spherical');
    expect(shapeOf(fit.params.means)).toEqual([2, 1]);
  });
});

describe('em fit gmm (readable output)', () => {
  it('prints the components and the fit summary on stdout and progress on stderr', async () => {
    const result = await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--covariance', 'full', '--seed', '1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Gaussian mixture: K = 2, full covariance, 272 observations × 2 columns');
    expect(result.stdout).toContain('component 0: weight');
    expect(result.stdout).toContain('component 1: weight');
    expect(result.stdout).toMatch(/log-likelihood\s+-\d/);
    expect(result.stdout).toMatch(/BIC\s+\d/);
    expect(result.stdout).toMatch(/iterations\s+\d+ \((converged|not converged)/);
    expect(result.stderr).toMatch(/em fit gmm: iteration \d+ {2}log-likelihood -\d/);
  });

  it('--quiet silences progress', async () => {
    const result = await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--quiet']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });
});

describe('em fit gmm: bad input', () => {
  it('a missing data file', async () => {
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', 'no-such-file.csv', '--components', '2']), /Cannot read --data file "no-such-file\.csv": no such file/, 1);
  });

  it('a malformed CSV file (ragged row, non-number)', async () => {
    const directory = fixtureDirectory({ 'ragged.csv': 'a,b\n1,2\n3\n', 'word.csv': 'a,b\n1,2\n3,oops\n' });
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', 'ragged.csv', '--components', '1'], directory), /ragged\.csv, line 3: found 1 fields, expected 2/, 1);
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', 'word.csv', '--components', '1'], directory), /word\.csv, line 3, column "b" \(index 1\): "oops" is not a number/, 1);
  });

  it('a malformed .npy file (not NumPy, truncated, Fortran order)', async () => {
    const good = npyBytes('<f8', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    const directory = fixtureDirectory({
      'text.npy': '1,2\n3,4\n',
      'short.npy': good.subarray(0, good.length - 8),
      'fortran.npy': npyBytes('<f8', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8], { fortran: true }),
    });
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', 'text.npy', '--components', '1'], directory), /text\.npy, byte 0: not a NumPy \.npy file/, 1);
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', 'short.npy', '--components', '1'], directory), /short\.npy: file is truncated/, 1);
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', 'fortran.npy', '--components', '1'], directory), /Fortran .*expected C \(row-major\) order/, 1);
  });

  it('a D mismatch between the data and --init', async () => {
    const init = { weights: [0.5, 0.5], means: [[1, 2, 3], [4, 5, 6]], covariances: [[[1, 0, 0], [0, 1, 0], [0, 0, 1]], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]] };
    const directory = fixtureDirectory({ 'init.json': JSON.stringify(init) });
    expectOneLineFailure(
      await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--init', 'init.json'], directory),
      /--init init\.json: means\[0\] has 3 coordinates but the data has D = 2 columns/,
      1,
    );
  });

  it('--init with the wrong number of components or a covariance of the wrong shape', async () => {
    const directory = fixtureDirectory({
      'three.json': JSON.stringify({ weights: [0.2, 0.3, 0.5], means: [[1, 2], [3, 4], [5, 6]], covariances: [1, 1, 1] }),
      'shape.json': JSON.stringify({ weights: [0.5, 0.5], means: [[1, 2], [3, 4]], covariances: [1, 1] }),
      'broken.json': '{ "weights": [0.5, ',
    });
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--covariance', 'spherical', '--init', 'three.json'], directory), /weights has 3 entries but --components is 2/, 1);
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--covariance', 'diagonal', '--init', 'shape.json'], directory), /covariances\[0\] must be an array/, 1);
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--init', 'broken.json'], directory), /--init file broken\.json is not valid JSON/, 1);
  });

  it('invalid initial values are rejected by the model with one line', async () => {
    const directory = fixtureDirectory({ 'init.json': JSON.stringify({ weights: [0.9, 0.9], means: [[1, 2], [3, 4]], covariances: [1, 1] }) });
    const result = await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--covariance', 'spherical', '--init', 'init.json', '--json'], directory);
    expectOneLineFailure(result, /weight/i, 1);
  });

  it('more components than rows', async () => {
    const directory = fixtureDirectory({ 'three.csv': '1,2\n3,4\n5,6\n' });
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', 'three.csv', '--components', '4'], directory), /--components 4 is more than the 3 rows of three\.csv/, 1);
  });

  it('non-finite values in the data', async () => {
    const directory = fixtureDirectory({ 'inf.csv': '1,2\n3,inf\n5,6\n' });
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', 'inf.csv', '--components', '1'], directory), /infinite|Infinity/i, 1);
  });

  it('usage errors exit with code 2', async () => {
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', faithfulCsv]), /--components is required/, 2);
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--covariance', 'round']), /--covariance expects mclust's EII \| VII .* VVV, or full \(= VVV\) .*; got "round"/, 2);
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', 'two']), /--components expects an integer ≥ 1, got "two"/, 2);
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--tol', 'tiny']), /--tol expects a finite number ≥ 0/, 2);
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--prior', 'none', '--reg-covar', '0.1']), /contradicts --reg-covar/, 2);
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--max-iter', '-1']), /--max-iter/, 2);
  });
});
