import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CsrMatrix, MixtureParameters } from '@em/core';
import type { MultinomialComponents } from '../src/index.js';

/** What bench/numpy-reference.py prints: per fit, and the first fit's log-likelihood trajectory. */
export interface NumpyReference {
  /** Per fit: its median wall-clock seconds per iteration (E-step + M-step). */
  readonly secondsPerIteration: number[];
  /** Per fit: process CPU seconds of its iterations (E-step + M-step) / iterations. */
  readonly iterationCpuSeconds: number[];
  /** Per fit: process CPU seconds / (iterations + 1) E-steps. */
  readonly cpuSecondsPerIteration: number[];
  /** log p(X; θ_t), t = 0 … iterations (multinomial coefficient left out, as ours). */
  readonly logLikelihoods: number[];
  readonly numpy: string;
  readonly scipy: string;
}

/**
 * The Python that runs the reference: `EM_PYTHON`, else Debian's `/usr/bin/python3` (NumPy and SciPy
 * from Debian), else `python3` — the first that imports both; undefined (with the reason) if none does.
 */
export function findNumpyPython(): { python: string } | { missing: string } {
  const candidates = [process.env['EM_PYTHON'], '/usr/bin/python3', 'python3'].filter((c): c is string => c !== undefined && c !== '');
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import numpy, scipy.sparse'], { encoding: 'utf8' });
    if (probe.status === 0) return { python };
  }
  return { missing: `none of ${candidates.join(', ')} imports numpy and scipy.sparse` };
}

const bytes = (array: Int32Array | Float64Array): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

/**
 * Runs bench/numpy-reference.py on `data` from `start` (`iterations` EM steps, `fits` times), the data
 * and parameters handed over as raw little-endian files in a temporary folder. Returns its result, or
 * the last line of its stderr (a string) when it fails.
 */
export function runNumpyReference(
  python: string,
  data: CsrMatrix,
  start: MixtureParameters<MultinomialComponents>,
  settings: { readonly pseudocount: number; readonly iterations: number; readonly fits: number },
): NumpyReference | string {
  const folder = mkdtempSync(join(tmpdir(), 'em-numpy-'));
  try {
    writeFileSync(join(folder, 'indptr.i32'), bytes(data.indptr));
    writeFileSync(join(folder, 'indices.i32'), bytes(data.indices));
    writeFileSync(join(folder, 'values.f64'), bytes(data.values));
    writeFileSync(join(folder, 'theta.f64'), bytes(start.components.probabilities));
    writeFileSync(join(folder, 'weights.f64'), bytes(start.weights));
    writeFileSync(join(folder, 'meta.json'), JSON.stringify({ rows: data.rows, cols: data.cols, k: start.components.components, ...settings }));
    const script = new URL('./numpy-reference.py', import.meta.url).pathname;
    const run = spawnSync(python, [script, folder], { encoding: 'utf8', maxBuffer: 1 << 22, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    if (run.status !== 0) return run.stderr.trim().split('\n').pop() ?? `exit status ${String(run.status)}`;
    return JSON.parse(run.stdout) as NumpyReference;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** max_t |ours_t − reference_t| / max(1, |reference_t|) over two log-likelihood trajectories (NaN if their lengths differ). */
export function maxRelativeDifference(ours: readonly number[], reference: readonly number[]): number {
  if (ours.length !== reference.length) return Number.NaN;
  let worst = 0;
  for (let t = 0; t < ours.length; t++) {
    const r = reference[t] as number;
    worst = Math.max(worst, Math.abs((ours[t] as number) - r) / Math.max(1, Math.abs(r)));
  }
  return worst;
}
