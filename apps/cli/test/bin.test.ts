import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineFailure, faithfulCsv, packageRoot, spawnEm } from './helpers.js';

// End-to-end: the published entry point (bin/em.mjs → dist/) as a child process.
// turbo builds before testing; run `pnpm --filter @em/cli build` first when invoking vitest directly.
const built = existsSync(join(packageRoot, 'dist', 'index.js'));

describe.runIf(built)('bin/em.mjs', () => {
  it('fits with --json: stdout is exactly one JSON object, exit code 0', async () => {
    const result = await spawnEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--max-iter', '3', '--tol', '0', '--json']);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { kind: string; history: number[]; iterations: number };
    expect(output.kind).toBe('gaussian-mixture');
    expect(output.history).toHaveLength(4);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  it('--workers 2 runs the E-steps on worker threads with the same result as in process', async () => {
    const argv = ['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--max-iter', '4', '--tol', '0', '--seed', '3', '--json'];
    const [inProcess, threaded] = await Promise.all([spawnEm(argv), spawnEm([...argv, '--workers', '2'])]);
    expect(threaded.code).toBe(0);
    const a = JSON.parse(inProcess.stdout) as { history: number[] };
    const b = JSON.parse(threaded.stdout) as { history: number[] };
    expect(b.history).toHaveLength(5);
    b.history.forEach((value, i) => expect(value).toBeCloseTo(a.history[i] as number, 8));
  });

  it('`pnpm --silent em …` from the repository root prints only the command output on stdout', async () => {
    const repositoryRoot = join(packageRoot, '..', '..');
    const pnpm = (argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        execFile('pnpm', ['--silent', 'em', ...argv], { cwd: repositoryRoot, encoding: 'utf8' }, (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
        );
      });
    const fit = await pnpm(['fit', 'gmm', '--data', 'apps/cli/data/faithful.csv', '--components', '2', '--max-iter', '2', '--tol', '0', '--json']);
    expect(fit.code).toBe(0);
    expect(fit.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect((JSON.parse(fit.stdout) as { history: number[] }).history).toHaveLength(3);
    const failed = await pnpm(['fit', 'gmm', '--data', 'nope.csv', '--components', '2']);
    expectOneLineFailure(failed, /^em: error: Cannot read --data file "nope\.csv"/, 1);
  });

  it('prints help on stdout', async () => {
    const result = await spawnEm(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('fit gmm');
    expect(result.stdout).toContain('select gmm');
    expect(result.stdout).toContain('predict');
  });

  it('reports a missing file on one stderr line with exit code 1, and a bad flag with exit code 2', async () => {
    expectOneLineFailure(await spawnEm(['fit', 'gmm', '--data', 'nope.csv', '--components', '2']), /^em: error: Cannot read --data file "nope\.csv"/, 1);
    expectOneLineFailure(await spawnEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--colour', 'red']), /unknown option --colour/, 2);
  });
});
