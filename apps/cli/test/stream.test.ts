import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Random } from '@em/core';
import { describe, expect, it } from 'vitest';
import { createCapturedIo, main } from '../src/index.js';
import { faithfulCsv, fixtureDirectory, runEm } from './helpers.js';
import { npyBytes } from './npy-bytes.js';

interface Report {
  logLikelihood: number;
  logLikelihoodHistory: number[];
  history: number[];
  eSteps: number;
  params: unknown;
  streamed?: boolean;
  stepwise?: { blocks: number; passes: number; history: number[] };
}

function parse(stdout: string): Report {
  return JSON.parse(stdout) as Report;
}

function maxRelativeDifference(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(0, ...a.map((v, i) => Math.abs(v - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number))));
}

/** Integer counts (3 columns, two Poisson clusters), seeded, as CSV text with a header. */
function countsCsv(rows: number, seed: number): string {
  const random = new Random(seed);
  const lines = ['a,b,c'];
  for (let i = 0; i < rows; i++) {
    const k = random.integer(2);
    lines.push([0, 1, 2].map((j) => Math.floor(random.next() * (k === 0 ? 4 : 12) + j)).join(','));
  }
  return `${lines.join('\n')}\n`;
}

describe('em fit … --stream', () => {
  it('gmm: the streamed trajectory from --init equals the in-memory one to 1e-10 relative', async () => {
    const dir = fixtureDirectory({ 'start.json': JSON.stringify({ weights: [0.5, 0.5], means: [[2, 55], [4.5, 80]], covariances: [[[1, 0], [0, 30]], [[1, 0], [0, 30]]] }) });
    const common = ['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--init', join(dir, 'start.json'), '--max-iter', '20', '--tol', '0', '--json'];
    const memory = await runEm(common);
    const streamed = await runEm([...common, '--stream', '--block-rows', '17']);
    expect(memory.code).toBe(0);
    expect(streamed.code, streamed.stderr).toBe(0);
    const a = parse(memory.stdout);
    const b = parse(streamed.stdout);
    expect(b.streamed).toBe(true);
    expect(maxRelativeDifference(b.logLikelihoodHistory, a.logLikelihoodHistory)).toBeLessThan(1e-10);
    expect(b.eSteps).toBe(a.eSteps);
  });

  it('streams automatically when the file is larger than --memory-budget, and says so', async () => {
    // 1.4 MB of float64 under a 1 MiB budget: the in-memory reader would refuse it.
    const random = new Random(4);
    const values: number[] = [];
    for (let i = 0; i < 60_000; i++) values.push(random.normal() + (i % 2) * 6, random.normal() - (i % 2) * 3, random.normal());
    const dir = fixtureDirectory({ 'big.npy': npyBytes('<f8', [60_000, 3], values) });
    const result = await runEm(['fit', 'gmm', '--data', 'big.npy', '--components', '2', '--memory-budget', '1MiB', '--max-iter', '3', '--tol', '0', '--seed', '1'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/streaming big\.npy.*is larger than the memory budget of 1\.00 MiB/);
    expect(result.stderr).toMatch(/pass 2 \(E-step, done\): 60000 of 60000 rows/);
    expect(result.stdout).toMatch(/iterations {6}3/);
  });

  it('poisson, bernoulli, categorical, multinomial: the streamed trajectory from --init equals the in-memory one', async () => {
    const dir = fixtureDirectory({ 'counts.csv': countsCsv(500, 9) });
    const binary = readFileSync(join(dir, 'counts.csv'), 'utf8')
      .split('\n')
      .map((line, i) => (i === 0 || line === '' ? line : line.split(',').map((v) => String(Number(v) % 2)).join(',')))
      .join('\n');
    writeFileSync(join(dir, 'binary.csv'), binary);
    for (const [model, data] of [
      ['poisson', 'counts.csv'],
      ['multinomial', 'counts.csv'],
      ['bernoulli', 'binary.csv'],
      ['categorical', 'binary.csv'],
    ] as const) {
      const start = await runEm(['fit', model, '--data', data, '--components', '2', '--max-iter', '2', '--tol', '0', '--seed', '3', '--json'], dir);
      expect(start.code, `${model}: ${start.stderr}`).toBe(0);
      writeFileSync(join(dir, `${model}.json`), JSON.stringify(parse(start.stdout).params));
      const common = ['fit', model, '--data', data, '--components', '2', '--init', `${model}.json`, '--max-iter', '6', '--tol', '0', '--json'];
      const memory = parse((await runEm(common, dir)).stdout);
      const streamed = await runEm([...common, '--stream', '--block-rows', '64'], dir);
      expect(streamed.code, `${model}: ${streamed.stderr}`).toBe(0);
      expect(maxRelativeDifference(parse(streamed.stdout).logLikelihoodHistory, memory.logLikelihoodHistory), model).toBeLessThan(1e-10);
    }
  });

  it('stepwise over stdin reads it once, one update per block', async () => {
    const io = Object.assign(createCapturedIo(), { stdin: Readable.from([readFileSync(faithfulCsv)]) });
    const code = await main(['fit', 'gmm', '--data', '-', '--components', '2', '--stepwise', '--block-rows', '32', '--seed', '2', '--json'], io);
    expect(code, io.captured.stderr).toBe(0);
    const report = parse(io.captured.stdout);
    expect(report.stepwise?.blocks).toBe(Math.ceil(272 / 32));
    expect(report.stepwise?.passes).toBe(1);
    expect(Number.isFinite(report.logLikelihood)).toBe(true);
  });

  it('batch EM over stdin spools it and gives the file\'s result', async () => {
    const io = Object.assign(createCapturedIo(), { stdin: Readable.from([readFileSync(faithfulCsv)]) });
    const code = await main(['fit', 'gmm', '--data', '-', '--components', '2', '--seed', '1', '--json'], io);
    expect(code, io.captured.stderr).toBe(0);
    const fromFile = await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--seed', '1', '--stream', '--json']);
    expect(parse(io.captured.stdout).logLikelihoodHistory).toEqual(parse(fromFile.stdout).logLikelihoodHistory);
  });

  it('a truncated .npy file is a typed error naming the rows it lacks, with nothing printed on stdout', async () => {
    const full = npyBytes('<f8', [1000, 2], Array.from({ length: 2000 }, (_, i) => Math.sin(i)));
    const dir = fixtureDirectory({ 'cut.npy': full.subarray(0, full.length - 808) });
    const result = await runEm(['fit', 'gmm', '--data', 'cut.npy', '--components', '2', '--stream', '--json'], dir);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/cut\.npy/);
    expect(result.stderr).toMatch(/row|truncated|bytes/i);
  });

  it('stepwise with several passes over a file scores the final parameters with one more pass', async () => {
    const result = await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--stepwise', '--passes', '3', '--block-rows', '50', '--seed', '2', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = parse(result.stdout);
    expect(report.stepwise?.blocks).toBe(18);
    expect(report.eSteps).toBe(4);
    // Stepwise EM near the batch optimum of faithful (−1130.26 nats).
    expect(report.logLikelihood).toBeGreaterThan(-1135);
  });

  it('a malformed row deep in the file is a typed error naming its line, before any result', async () => {
    const lines = readFileSync(faithfulCsv, 'utf8').trimEnd().split('\n');
    lines[200] = '3.1,oops';
    const dir = fixtureDirectory({ 'bad.csv': `${lines.join('\n')}\n` });
    const result = await runEm(['fit', 'gmm', '--data', 'bad.csv', '--components', '2', '--stream', '--block-rows', '10', '--json'], dir);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/line 201/);
  });

  it('refuses --workers and --sample-weights with --stream, and --passes without --stepwise', async () => {
    const base = ['fit', 'gmm', '--data', faithfulCsv, '--components', '2'];
    expect((await runEm([...base, '--stream', '--sample-weights', 'w.csv'])).stderr).toMatch(/--sample-weights is not available for streamed fits/);
    expect((await runEm([...base, '--passes', '2'])).stderr).toMatch(/--passes applies to --stepwise/);
  });
});

