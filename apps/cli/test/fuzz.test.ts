import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot, PEAK_MEMORY_LIMIT } from './helpers.js';

// Issue 10, "Done when": a fast-check fuzz suite over the readers (CSV, .npy, .mtx, model JSON),
// the command-line flags and the libraries' option objects. Every input is under 1 MB; each
// property asserts a typed error or a valid result, never NaN or Infinity in a result; each target
// runs in a child process (fixtures/fuzz-child.mjs) whose peak resident memory, array buffers and
// WebAssembly memories included, must stay under 512 MB.
//
// The seed comes from the clock unless EM_FUZZ_SEED is set, and is printed; EM_FUZZ_RUNS sets the
// runs per target (default 60, which keeps the suite to a few seconds). Replay a failure with
//   EM_FUZZ_SEED=<seed> npx vitest run test/fuzz.test.ts
// or, for one target with details: node test/fixtures/fuzz-child.mjs <seed> <runs> <target>.

const seed = process.env['EM_FUZZ_SEED'] !== undefined && process.env['EM_FUZZ_SEED'] !== '' ? Number(process.env['EM_FUZZ_SEED']) : Date.now() % 2 ** 31;
const runs = process.env['EM_FUZZ_RUNS'] !== undefined && process.env['EM_FUZZ_RUNS'] !== '' ? Number(process.env['EM_FUZZ_RUNS']) : 60;
const targets = ['csv', 'npy', 'mtx', 'modelJson', 'flags', 'gaussianMixtureOptions', 'hmmOptions', 'countMixtureOptions'] as const;

interface ChildReport {
  readonly seed: number;
  readonly numRuns: number;
  readonly results: ReadonlyArray<{ target: string; milliseconds: number; exitCodes: Record<string, number>; failure?: string }>;
  readonly peakRssBytes: number;
}

/** Runs one target in a child process; a crash (heap exhausted, killed) is reported as a failure with its stderr. */
function runTarget(target: string): Promise<ChildReport> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      // The heap limit makes a runaway allocation fail in a second (reported with its stderr) rather than after gigabytes.
      ['--max-old-space-size=512', join(packageRoot, 'test', 'fixtures', 'fuzz-child.mjs'), String(seed), String(runs), target],
      { cwd: packageRoot, encoding: 'utf8', timeout: 50_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null) {
          reject(new Error(`fuzz target ${target} (seed ${seed}) crashed: ${error.message.split('\n')[0]}; signal ${String(error.signal)}; stderr ${stderr.slice(-1500)}`));
          return;
        }
        resolvePromise(JSON.parse(stdout) as ChildReport);
      },
    );
  });
}

describe(`fuzz: readers, flags and option objects (seed ${seed}, ${runs} runs per target; replay with EM_FUZZ_SEED=${seed})`, () => {
  console.log(`em fuzz suite: seed ${seed}, ${runs} runs per target (replay: EM_FUZZ_SEED=${seed} npx vitest run test/fuzz.test.ts)`);

  it.each(targets)('%s: typed error or finite result, peak memory under 512 MB', { timeout: 60_000 }, async (target) => {
    const report = await runTarget(target);
    const [result] = report.results;
    expect(result?.target).toBe(target);
    if (result?.failure !== undefined) throw new Error(`fuzz target ${target} failed (seed ${seed}; replay: EM_FUZZ_SEED=${seed}):\n${result.failure}`);
    expect(report.peakRssBytes).toBeLessThan(PEAK_MEMORY_LIMIT);
  });
});
