import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineFailure, type FitReportJson, fitReportKeys, fixtureDirectory, runEm, runJson } from './helpers.js';

// em fit multinomial | categorical | bernoulli, and em predict on their saved models.
// Golden values: /work/shared/reference/golden.json multinomial_mixture_em_steps (numpy EM; R mixtools
// multmixEM agrees and, like this command's JSON, includes the multinomial coefficient).
const golden = {
  counts: [
    [5, 1, 0],
    [4, 2, 0],
    [6, 0, 1],
    [0, 1, 6],
    [1, 0, 5],
    [0, 2, 4],
    [3, 3, 1],
  ],
  init: { weights: [0.5, 0.5], probabilities: [[0.6, 0.3, 0.1], [0.1, 0.3, 0.6]] },
  withCoefficient: [-21.589712789981473, -19.524118677347623, -19.52047738100557],
  withoutCoefficient: [-39.422794851361935, -37.35720073872809, -37.35355944238603],
  afterTwo: { weights: [0.571275797, 0.428724203], probabilities: [[0.6923527222, 0.2306902228, 0.0769570549], [0.052834502, 0.1580329083, 0.7891325897]] },
};

const csv = (rows: number[][]): string => `${rows.map((row) => row.join(',')).join('\n')}\n`;

function mtx(rows: number[][]): string {
  const entries: string[] = [];
  rows.forEach((row, i) => row.forEach((value, j) => value !== 0 && entries.push(`${i + 1} ${j + 1} ${value}`)));
  return `%%MatrixMarket matrix coordinate integer general\n% counts\n${rows.length} ${rows[0]?.length ?? 0} ${entries.length}\n${entries.join('\n')}\n`;
}

interface MultinomialJson extends FitReportJson<{ weights: number[]; probabilities: number[][] }> {
  logLikelihoodWithoutCoefficient: number;
  logMultinomialCoefficient: number;
}

function fitJson(cwd: string, ...argv: string[]): Promise<MultinomialJson> {
  return runJson<MultinomialJson>(argv, cwd);
}

const close = (actual: number, expected: number, tolerance = 1e-9): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
};

