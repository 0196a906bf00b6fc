import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DenseMatrix } from '@em/core';

/**
 * Runs one of the bench's scikit-learn scripts (`script`, a file in this folder) on x and `meta`,
 * handed over as DATA.f64 (raw float64, row-major) and META.json in a temporary folder, and returns
 * the JSON object it prints — or, when it fails, the last line of its stderr (a string).
 */
export function runSklearnScript<T extends object>(python: string, script: string, x: DenseMatrix, meta: object): T | string {
  const directory = mkdtempSync(join(tmpdir(), 'em-bench-'));
  try {
    const dataPath = join(directory, 'data.f64');
    const metaPath = join(directory, 'meta.json');
    writeFileSync(dataPath, new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength));
    writeFileSync(metaPath, JSON.stringify(meta));
    const scriptPath = new URL(`./${script}`, import.meta.url).pathname;
    // The scripts import sklearn_start.py from this folder: no __pycache__ left next to the sources.
    const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };
    const run = spawnSync(python, [scriptPath, dataPath, metaPath], { encoding: 'utf8', maxBuffer: 1 << 20, env });
    if (run.status !== 0) return run.stderr.trim().split('\n').pop() ?? 'no message';
    return JSON.parse(run.stdout) as T;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
