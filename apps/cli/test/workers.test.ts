// --workers auto|N on the fit commands: auto (the default) fits small data in process and says why;
// --workers 2 runs the E-steps on two worker threads from each model package's built worker entry
// (the built bin, since worker threads cannot load TypeScript) and gives the in-process fit to 1e-12.
import { describe, expect, it } from 'vitest';
import { faithfulCsv, fixtureDirectory, runEm, spawnEm } from './helpers.js';

interface Execution {
  mode: string;
  workers: number;
  reason: string;
}

interface FitJson {
  history: number[];
  execution: Execution;
}

function parse(result: { code: number; stdout: string; stderr: string }): FitJson {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as FitJson;
}

function expectSameHistory(parallel: readonly number[], serial: readonly number[]): void {
  expect(parallel).toHaveLength(serial.length);
  serial.forEach((value, t) => expect(Math.abs((parallel[t] as number) - value)).toBeLessThanOrEqual(1e-12 * Math.abs(value)));
}

/** Rows of small counts and of 0/1 values, deterministic. */
function countsCsv(rows: number, cols: number, binary: boolean): string {
  const lines = [Array.from({ length: cols }, (_, j) => `c${j}`).join(',')];
  for (let i = 0; i < rows; i++) lines.push(Array.from({ length: cols }, (_, j) => ((i * 7 + j * 3 + (i % 3) * j) % (binary ? 2 : 5)).toString()).join(','));
  return `${lines.join('\n')}\n`;
}

describe('--workers', () => {
  it('auto (default) fits small data in process, saying the work and the threshold in --json and in the summary', async () => {
    const json = parse(await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--json']));
    expect(json.execution.mode).toBe('in-process');
    expect(json.execution.reason).toMatch(/data too small for workers to pay \(N·K·\(D²\/2 \+ D \+ 20\) = .* < 2e\+8\)|is not built/);
    const text = await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--workers', '1']);
    expect(text.stdout).toMatch(/^ran {13}in process: 1 worker asked for$/m);
  });

  it('fit gmm --workers 2: the in-process fit to 1e-12, on 2 workers, announced on stderr', { timeout: 120_000 }, async () => {
    const argv = ['fit', 'gmm', '--data', faithfulCsv, '--components', '3', '--seed', '1', '--tol', '0', '--max-iter', '15'];
    const serial = parse(await spawnEm([...argv, '--json', '--workers', '1']));
    const parallel = parse(await spawnEm([...argv, '--json', '--workers', '2']));
    expect(parallel.execution).toMatchObject({ mode: 'workers', workers: 2 });
    expectSameHistory(parallel.history, serial.history);
    const text = await spawnEm([...argv, '--workers', '2']);
    expect(text.stderr.split('\n')[0]).toBe('em fit gmm: 2 workers');
  });

  it('fit multinomial, bernoulli, poisson and hmm --workers 2: each package\'s worker entry gives the in-process fit to 1e-12', { timeout: 240_000 }, async () => {
    const directory = fixtureDirectory({ 'counts.csv': countsCsv(120, 6, false), 'binary.csv': countsCsv(120, 6, true), 'rolls.csv': `roll\n${Array.from({ length: 300 }, (_, i) => (i * 5 + (i >> 4)) % 6).join('\n')}\n`, 'lengths.csv': 'length\n100\n120\n80\n' });
    const cases = [
      ['fit', 'multinomial', '--data', 'counts.csv', '--components', '2'],
      ['fit', 'bernoulli', '--data', 'binary.csv', '--components', '2'],
      ['fit', 'poisson', '--data', 'counts.csv', '--components', '2'],
      ['fit', 'hmm', '--data', 'rolls.csv', '--lengths', 'lengths.csv', '--states', '2', '--emission', 'categorical'],
    ];
    for (const argv of cases) {
      const common = [...argv, '--seed', '3', '--tol', '0', '--max-iter', '8', '--json'];
      const serial = parse(await spawnEm([...common, '--workers', '1'], directory));
      const parallel = parse(await spawnEm([...common, '--workers', '2'], directory));
      expect(parallel.execution, argv[1]).toMatchObject({ mode: 'workers', workers: 2 });
      expectSameHistory(parallel.history, serial.history);
    }
  });

  it('predict --workers 2: the labels and probabilities of --workers 1, on 2 workers (gmm, multinomial, hmm)', { timeout: 240_000 }, async () => {
    const directory = fixtureDirectory({ 'counts.csv': countsCsv(120, 6, false), 'rolls.csv': `roll\n${Array.from({ length: 300 }, (_, i) => (i * 5 + (i >> 4)) % 6).join('\n')}\n`, 'lengths.csv': 'length\n100\n120\n80\n' });
    const fits = [
      [['fit', 'gmm', '--data', faithfulCsv, '--components', '3'], ['--data', faithfulCsv]],
      [['fit', 'multinomial', '--data', 'counts.csv', '--components', '2'], ['--data', 'counts.csv']],
      [['fit', 'hmm', '--data', 'rolls.csv', '--lengths', 'lengths.csv', '--states', '2', '--emission', 'categorical'], ['--data', 'rolls.csv', '--lengths', 'lengths.csv']],
    ] as const;
    for (const [index, [fit, data]] of fits.entries()) {
      const saved = `model-${index}.json`;
      expect((await runEm([...fit, '--seed', '1', '--out', saved, '--quiet'], directory)).code).toBe(0);
      const serial = await spawnEm(['predict', '--model', saved, ...data, '--proba', '--json', '--workers', '1'], directory);
      const parallel = await spawnEm(['predict', '--model', saved, ...data, '--proba', '--json', '--workers', '2'], directory);
      expect(serial.code, serial.stderr).toBe(0);
      expect(parallel.code, parallel.stderr).toBe(0);
      const a = JSON.parse(serial.stdout) as { labels: number[]; probabilities: number[][]; execution: Execution };
      const b = JSON.parse(parallel.stdout) as { labels: number[]; probabilities: number[][]; execution: Execution };
      expect(b.execution, fit[1]).toMatchObject({ mode: 'workers', workers: 2 });
      expect(a.execution.mode).toBe('in-process');
      expect(b.labels).toEqual(a.labels);
      expect(b.probabilities).toEqual(a.probabilities);
    }
  });

  it('refuses what is neither auto nor a positive integer', async () => {
    for (const bad of ['0', 'two', '1.5']) {
      const result = await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--workers', bad]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--workers expects auto or an integer ≥ 1, got "/);
    }
  });
});
