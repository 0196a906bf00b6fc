import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HiddenMarkovModel } from '@em/hmm';
import { describe, expect, it } from 'vitest';
import { expectOneLineFailure, type FitReportJson, fitReportKeys, fixtureDirectory, runEm, runJson } from './helpers.js';

type HmmJson = FitReportJson<{
  startProbabilities: number[];
  transitionMatrix: number[][];
  emission: { type: string; probabilities?: number[][]; weights?: number[][]; means?: unknown[]; covariances?: unknown; covarianceType?: string };
}>;

const casino = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 6 } }).setModelParameters({
  startProbabilities: Float64Array.from([0.5, 0.5]),
  transitionMatrix: Float64Array.from([0.95, 0.05, 0.1, 0.9]),
  emissions: { probabilities: Float64Array.from([1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 0.1, 0.1, 0.1, 0.1, 0.1, 0.5]), categories: [6], components: 2 },
});
const rolls = casino.sample(600, { seed: 1 }).observations.flat();
const initDocument = {
  startProbabilities: [0.5, 0.5],
  transitionMatrix: [
    [0.9, 0.1],
    [0.1, 0.9],
  ],
  emission: { type: 'categorical', probabilities: [[0.2, 0.2, 0.2, 0.2, 0.1, 0.1], [0.1, 0.1, 0.1, 0.1, 0.2, 0.4]] },
};
const gaussianRows = Array.from({ length: 120 }, (_, i) => {
  const high = Math.floor(i / 20) % 2 === 1;
  return [(high ? 4 : 0) + Math.sin(i * 1.7), (high ? -2 : 1) + Math.cos(i * 2.3) * 0.5];
});

function files() {
  return fixtureDirectory({
    'rolls.csv': `roll\n${rolls.join('\n')}\n`,
    'lengths.csv': '200\n100\n300\n',
    'bad-lengths.csv': '200\n100\n',
    'init.json': JSON.stringify(initDocument),
    'gauss.csv': `a,b\n${gaussianRows.map((r) => r.join(',')).join('\n')}\n`,
    'gauss-init.json': JSON.stringify({
      startProbabilities: [0.5, 0.5],
      transitionMatrix: [
        [0.9, 0.1],
        [0.1, 0.9],
      ],
      emission: { type: 'gaussian', covarianceType: 'diagonal', means: [[0, 1], [4, -2]], covariances: [[1, 1], [1, 1]] },
    }),
    'wrong-dimension.json': JSON.stringify({ emission: { type: 'gaussian', covarianceType: 'diagonal', means: [[0, 1, 2], [4, -2, 0]], covariances: [[1, 1, 1], [1, 1, 1]] } }),
  });
}

function fitJson(cwd: string, ...argv: string[]): Promise<HmmJson> {
  return runJson<HmmJson>(['fit', 'hmm', ...argv], cwd);
}

