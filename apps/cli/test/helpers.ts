import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCapturedIo, main } from '../src/index.js';

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const faithfulCsv = join(packageRoot, 'data', 'faithful.csv');
export const irisCsv = join(packageRoot, 'data', 'iris.csv');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `em` in-process with captured output; relative paths resolve against `cwd`. */
export async function runEm(argv: readonly string[], cwd: string = packageRoot): Promise<CliResult> {
  const io = createCapturedIo(cwd);
  const code = await main(argv, io);
  return { code, stdout: io.captured.stdout, stderr: io.captured.stderr };
}

/** Runs the built bin/em.mjs as a child process (needs `pnpm build` first; turbo runs it before test). */
export function spawnEm(argv: readonly string[], cwd: string = packageRoot): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [join(packageRoot, 'bin', 'em.mjs'), ...argv], { cwd, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** A fresh temporary directory holding the given files. */
export function fixtureDirectory(files: Readonly<Record<string, string | Uint8Array>> = {}): string {
  const directory = mkdtempSync(join(tmpdir(), 'em-cli-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(directory, name), content);
  return directory;
}

/** Expects a failed run: non-zero exit, nothing on stdout, exactly one line on stderr. */
export function expectOneLineFailure(result: CliResult, pattern: RegExp, code?: number): void {
  const lines = result.stderr.trimEnd().split('\n');
  if (result.code === 0 || result.stdout !== '' || lines.length !== 1 || !pattern.test(result.stderr) || (code !== undefined && result.code !== code)) {
    throw new Error(`Expected one-line failure matching ${pattern}${code === undefined ? '' : ` with exit ${code}`}; got exit ${result.code}, stdout ${JSON.stringify(result.stdout)}, stderr ${JSON.stringify(result.stderr)}`);
  }
}

/** The fields every `em fit … --json` object carries (issues 3, 4 and 5); `P` is the shape of `params`. */
export interface FitReportJson<P> {
  kind: string;
  params: P;
  logLikelihood: number;
  history: number[];
  logLikelihoodHistory: number[];
  iterations: number;
  /** Passes over the data (every one counted). */
  eSteps: number;
  /** Passes over the data after which each history entry was reached. */
  historyESteps: number[];
  acceleration: 'none' | 'squarem';
  accelerationNote?: string;
  /** The E-step that ran: with 'sparse', history holds the free energy and logLikelihoodHistory null between full E-steps. */
  estep: 'full' | 'sparse';
  converged: boolean;
  stopReason: string;
  secondsPerIteration: number | null;
  bic: number;
  aic: number;
  /** Data columns used and skipped (header names, or 0-based indices; 'all' for a sparse file). */
  columns: { used: Array<string | number> | 'all'; skipped: Array<string | number> };
}

/** The keys of FitReportJson, sorted. */
export const fitReportKeys = [
  'acceleration',
  'aic',
  'bic',
  'columns',
  'converged',
  'eSteps',
  'estep',
  'execution',
  'history',
  'historyESteps',
  'iterations',
  'kind',
  'logLikelihood',
  'logLikelihoodHistory',
  'params',
  'secondsPerIteration',
  'stopReason',
];

/** Runs `em <argv> --json`: expects exit code 0 and exactly one line on stdout, and parses it. */
export async function runJson<T>(argv: readonly string[], cwd: string = packageRoot): Promise<T> {
  const result = await runEm([...argv, '--json'], cwd);
  if (result.code !== 0) throw new Error(`em ${argv.join(' ')} failed: ${result.stderr}`);
  const lines = result.stdout.trimEnd().split('\n');
  if (lines.length !== 1) throw new Error(`em ${argv.join(' ')} --json printed ${lines.length} lines`);
  return JSON.parse(result.stdout) as T;
}

/** A run of `em` in a child process with its peak resident memory (see fixtures/measured-em.mjs). */
export interface MeasuredResult extends CliResult {
  readonly peakRssBytes: number;
}

/** Peak memory allowed for any command on a small hostile input (issue 10: "under 512 MB for any input under 1 MB"). */
export const PEAK_MEMORY_LIMIT = 512 * 1024 * 1024;

/** Runs `em` in a child process (killed after `timeoutMs`) and reports its peak RSS. */
export function runEmMeasured(argv: readonly string[], cwd: string = packageRoot, timeoutMs = 60_000): Promise<MeasuredResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      [join(packageRoot, 'test', 'fixtures', 'measured-em.mjs'), ...argv],
      { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null) {
          reject(new Error(`em ${argv.join(' ')} did not finish normally (${error.message.split('\n')[0]}; signal ${String(error.signal)}); stderr ${stderr.slice(0, 500)}`));
          return;
        }
        resolvePromise(JSON.parse(stdout) as MeasuredResult);
      },
    );
  });
}