describe('em fit multinomial', () => {
  const directory = fixtureDirectory({ 'counts.csv': csv(golden.counts), 'counts.mtx': mtx(golden.counts), 'init.json': JSON.stringify(golden.init) });

  it.each(['counts.csv', 'counts.mtx'])('reproduces the golden EM steps from --init (%s), history including the coefficient', async (file) => {
    const fit = await fitJson(directory, 'fit', 'multinomial', '--data', file, '--components', '2', '--init', 'init.json', '--prior', 'none', '--max-iter', '2', '--tol', '0');
    expect(fit.kind).toBe('multinomial-mixture');
    expect(fit.iterations).toBe(2);
    fit.history.forEach((value, t) => close(value, golden.withCoefficient[t] as number));
    close(fit.logLikelihood, golden.withCoefficient[2] as number);
    close(fit.logLikelihoodWithoutCoefficient, golden.withoutCoefficient[2] as number);
    close(fit.logMultinomialCoefficient, (golden.withCoefficient[0] as number) - (golden.withoutCoefficient[0] as number));
    fit.params.weights.forEach((w, k) => close(w, golden.afterTwo.weights[k] as number));
    fit.params.probabilities.forEach((row, k) => row.forEach((p, v) => close(p, (golden.afterTwo.probabilities[k] as number[])[v] as number)));
    // BIC/AIC use the same (coefficient-included) log-likelihood: p = (K − 1) + K(V − 1) = 5.
    close(fit.bic, -2 * fit.logLikelihood + 5 * Math.log(7), 1e-12);
    close(fit.aic, -2 * fit.logLikelihood + 10, 1e-12);
  });

  it('--json carries the fields of the issue plus the coefficient-free log-likelihood; --max-iter 0 evaluates --init', async () => {
    const fit = await fitJson(directory, 'fit', 'multinomial', '--data', 'counts.csv', '--components', '2', '--init', 'init.json', '--prior', 'none', '--max-iter', '0');
    expect(Object.keys(fit).sort()).toEqual([...fitReportKeys, 'logLikelihoodWithoutCoefficient', 'logMultinomialCoefficient'].sort());
    expect(Object.keys(fit.params).sort()).toEqual(['probabilities', 'weights']);
    expect(fit.history).toHaveLength(1);
    close(fit.history[0] as number, golden.withCoefficient[0] as number);
    close(fit.logLikelihood, golden.withCoefficient[0] as number);
    expect(fit.params).toEqual(golden.init);
  });

  it('the progress line shows the log-likelihood including the coefficient, as the report does', async () => {
    const result = await runEm(['fit', 'multinomial', '--data', 'counts.csv', '--components', '2', '--init', 'init.json', '--prior', 'none', '--max-iter', '2', '--tol', '0'], directory);
    expect(result.code).toBe(0);
    const progress = result.stderr.trimEnd().split('\n');
    // formatNumber(…, 10) of the golden values at θ_0 and θ_2.
    expect(progress[0]).toBe('em fit multinomial: iteration 0  log-likelihood -21.58971279');
    expect(progress.at(-1)).toMatch(/^em fit multinomial: iteration 2 {2}log-likelihood -19\.52047738 {2}objective change /);
    expect(result.stdout).toMatch(/log-likelihood {2}-19\.52047738 /);
  });

  it('saves a model that em predict applies to dense and sparse data', async () => {
    const fit = await fitJson(directory, 'fit', 'multinomial', '--data', 'counts.mtx', '--components', '2', '--seed', '3', '--out', 'model.json');
    expect(fit.converged).toBe(true);
    const saved = JSON.parse(readFileSync(join(directory, 'model.json'), 'utf8')) as { kind: string };
    expect(saved.kind).toBe('multinomial-mixture');
    const dense = await runEm(['predict', '--model', 'model.json', '--data', 'counts.csv', '--json', '--proba'], directory);
    const sparse = await runEm(['predict', '--model', 'model.json', '--data', 'counts.mtx', '--json', '--proba'], directory);
    expect(dense.code).toBe(0);
    // The same labels and probabilities; only the columns report differs (a .mtx file uses "all").
    const withoutColumns = (stdout: string): unknown => ({ ...(JSON.parse(stdout) as object), columns: undefined });
    expect(withoutColumns(sparse.stdout)).toEqual(withoutColumns(dense.stdout));
    expect((JSON.parse(sparse.stdout) as { columns: unknown }).columns).toEqual({ used: 'all', skipped: [] });
    const out = JSON.parse(dense.stdout) as { labels: number[]; probabilities: number[][] };
    // The first three documents share a cluster, the next three the other one.
    expect(new Set(out.labels.slice(0, 3)).size).toBe(1);
    expect(new Set(out.labels.slice(3, 6)).size).toBe(1);
    expect(out.labels[0]).not.toBe(out.labels[3]);
    for (const row of out.probabilities) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('prints a readable summary with top features by default', async () => {
    const result = await runEm(['fit', 'multinomial', '--data', 'counts.csv', '--components', '2', '--seed', '1', '--top', '2', '--quiet'], directory);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Multinomial mixture: K = 2/);
    expect(result.stdout).toMatch(/component 0 {2}weight .* top: \d \(/);
    expect(result.stdout).toMatch(/includes the multinomial coefficient/);
  });

  it('rejects bad input with one line naming the problem', async () => {
    const bad = fixtureDirectory({
      'negative.csv': csv([[1, 2], [0, -1]]),
      'fraction.csv': csv([[1, 2.5], [0, 1]]),
      'counts.csv': csv(golden.counts),
      'wide-init.json': JSON.stringify({ weights: [0.5, 0.5], probabilities: [[0.5, 0.5], [0.5, 0.5]] }),
      'unnormalised.json': JSON.stringify({ weights: [0.5, 0.5], probabilities: [[0.5, 0.5, 0.5], [0.2, 0.3, 0.5]] }),
      'shapeless.json': JSON.stringify({ weights: [0.5, 0.5] }),
      'broken.mtx': '%%MatrixMarket matrix coordinate integer general\n2 2 1\n3 1 4\n',
      'counts.mtx': mtx(golden.counts),
    });
    expectOneLineFailure(await runEm(['fit', 'multinomial', '--data', 'negative.csv', '--components', '1'], bad), /counts\[1\]\[1\] = -1 is negative/, 1);
    expectOneLineFailure(await runEm(['fit', 'multinomial', '--data', 'fraction.csv', '--components', '1'], bad), /\[0\]\[1\] = 2.5 is not an integer/, 1);
    expect((await runEm(['fit', 'multinomial', '--data', 'fraction.csv', '--components', '1', '--allow-non-integer', '--json'], bad)).code).toBe(0);
    expectOneLineFailure(await runEm(['fit', 'multinomial', '--data', 'counts.csv', '--components', '2', '--init', 'wide-init.json'], bad), /vocabulary mismatch/, 1);
    expectOneLineFailure(
      await runEm(['fit', 'multinomial', '--data', 'counts.mtx', '--components', '2', '--init', 'wide-init.json'], bad),
      /--init wide-init\.json: probabilities\[0\] has 2 entries but the data has 3 columns \(vocabulary mismatch\)/,
      1,
    );
    expectOneLineFailure(await runEm(['fit', 'multinomial', '--data', 'counts.csv', '--components', '3', '--init', 'wide-init.json'], bad), /--init wide-init\.json: weights has 2 entries but --components is 3/, 1);
    expectOneLineFailure(await runEm(['fit', 'multinomial', '--data', 'counts.csv', '--components', '2', '--init', 'unnormalised.json'], bad), /component 0 sum to 1.5/, 1);
    expectOneLineFailure(await runEm(['fit', 'multinomial', '--data', 'counts.csv', '--components', '2', '--init', 'shapeless.json'], bad), /must hold \{ "weights": \[K\], "probabilities": \[K\]\[V\] \}/, 1);
    expectOneLineFailure(await runEm(['fit', 'multinomial', '--data', 'broken.mtx', '--components', '1'], bad), /broken\.mtx/, 1);
    expectOneLineFailure(await runEm(['fit', 'multinomial', '--data', 'counts.csv', '--components', '2', '--prior', 'none', '--pseudocount', '0.5'], bad), /contradicts --pseudocount/, 2);
  });
});

describe('em fit categorical', () => {
  const rows = [
    [0, 2, 1],
    [0, 2, 1],
    [1, 0, 0],
    [1, 0, 0],
    [0, 2, 0],
    [1, 1, 0],
    [0, 2, 1],
    [1, 0, 0],
  ];
  const directory = fixtureDirectory({
    'answers.csv': `q1,q2,q3\n${csv(rows)}`,
    'two-variables.json': JSON.stringify({ weights: [0.5, 0.5], probabilities: [[[0.5, 0.5], [0.2, 0.3, 0.5]], [[0.5, 0.5], [0.2, 0.3, 0.5]]] }),
  });

  it('infers categories from the codes and prints [K][J][M_j] probabilities', async () => {
    const fit = (await fitJson(directory, 'fit', 'categorical', '--data', 'answers.csv', '--components', '2', '--seed', '1')) as unknown as {
      kind: string;
      params: { weights: number[]; probabilities: number[][][]; categories: number[] };
      history: number[];
      iterations: number;
    };
    expect(fit.kind).toBe('categorical-mixture');
    expect(fit.params.categories).toEqual([2, 3, 2]);
    expect(fit.params.probabilities.map((perVariable) => perVariable.map((p) => p.length))).toEqual([
      [2, 3, 2],
      [2, 3, 2],
    ]);
    for (const perVariable of fit.params.probabilities) for (const p of perVariable) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(fit.history).toHaveLength(fit.iterations + 1);
  });

  it('saves a model em predict applies, and reports codes out of range', async () => {
    expect((await runEm(['fit', 'categorical', '--data', 'answers.csv', '--components', '2', '--categories', '2,3,2', '--out', 'lca.json', '--quiet'], directory)).code).toBe(0);
    const predicted = await runEm(['predict', '--model', 'lca.json', '--data', 'answers.csv'], directory);
    expect(predicted.code).toBe(0);
    const labels = predicted.stdout.trim().split('\n').map(Number);
    expect(labels).toHaveLength(rows.length);
    expect(labels[0]).toBe(labels[1]);
    expect(labels[2]).toBe(labels[3]);
    expect(labels[0]).not.toBe(labels[2]);
    expectOneLineFailure(await runEm(['fit', 'categorical', '--data', 'answers.csv', '--components', '2', '--categories', '2,2,2'], directory), /data\[0\]\[1\] = 2 is not a category code of variable 1/, 1);
    expectOneLineFailure(await runEm(['fit', 'categorical', '--data', 'answers.csv', '--components', '2', '--categories', '2,3'], directory), /--categories lists 2 variables but answers.csv has 3 columns/, 2);
    expectOneLineFailure(
      await runEm(['fit', 'categorical', '--data', 'answers.csv', '--components', '2', '--init', 'two-variables.json'], directory),
      /--init two-variables\.json: probabilities\[0\] has 2 variables but the data has 3 columns/,
      1,
    );
  });

  it('shows the log-likelihood on the progress line', async () => {
    const result = await runEm(['fit', 'categorical', '--data', 'answers.csv', '--components', '2', '--seed', '1'], directory);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^em fit categorical: iteration 0 {2}log-likelihood -\d/);
  });
});

describe('em fit bernoulli', () => {
  const rows = [
    [1, 1, 0, 0],
    [1, 1, 0, 0],
    [1, 0, 0, 0],
    [0, 0, 1, 1],
    [0, 0, 1, 1],
    [0, 1, 1, 1],
  ];
  const directory = fixtureDirectory({ 'binary.csv': csv(rows), 'binary.mtx': mtx(rows), 'twos.csv': csv([[0, 2]]) });

  it('gives the same fit on dense and sparse input, and em predict applies it', async () => {
    const dense = await fitJson(directory, 'fit', 'bernoulli', '--data', 'binary.csv', '--components', '2', '--seed', '4', '--out', 'bernoulli.json');
    const sparse = await fitJson(directory, 'fit', 'bernoulli', '--data', 'binary.mtx', '--components', '2', '--seed', '4');
    expect(dense.kind).toBe('bernoulli-mixture');
    expect(sparse.history.length).toBe(dense.history.length);
    sparse.history.forEach((h, t) => close(h, dense.history[t] as number, 1e-12));
    const predicted = await runEm(['predict', '--model', 'bernoulli.json', '--data', 'binary.mtx', '--json'], directory);
    const labels = (JSON.parse(predicted.stdout) as { labels: number[] }).labels;
    expect(labels[0]).toBe(labels[1]);
    expect(labels[3]).toBe(labels[4]);
    expect(labels[0]).not.toBe(labels[3]);
    expectOneLineFailure(await runEm(['fit', 'bernoulli', '--data', 'twos.csv', '--components', '1'], directory), /data\[0\]\[1\] = 2 is not 0 or 1/, 1);
  });

  it('shows the log-likelihood on the progress line and checks --init against the data', async () => {
    const files = fixtureDirectory({ 'binary.csv': csv(rows), 'narrow.json': JSON.stringify({ weights: [0.5, 0.5], probabilities: [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]] }) });
    const result = await runEm(['fit', 'bernoulli', '--data', 'binary.csv', '--components', '2', '--seed', '4'], files);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^em fit bernoulli: iteration 0 {2}log-likelihood -\d/);
    expectOneLineFailure(
      await runEm(['fit', 'bernoulli', '--data', 'binary.csv', '--components', '2', '--init', 'narrow.json'], files),
      /probabilities\[0\] has 3 entries but the data has 4 columns \(vocabulary mismatch\)/,
      1,
    );
  });
});