describe('em predict --stream', () => {
  it('writes the same labels as the in-memory prediction, to --output only when every row is labelled', async () => {
    const dir = fixtureDirectory();
    const fit = await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--seed', '1', '--out', 'model.json', '--quiet'], dir);
    expect(fit.code, fit.stderr).toBe(0);
    const memory = await runEm(['predict', '--model', 'model.json', '--data', faithfulCsv, '--proba'], dir);
    const streamed = await runEm(['predict', '--model', 'model.json', '--data', faithfulCsv, '--proba', '--stream', '--block-rows', '25', '--output', 'labels.csv'], dir);
    expect(streamed.code, streamed.stderr).toBe(0);
    expect(streamed.stdout).toBe('');
    expect(readFileSync(join(dir, 'labels.csv'), 'utf8')).toBe(memory.stdout);
    const toStdout = await runEm(['predict', '--model', 'model.json', '--data', faithfulCsv, '--stream', '--block-rows', '25'], dir);
    expect(toStdout.stdout).toBe((await runEm(['predict', '--model', 'model.json', '--data', faithfulCsv], dir)).stdout);

    const lines = readFileSync(faithfulCsv, 'utf8').trimEnd().split('\n');
    lines[150] = '1,2,3';
    writeFileSync(join(dir, 'bad.csv'), `${lines.join('\n')}\n`);
    const failed = await runEm(['predict', '--model', 'model.json', '--data', 'bad.csv', '--stream', '--block-rows', '25', '--output', 'bad-labels.csv'], dir);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/line 151/);
    expect(existsSync(join(dir, 'bad-labels.csv'))).toBe(false);
    expect(readFileSync(join(dir, 'labels.csv'), 'utf8')).toBe(memory.stdout);
  });

  it('refuses --json (one object of every label) when streaming', async () => {
    const dir = fixtureDirectory();
    await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--seed', '1', '--out', 'model.json', '--quiet'], dir);
    const result = await runEm(['predict', '--model', 'model.json', '--data', faithfulCsv, '--stream', '--json'], dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--json holds every label/);
  });
});
