import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineFailure, type FitReportJson, fitReportKeys, fixtureDirectory, runEm, runJson } from './helpers.js';

// em fit poisson, and em predict on its saved model. The reference is @em/poisson-mixture's
// independent NumPy EM (packages/poisson-mixture/scripts/reference-em.py): 400 rows × 3 columns,
// K = 3, 60 iterations from a fixed start, total log-likelihood including −log x!.
interface ReferenceRun {
  logLikelihoodHistory: number[];
  objectiveHistory: number[];
  weights: number[];
  rates: number[];
}
const reference = JSON.parse(readFileSync(new URL('../../../packages/poisson-mixture/test/__fixtures__/reference-em.json', import.meta.url), 'utf8')) as {
  rows: number;
  columns: number;
  iterations: number;
  data: number[];
  start: { weights: number[]; rates: number[] };
  maximumLikelihood: ReferenceRun;
  gammaPrior: ReferenceRun & { shape: number; rate: number };
};

const nested = (flat: readonly number[], width: number): number[][] => Array.from({ length: flat.length / width }, (_, k) => flat.slice(k * width, (k + 1) * width));
const rows = nested(reference.data, reference.columns);
const csv = `a,b,c\n${rows.map((row) => row.join(',')).join('\n')}\n`;
const init = { weights: reference.start.weights, rates: nested(reference.start.rates, 3) };

type PoissonJson = FitReportJson<{ weights: number[]; rates: number[][] }>;

const close = (actual: number, expected: number, tolerance = 1e-9): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
};

describe('em fit poisson', () => {
  const directory = fixtureDirectory({
    'counts.csv': csv,
    'init.json': JSON.stringify(init),
    'bad-init.json': JSON.stringify({ weights: [0.5, 0.5], rates: [[1, 2, 3], [1, 2, 3]] }),
    'fractional.csv': 'a,b\n1,2\n3,0.5\n',
  });
  const fromStart = ['fit', 'poisson', '--data', 'counts.csv', '--components', '3', '--init', 'init.json', '--max-iter', String(reference.iterations), '--tol', '0'];

  it('reproduces the independent NumPy EM from --init (maximum likelihood): history, parameters, BIC', async () => {
    const fit = await runJson<PoissonJson>(fromStart, directory);
    expect(Object.keys(fit).sort()).toEqual(fitReportKeys);
    expect(fit.kind).toBe('poisson-mixture');
    expect(fit.iterations).toBe(reference.iterations);
    fit.history.forEach((value, t) => close(value, reference.maximumLikelihood.logLikelihoodHistory[t] as number));
    fit.params.weights.forEach((weight, k) => close(weight, reference.maximumLikelihood.weights[k] as number));
    fit.params.rates.flat().forEach((rate, index) => close(rate, reference.maximumLikelihood.rates[index] as number));
    // p = (K − 1) + K·D = 11 free parameters.
    close(fit.bic, -2 * fit.logLikelihood + 11 * Math.log(reference.rows), 1e-12);
    expect(fit.columns).toEqual({ used: ['a', 'b', 'c'], skipped: [] });
  });

  it('--rate-prior SHAPE,RATE fits the Gamma-prior MAP: history is the objective, logLikelihoodHistory the likelihood', async () => {
    const { shape, rate } = reference.gammaPrior;
    const fit = await runJson<PoissonJson>([...fromStart, '--rate-prior', `${shape},${rate}`], directory);
    fit.history.forEach((value, t) => close(value, reference.gammaPrior.objectiveHistory[t] as number));
    fit.logLikelihoodHistory.forEach((value, t) => close(value, reference.gammaPrior.logLikelihoodHistory[t] as number));
    fit.params.rates.flat().forEach((value, index) => close(value, reference.gammaPrior.rates[index] as number));
  });

  it('prints a readable summary naming the columns, and saves a model em predict applies', async () => {
    const result = await runEm(['fit', 'poisson', '--data', 'counts.csv', '--components', '3', '--seed', '2', '--n-init', '3', '--quiet', '--out', 'model.json'], directory);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Poisson mixture: K = 3, maximum likelihood, 400 rows × 3 columns/);
    expect(result.stdout).toMatch(/component 0 {2}weight [\d.]+ {2}rates: a [\d.]+, b [\d.]+, c [\d.]+/);
    const saved = JSON.parse(readFileSync(join(directory, 'model.json'), 'utf8')) as { kind: string };
    expect(saved.kind).toBe('poisson-mixture');
    const predicted = await runEm(['predict', '--model', 'model.json', '--data', 'counts.csv', '--json', '--proba'], directory);
    expect(predicted.code).toBe(0);
    const out = JSON.parse(predicted.stdout) as { labels: number[]; probabilities: number[][] };
    expect(out.labels).toHaveLength(reference.rows);
    for (const row of out.probabilities) close(row.reduce((sum, p) => sum + p, 0), 1, 1e-12);
  });

  it('fails in one line for a fractional count (naming row and column), a bad prior, an --init of the wrong shape, and --prior none with --rate-prior', async () => {
    expectOneLineFailure(await runEm(['fit', 'poisson', '--data', 'fractional.csv', '--components', '1'], directory), /\[1\]\[1\] = 0\.5 is not an integer/);
    expectOneLineFailure(await runEm(['fit', 'poisson', '--data', 'counts.csv', '--components', '2', '--rate-prior', '0.5,1'], directory), /--rate-prior must be SHAPE,RATE with SHAPE ≥ 1 and RATE > 0/, 2);
    expectOneLineFailure(await runEm(['fit', 'poisson', '--data', 'counts.csv', '--components', '2', '--rate-prior', '2'], directory), /--rate-prior must be SHAPE,RATE/, 2);
    expectOneLineFailure(await runEm(['fit', 'poisson', '--data', 'counts.csv', '--components', '3', '--init', 'bad-init.json'], directory), /weights has 2 entries but --components is 3/);
    expectOneLineFailure(await runEm(['fit', 'poisson', '--data', 'counts.csv', '--components', '2', '--prior', 'none', '--rate-prior', '2,1'], directory), /contradicts --rate-prior/, 2);
  });
});
