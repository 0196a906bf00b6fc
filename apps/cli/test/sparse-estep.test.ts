import { describe, expect, it } from 'vitest';
import { expectOneLineFailure, type FitReportJson, fixtureDirectory, runEm, runJson } from './helpers.js';

// Issue 14, item 3: --estep sparse (Neal–Hinton sparse EM) on the mixture fits, and how the JSON
// report reads in sparse mode (history = free energy, logLikelihoodHistory null between full E-steps).

/** 600 rows from 12 well-separated 2-D clusters on a grid (deterministic). */
function clusters(): string {
  const lines = ['x,y'];
  for (let i = 0; i < 600; i++) {
    const c = i % 12;
    const u = Math.sin(i * 12.9898) * 43758.5453;
    const v = Math.sin(i * 78.233) * 12345.6789;
    lines.push(`${(c % 4) * 10 + (u - Math.floor(u) - 0.5)},${Math.floor(c / 4) * 10 + (v - Math.floor(v) - 0.5)}`);
  }
  return `${lines.join('\n')}\n`;
}

const directory = fixtureDirectory({
  'clusters.csv': clusters(),
  'counts.csv': 'a,b,c\n5,1,0\n4,2,0\n6,0,1\n0,1,6\n1,0,5\n0,2,4\n3,3,1\n2,2,2\n7,1,1\n0,0,8\n',
  'answers.csv': 'q1,q2\n0,1\n1,2\n0,0\n1,1\n0,2\n1,0\n0,1\n1,2\n0,0\n',
  'binary.csv': 'a,b,c\n1,0,0\n1,1,0\n1,0,1\n0,0,1\n0,1,1\n0,0,1\n1,1,1\n1,0,0\n0,1,1\n',
});

type Report = FitReportJson<unknown> & { estep: string; logLikelihoodHistory: Array<number | null> };

describe('em fit … --estep sparse', () => {
  it('gmm: free energy in history (never decreasing), null log-likelihood between full E-steps, the full fit’s optimum', async () => {
    const argv = ['fit', 'gmm', '--data', 'clusters.csv', '--components', '12', '--covariance', 'diagonal', '--seed', '3', '--init-method', 'kmeans'];
    const full = await runJson<Report>(argv, directory);
    expect(full.estep).toBe('full');
    const sparse = await runJson<Report>([...argv, '--estep', 'sparse', '--full-estep-every', '5', '--sparse-threshold', '1e-3'], directory);
    expect(sparse.estep).toBe('sparse');
    expect(sparse.converged).toBe(true);
    expect(sparse.logLikelihoodHistory).toContain(null);
    expect(sparse.logLikelihoodHistory.at(-1)).toBe(sparse.logLikelihood);
    expect(sparse.eSteps).toBeLessThan(sparse.iterations + 1);
    for (let t = 1; t < sparse.history.length; t++) expect(sparse.history[t] as number).toBeGreaterThanOrEqual((sparse.history[t - 1] as number) - 1e-9 * Math.abs(sparse.history[t - 1] as number));
    expect(Math.abs(sparse.logLikelihood - full.logLikelihood) / Math.abs(full.logLikelihood)).toBeLessThan(1e-7);
    const summary = await runEm([...argv, '--estep', 'sparse', '--quiet'], directory);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/E-steps .*sparse/);
  });

  it.each([
    ['poisson', ['fit', 'poisson', '--data', 'counts.csv', '--components', '2', '--seed', '1']],
    ['multinomial', ['fit', 'multinomial', '--data', 'counts.csv', '--components', '2', '--seed', '1']],
    ['categorical', ['fit', 'categorical', '--data', 'answers.csv', '--components', '2', '--seed', '1']],
    ['bernoulli', ['fit', 'bernoulli', '--data', 'binary.csv', '--components', '2', '--seed', '1']],
  ] as const)('%s: runs sparse and says so', async (_name, argv) => {
    const sparse = await runJson<Report>([...argv, '--estep', 'sparse', '--sparse-threshold', '0.01'], directory);
    expect(sparse.estep).toBe('sparse');
    for (let t = 1; t < sparse.history.length; t++) expect(sparse.history[t] as number).toBeGreaterThanOrEqual((sparse.history[t - 1] as number) - 1e-9 * Math.abs(sparse.history[t - 1] as number));
  });

  it('refuses bad values and combinations with one line', async () => {
    const gmm = ['fit', 'gmm', '--data', 'clusters.csv', '--components', '3'];
    expectOneLineFailure(await runEm([...gmm, '--estep', 'partial'], directory), /estep/);
    expectOneLineFailure(await runEm([...gmm, '--estep', 'sparse', '--full-estep-every', '0'], directory), /full-estep-every/);
    expectOneLineFailure(await runEm([...gmm, '--estep', 'sparse', '--sparse-threshold', '1'], directory), /sparse-threshold/);
    expectOneLineFailure(await runEm([...gmm, '--sparse-threshold', '0.1'], directory), /--estep sparse/);
    expectOneLineFailure(await runEm([...gmm, '--estep', 'sparse', '--workers', '2'], directory), /in process/);
    expectOneLineFailure(await runEm([...gmm, '--estep', 'sparse', '--accelerate', 'squarem'], directory), /squarem/);
    expectOneLineFailure(await runEm(['fit', 'poisson', '--data', 'counts.csv', '--components', '2', '--estep', 'sparse', '--stream'], directory), /in memory/);
  });
});
