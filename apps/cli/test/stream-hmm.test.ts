import { existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { Random } from '@em/core';
import { describe, expect, it } from 'vitest';
import { createCapturedIo, main } from '../src/index.js';
import { fixtureDirectory, runEm } from './helpers.js';
import { npyBytes } from './npy-bytes.js';

interface Report {
  logLikelihoodHistory: number[];
  eSteps: number;
  streamed?: boolean;
  params: { transitionMatrix: number[][] };
}

function maxRelativeDifference(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(0, ...a.map((v, i) => Math.abs(v - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number))));
}

/** Two-state Gaussian sequences, rows (x, id, y), seeded; lengths in order. */
function sequenceRows(lengths: readonly number[], ids: readonly number[], seed: number): number[][] {
  const random = new Random(seed);
  const rows: number[][] = [];
  lengths.forEach((length, s) => {
    let state = random.integer(2);
    for (let t = 0; t < length; t++) {
      if (random.next() < 0.1) state = 1 - state;
      rows.push([Number((state * 4 + random.normal()).toFixed(6)), ids[s] as number, Number((-state * 2 + random.normal()).toFixed(6))]);
    }
  });
  return rows;
}

function sequencesCsv(lengths: readonly number[], ids: readonly number[], seed: number): string {
  return `x,id,y\n${sequenceRows(lengths, ids, seed)
    .map((row) => row.join(','))
    .join('\n')}\n`;
}

/** The same rows as a float64 .npy file (columns 0 = x, 1 = id, 2 = y). */
function sequencesNpy(lengths: readonly number[], ids: readonly number[], seed: number): Uint8Array {
  const rows = sequenceRows(lengths, ids, seed);
  return npyBytes('<f8', [rows.length, 3], rows.flat());
}

const start = JSON.stringify({
  startProbabilities: [0.5, 0.5],
  transitionMatrix: [
    [0.9, 0.1],
    [0.2, 0.8],
  ],
  emission: { type: 'gaussian', covarianceType: 'diagonal', means: [[0.5, 0], [3, -1]], covariances: [[1, 1], [1, 1]] },
});