describe('em fit hmm', () => {
  it('categorical: one JSON object with params in the --init shape; history has n + 1 entries', async () => {
    const dir = files();
    const fit = await fitJson(dir, '--data', 'rolls.csv', '--lengths', 'lengths.csv', '--states', '2', '--emission', 'categorical', '--seed', '2', '--n-init', '2');
    expect(fit.kind).toBe('hmm');
    expect(fit.params.emission.type).toBe('categorical');
    expect(fit.params.emission.probabilities).toHaveLength(2);
    expect(fit.params.emission.probabilities?.[0]).toHaveLength(6);
    expect(fit.params.transitionMatrix.map((row) => row.reduce((a, b) => a + b, 0))).toEqual([expect.closeTo(1, 12), expect.closeTo(1, 12)]);
    expect(fit.history).toHaveLength(fit.iterations + 1);
    for (let i = 1; i < fit.history.length; i++) expect(fit.history[i] as number).toBeGreaterThanOrEqual((fit.history[i - 1] as number) - 1e-9 * Math.abs(fit.history[i - 1] as number));
    expect(fit.bic).toBeGreaterThan(fit.aic);
  });

  it('--max-iter 0 evaluates --init (history of one entry) and --out saves it for em decode', async () => {
    const dir = files();
    const fit = await fitJson(dir, '--data', 'rolls.csv', '--states', '2', '--emission', 'categorical', '--init', 'init.json', '--max-iter', '0', '--out', 'model.json');
    expect(fit.history).toHaveLength(1);
    expect(fit.iterations).toBe(0);
    expect(fit.params).toEqual(initDocument);
    const saved = HiddenMarkovModel.fromJSON((await import('node:fs')).readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(saved.logLikelihood(rolls)).toBeCloseTo(fit.logLikelihood, 9);
    const decoded = await runEm(['decode', '--model', 'model.json', '--data', 'rolls.csv', '--json'], dir);
    expect(decoded.code).toBe(0);
    const single = JSON.parse(decoded.stdout) as { states: number[]; logProbability: number };
    expect(single.states).toHaveLength(600);
    expect(single.logProbability).toBeLessThanOrEqual(fit.logLikelihood);
    const several = JSON.parse((await runEm(['decode', '--model', 'model.json', '--data', 'rolls.csv', '--lengths', 'lengths.csv', '--algorithm', 'map', '--json'], dir)).stdout) as Array<{
      states: number[];
      logProbability: number;
    }>;
    expect(several.map((s) => s.states.length)).toEqual([200, 100, 300]);
    const text = await runEm(['decode', '--model', 'model.json', '--data', 'rolls.csv'], dir);
    expect(text.stdout).toMatch(/^sequence: 600 steps, log p\(x, path\) = /);
  });

  it('--json carries exactly the fields of the issue, params { startProbabilities, transitionMatrix, emission }', async () => {
    const dir = files();
    const fit = await fitJson(dir, '--data', 'rolls.csv', '--states', '2', '--emission', 'categorical', '--init', 'init.json', '--max-iter', '0');
    expect(Object.keys(fit).sort()).toEqual(fitReportKeys);
    expect(Object.keys(fit.params).sort()).toEqual(['emission', 'startProbabilities', 'transitionMatrix']);
    expect(fit.secondsPerIteration).toBeNull();
    expect(fit.converged).toBe(false);
  });

  it('a fit from a complete --init runs once: progress does not announce --n-init restarts', async () => {
    const dir = files();
    const result = await runEm(['fit', 'hmm', '--data', 'rolls.csv', '--states', '2', '--emission', 'categorical', '--init', 'init.json', '--n-init', '3', '--max-iter', '2', '--tol', '0'], dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^em fit hmm: iteration 0 {2}log-likelihood -\d/);
    expect(result.stderr).not.toMatch(/run \d\/3/);
    const restarted = await runEm(['fit', 'hmm', '--data', 'rolls.csv', '--states', '2', '--emission', 'categorical', '--n-init', '3', '--max-iter', '2', '--tol', '0'], dir);
    expect(restarted.stderr).toMatch(/em fit hmm run 1\/3: iteration 0/);
  });

  it('em predict applies a saved HMM: Viterbi labels per time step, posteriors with --proba, sequences from --lengths', async () => {
    const dir = files();
    expect((await runEm(['fit', 'hmm', '--data', 'rolls.csv', '--states', '2', '--emission', 'categorical', '--init', 'init.json', '--max-iter', '0', '--out', 'model.json', '--quiet'], dir)).code).toBe(0);
    const decoded = JSON.parse((await runEm(['decode', '--model', 'model.json', '--data', 'rolls.csv', '--lengths', 'lengths.csv', '--json'], dir)).stdout) as Array<{ states: number[] }>;
    const predicted = JSON.parse((await runEm(['predict', '--model', 'model.json', '--data', 'rolls.csv', '--lengths', 'lengths.csv', '--proba', '--json'], dir)).stdout) as {
      kind: string;
      labels: number[];
      probabilities: number[][];
    };
    expect(predicted.kind).toBe('hmm');
    expect(predicted.labels).toEqual(decoded.flatMap((sequence) => sequence.states));
    expect(predicted.probabilities).toHaveLength(600);
    for (const row of predicted.probabilities) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expectOneLineFailure(await runEm(['predict', '--model', 'model.json', '--data', 'rolls.csv', '--lengths', 'bad-lengths.csv'], dir), /sums to 300 but the data has 600 rows/, 1);
  });

  it('gaussian: --init with diagonal covariances; --prior none; text summary', async () => {
    const dir = files();
    const fit = await fitJson(dir, '--data', 'gauss.csv', '--states', '2', '--emission', 'gaussian', '--covariance', 'diagonal', '--init', 'gauss-init.json', '--prior', 'none', '--max-iter', '5', '--tol', '0');
    expect(fit.iterations).toBe(5);
    expect(fit.params.emission.covarianceType).toBe('diagonal');
    expect(fit.params.emission.means).toHaveLength(2);
    expect(fit.params.emission.covariances).toHaveLength(2);
    const text = await runEm(['fit', 'hmm', '--data', 'gauss.csv', '--states', '2', '--emission', 'gaussian', '--quiet'], dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Hidden Markov model: K = 2, gaussian emissions \(full covariance\)/);
    const gmm = await fitJson(dir, '--data', 'gauss.csv', '--states', '2', '--emission', 'gmm', '--mixture-components', '2', '--covariance', 'diagonal', '--seed', '1', '--max-iter', '10');
    expect(gmm.params.emission.type).toBe('gmm');
    expect(gmm.params.emission.means).toHaveLength(2);
  });

  it('gmm: --init takes the params of an earlier fit (weights [K][M], means [K][M][D]); --max-iter 0 gives back its log-likelihood', async () => {
    const dir = files();
    for (const covariance of ['full', 'diagonal', 'spherical', 'tied']) {
      const first = await fitJson(dir, '--data', 'gauss.csv', '--states', '2', '--emission', 'gmm', '--mixture-components', '2', '--covariance', covariance, '--seed', '3', '--max-iter', '8', '--prior', 'none');
      expect(first.params.emission.weights).toHaveLength(2);
      writeFileSync(join(dir, `gmm-${covariance}.json`), JSON.stringify(first.params));
      const again = await fitJson(dir, '--data', 'gauss.csv', '--states', '2', '--emission', 'gmm', '--mixture-components', '2', '--covariance', covariance, '--init', `gmm-${covariance}.json`, '--max-iter', '0', '--prior', 'none');
      expect(again.history).toHaveLength(1);
      expect(Math.abs(again.logLikelihood - first.logLikelihood)).toBeLessThanOrEqual(1e-9 * Math.abs(first.logLikelihood));
      expect(again.params).toEqual(first.params);
    }
    writeFileSync(
      join(dir, 'gmm-bad.json'),
      JSON.stringify({ emission: { type: 'gmm', covarianceType: 'diagonal', weights: [[0.5, 0.5], [0.5, 0.5]], means: [[[0, 1]], [[4, -2]]], covariances: [[1, 1], [1, 1], [1, 1], [1, 1]] } }),
    );
    expectOneLineFailure(
      await runEm(['fit', 'hmm', '--data', 'gauss.csv', '--states', '2', '--emission', 'gmm', '--mixture-components', '2', '--covariance', 'diagonal', '--init', 'gmm-bad.json'], dir),
      /emission\.means\[0\] has 1 means but --mixture-components is 2/,
    );
  });

  it('bad input fails with one line', async () => {
    const dir = files();
    expectOneLineFailure(await runEm(['fit', 'hmm', '--data', 'rolls.csv', '--lengths', 'bad-lengths.csv', '--states', '2', '--emission', 'categorical'], dir), /sums to 300 but the data has 600 rows/);
    expectOneLineFailure(await runEm(['fit', 'hmm', '--data', 'gauss.csv', '--states', '2', '--emission', 'gaussian', '--covariance', 'diagonal', '--init', 'wrong-dimension.json'], dir), /D = 2/);
    expectOneLineFailure(await runEm(['fit', 'hmm', '--data', 'rolls.csv', '--states', '2', '--emission', 'poisson'], dir), /--emission expects one of categorical\|gaussian\|gmm/, 2);
    expectOneLineFailure(await runEm(['fit', 'hmm', '--data', 'rolls.csv', '--states', '2', '--emission', 'categorical', '--max-iter', '0'], dir), /--max-iter 0 evaluates the --init/, 2);
    expectOneLineFailure(await runEm(['fit', 'hmm', '--data', 'rolls.csv', '--states', '2', '--emission', 'categorical', '--symbols', '3'], dir), /is not a category code/);
  });
});
