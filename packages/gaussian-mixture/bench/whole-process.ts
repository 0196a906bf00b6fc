import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import type { DenseMatrix, MixtureParameters } from '@em/core';
import type { GaussianComponents } from '../src/gaussian-components.js';

// The whole-process rows of the time-to-solution case (time-to-solution.ts): `em fit gmm` and a
// Python running scikit-learn, each spawned as a fresh process on the same .npy file and the same
// start, timed from spawn to exit — interpreter start-up, imports, reading the file, the fit and
// printing the result all count, as they do for a user at a shell.

/** The CLI's launcher (apps/cli/bin/em.mjs); it runs apps/cli/dist, which `pnpm turbo run build --filter=@em/cli...` builds. */
export const EM_LAUNCHER = new URL('../../../apps/cli/bin/em.mjs', import.meta.url).pathname;
const EM_BUILD = new URL('../../../apps/cli/dist/index.js', import.meta.url).pathname;

/** Writes x as a NumPy .npy file (format 1.0, little-endian float64, C order), the one file both processes read. */
export function writeNpy(path: string, x: DenseMatrix): void {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${x.rows}, ${x.cols}), }`;
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in a newline.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const bytes = new Uint8Array(total + x.data.byteLength);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  bytes[8] = header.length & 0xff;
  bytes[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  const data = new Float64Array(bytes.buffer, total, x.data.length);
  data.set(x.data);
  writeFileSync(path, bytes);
}

/** The start as `em fit gmm --init` reads it: { weights [K], means [K][D], covariances [K][D][D] }. */
export function writeEmInit(path: string, start: MixtureParameters<GaussianComponents>): void {
  const { dimension: d, means, covariances } = start.components;
  const k = start.weights.length;
  const rows = (values: Float64Array, count: number, width: number, offset = 0): number[][] =>
    Array.from({ length: count }, (_, r) => Array.from(values.subarray(offset + r * width, offset + (r + 1) * width)));
  writeFileSync(path, JSON.stringify({ weights: Array.from(start.weights), means: rows(means, k, d), covariances: Array.from({ length: k }, (_, c) => rows(covariances, d, d, c * d * d)) }));
}

/** One timed process: wall seconds from spawn to exit, and the JSON object it printed. */
export interface ProcessRun<T> {
  readonly seconds: number;
  readonly result: T;
}

/** What `em fit gmm --json` prints that the table uses. */
export interface EmFitJson {
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly eSteps: number;
  readonly converged: boolean;
  readonly secondsPerIteration: number;
}

/** Runs a command, timed from spawn to exit; its stdout parsed as JSON, or the reason it failed. */
function timedProcess<T>(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ProcessRun<T> | string {
  const start = performance.now();
  const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, env });
  const seconds = (performance.now() - start) / 1000;
  if (run.error !== undefined) return run.error.message;
  if (run.status !== 0) {
    // The line that names the error (a stack trace ends with Node's version line, not the cause).
    const lines = run.stderr.trim().split('\n');
    return lines.find((line) => /error/i.test(line)) ?? lines.pop() ?? `exit code ${run.status}`;
  }
  try {
    return { seconds, result: JSON.parse(run.stdout) as T };
  } catch {
    return `not JSON: ${run.stdout.slice(0, 120)}`;
  }
}

/** Why the CLI cannot run (not built), or undefined. */
export function emUnavailable(): string | undefined {
  return existsSync(EM_BUILD) ? undefined : 'the CLI is not built: run `pnpm turbo run build --filter=@em/cli...` from the repository root (pnpm bench does)';
}

/**
 * `node apps/cli/bin/em.mjs fit gmm` on `dataPath` from `initPath`, full covariances, plain maximum
 * likelihood, tolerance rule per observation (scikit-learn's), --accelerate as given.
 */
export function emWholeProcess(dataPath: string, initPath: string, k: number, tolerance: number, maxIterations: number, accelerate: 'none' | 'squarem'): ProcessRun<EmFitJson> | string {
  const unavailable = emUnavailable();
  if (unavailable !== undefined) return unavailable;
  return timedProcess<EmFitJson>(process.execPath, [
    EM_LAUNCHER,
    'fit',
    'gmm',
    '--data',
    dataPath,
    '--components',
    String(k),
    '--covariance',
    'full',
    '--reg-covar',
    '0',
    '--prior',
    'none',
    '--init',
    initPath,
    '--tol',
    String(tolerance),
    '--tolerance-rule',
    'per-observation',
    '--max-iter',
    String(maxIterations),
    '--accelerate',
    accelerate,
    '--json',
    '--quiet',
  ]);
}

/** Wall seconds of `node apps/cli/bin/em.mjs --version`: Node's start-up and loading the CLI's modules, no work. */
export function emStartUpSeconds(): number | undefined {
  if (emUnavailable() !== undefined) return undefined;
  const start = performance.now();
  const run = spawnSync(process.execPath, [EM_LAUNCHER, '--version'], { encoding: 'utf8' });
  return run.status === 0 ? (performance.now() - start) / 1000 : undefined;
}

/** What bench/sklearn-time-to-solution.py prints. */
export interface SklearnFitJson {
  /** Wall seconds of fit() alone. */
  readonly seconds: number;
  /** Wall seconds of the imports (numpy, scikit-learn) and of reading the data file. */
  readonly importSeconds: number;
  readonly readSeconds: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly logLikelihood: number;
  readonly sklearn: string;
}

/** The scikit-learn script on `dataPath` (.npy) and `metaPath`, as one timed process. */
export function sklearnWholeProcess(python: string, dataPath: string, metaPath: string): ProcessRun<SklearnFitJson> | string {
  const script = new URL('./sklearn-time-to-solution.py', import.meta.url).pathname;
  // The script imports sklearn_start.py from this folder: no __pycache__ left next to the sources.
  return timedProcess<SklearnFitJson>(python, [script, dataPath, metaPath], { ...process.env, PYTHONDONTWRITEBYTECODE: '1' });
}