describe('em fit hmm --stream', () => {
  const lengths = [40, 3, 70, 25, 1, 61];
  const ids = [7, 2, 9, 11, 3, 5];

  it('--lengths and --sequence-column give the in-memory trajectory from --init to 1e-10 relative, in blocks of whole sequences', async () => {
    const dir = fixtureDirectory({ 'seq.csv': sequencesCsv(lengths, ids, 3), 'lengths.csv': lengths.join('\n'), 'start.json': start });
    const common = ['fit', 'hmm', '--data', 'seq.csv', '--states', '2', '--emission', 'gaussian', '--covariance', 'diagonal', '--init', join(dir, 'start.json'), '--max-iter', '12', '--tol', '0', '--json'];
    const memory = await runEm([...common, '--columns', 'x,y', '--lengths', 'lengths.csv', '--workers', '1'], dir);
    expect(memory.code, memory.stderr).toBe(0);
    const streamed = await runEm([...common, '--columns', 'x,y', '--lengths', 'lengths.csv', '--stream', '--block-rows', '50'], dir);
    expect(streamed.code, streamed.stderr).toBe(0);
    const byId = await runEm([...common, '--columns', 'x,y', '--sequence-column', 'id', '--block-rows', '50'], dir);
    expect(byId.code, byId.stderr).toBe(0);
    const a = JSON.parse(memory.stdout) as Report;
    const b = JSON.parse(streamed.stdout) as Report;
    const c = JSON.parse(byId.stdout) as Report;
    expect(b.streamed).toBe(true);
    expect(maxRelativeDifference(b.logLikelihoodHistory, a.logLikelihoodHistory)).toBeLessThan(1e-10);
    expect(maxRelativeDifference(c.logLikelihoodHistory, a.logLikelihoodHistory)).toBeLessThan(1e-10);
    expect(b.eSteps).toBe(a.eSteps);
  });

  it('streams automatically when the file is larger than --memory-budget, and says so', async () => {
    // 60 sequences of 1000 steps, 1.4 MB of float64 under a 1 MiB budget.
    const big = Array.from({ length: 60 }, () => 1000);
    const dir = fixtureDirectory({ 'big.npy': sequencesNpy(big, big.map((_, s) => s + 1), 5) });
    const result = await runEm(['fit', 'hmm', '--data', 'big.npy', '--sequence-column', '1', '--states', '2', '--emission', 'gaussian', '--covariance', 'diagonal', '--memory-budget', '1MiB', '--max-iter', '2', '--tol', '0', '--seed', '1'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/streaming big\.npy.*is larger than the memory budget of 1\.00 MiB/);
    expect(result.stderr).toMatch(/pass 2 \(E-step, done\): 60000 of 60000 rows/);
  });

  it('data that fits but whose forward–backward tables do not is streamed, the sequence checkpointed: the in-memory trajectory of a larger budget', async () => {
    const values = sequenceRows([12_000], [1], 8).map((row) => row[0] as number);
    const init = JSON.stringify({
      startProbabilities: [0.25, 0.25, 0.25, 0.25],
      transitionMatrix: [
        [0.9, 0.1, 0, 0],
        [0.05, 0.9, 0.05, 0],
        [0, 0.05, 0.9, 0.05],
        [0.1, 0, 0, 0.9],
      ],
      emission: { type: 'gaussian', covarianceType: 'diagonal', means: [[-1], [1], [3], [5]], covariances: [[1], [1], [1], [1]] },
    });
    const dir = fixtureDirectory({ 'one.npy': npyBytes('<f8', [values.length, 1], values), 'init.json': init });
    const common = ['fit', 'hmm', '--data', 'one.npy', '--states', '4', '--emission', 'gaussian', '--covariance', 'diagonal', '--init', 'init.json', '--max-iter', '6', '--tol', '0', '--workers', '1'];
    const memory = await runEm([...common, '--memory-budget', '64MiB', '--json'], dir);
    expect(memory.code, memory.stderr).toBe(0);
    const small = await runEm([...common, '--memory-budget', '1MiB'], dir);
    expect(small.code, small.stderr).toBe(0);
    expect(small.stderr).toMatch(/streaming one\.npy .*the forward–backward tables of 12000 time steps need more than the memory budget of 1\.00 MiB/);
    const streamed = await runEm([...common, '--memory-budget', '1MiB', '--json'], dir);
    const a = JSON.parse(memory.stdout) as Report;
    const b = JSON.parse(streamed.stdout) as Report;
    expect(b.streamed).toBe(true);
    expect(maxRelativeDifference(b.logLikelihoodHistory, a.logLikelihoodHistory)).toBeLessThan(1e-10);
  });

  it('--data - is spooled: the sequence-id fit of stdin equals the file\'s', async () => {
    const dir = fixtureDirectory({ 'seq.csv': sequencesCsv(lengths, ids, 6), 'start.json': start });
    const common = ['--columns', 'x,y', '--sequence-column', 'id', '--states', '2', '--emission', 'gaussian', '--covariance', 'diagonal', '--init', join(dir, 'start.json'), '--max-iter', '4', '--tol', '0', '--json'];
    const io = Object.assign(createCapturedIo(), { stdin: Readable.from([readFileSync(join(dir, 'seq.csv'))]) });
    const code = await main(['fit', 'hmm', '--data', '-', ...common], io);
    expect(code, io.captured.stderr).toBe(0);
    const fromFile = await runEm(['fit', 'hmm', '--data', 'seq.csv', ...common], dir);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect((JSON.parse(io.captured.stdout) as Report).logLikelihoodHistory).toEqual((JSON.parse(fromFile.stdout) as Report).logLikelihoodHistory);
  });

  it('an id that comes back after another id is refused in one line naming the row', async () => {
    const dir = fixtureDirectory({ 'seq.csv': sequencesCsv([3, 2, 4], [1, 2, 1], 1) });
    const result = await runEm(['fit', 'hmm', '--data', 'seq.csv', '--sequence-column', 'id', '--states', '2', '--emission', 'gaussian', '--seed', '1'], dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/row 6: sequence id 1 appears again after other ids/);
  });

  it('a sequence longer than the memory budget allows in one block is a memory-budget error saying so', async () => {
    const dir = fixtureDirectory({ 'long.npy': sequencesNpy([20_000], [1], 2) });
    const result = await runEm(['fit', 'hmm', '--data', 'long.npy', '--states', '2', '--emission', 'gaussian', '--memory-budget', '1MiB', '--stream', '--seed', '1'], dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/sequence 1 \(from row 1\) is longer than \d+ rows, the most one block may hold/);
  });

  it('categorical emissions streamed need --symbols', async () => {
    const dir = fixtureDirectory({ 'rolls.csv': 'r\n1\n2\n0\n1\n' });
    const result = await runEm(['fit', 'hmm', '--data', 'rolls.csv', '--states', '2', '--emission', 'categorical', '--stream'], dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--symbols/);
  });
});

describe('em decode --stream', () => {
  const lengths = [40, 3, 70, 25, 1, 61];
  const ids = [7, 2, 9, 11, 3, 5];

  it('writes the same paths as the in-memory decoding, block by block (--lengths and --sequence-column), Viterbi and MAP', async () => {
    const dir = fixtureDirectory({ 'seq.csv': sequencesCsv(lengths, ids, 3), 'lengths.csv': lengths.join('\n'), 'start.json': start });
    const fit = await runEm(['fit', 'hmm', '--data', 'seq.csv', '--columns', 'x,y', '--lengths', 'lengths.csv', '--states', '2', '--emission', 'gaussian', '--covariance', 'diagonal', '--init', 'start.json', '--max-iter', '5', '--out', 'model.json', '--quiet'], dir);
    expect(fit.code, fit.stderr).toBe(0);
    for (const algorithm of ['viterbi', 'map']) {
      const memory = await runEm(['decode', '--model', 'model.json', '--data', 'seq.csv', '--columns', 'x,y', '--lengths', 'lengths.csv', '--algorithm', algorithm], dir);
      expect(memory.code, memory.stderr).toBe(0);
      const streamed = await runEm(['decode', '--model', 'model.json', '--data', 'seq.csv', '--columns', 'x,y', '--lengths', 'lengths.csv', '--algorithm', algorithm, '--stream', '--block-rows', '30'], dir);
      expect(streamed.code, streamed.stderr).toBe(0);
      expect(streamed.stdout).toBe(memory.stdout);
      const byId = await runEm(['decode', '--model', 'model.json', '--data', 'seq.csv', '--columns', 'x,y', '--sequence-column', 'id', '--algorithm', algorithm, '--output', 'paths.txt'], dir);
      expect(byId.code, byId.stderr).toBe(0);
      expect(readFileSync(join(dir, 'paths.txt'), 'utf8')).toBe(memory.stdout);
    }
  });

  it('with --output, a bad sequence later in the file leaves no file', async () => {
    const dir = fixtureDirectory({ 'seq.csv': sequencesCsv([30, 20, 40], [1, 2, 1], 4), 'start.json': start });
    const fit = await runEm(['fit', 'hmm', '--data', 'seq.csv', '--columns', 'x,y', '--states', '2', '--emission', 'gaussian', '--covariance', 'diagonal', '--init', 'start.json', '--max-iter', '2', '--out', 'model.json', '--quiet'], dir);
    expect(fit.code, fit.stderr).toBe(0);
    const result = await runEm(['decode', '--model', 'model.json', '--data', 'seq.csv', '--columns', 'x,y', '--sequence-column', 'id', '--block-rows', '10', '--output', 'paths.txt'], dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/row 51: sequence id 1 appears again/);
    expect(existsSync(join(dir, 'paths.txt'))).toBe(false);
  });
});
