// Vitest global setup: compile every package's AssemblyScript kernels whose sources changed
// (tooling/kernels/compile.mjs; a no-op when they are up to date), so a test never runs a stale
// src/generated/*.wasm.ts — also for tests of a package that reads another's sources through the
// "@em/source" condition (gaussian-mixture's tests run core's kernels).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileKernels } from '../kernels/compile.mjs';

export default async function setup() {
  const packages = fileURLToPath(new URL('../../packages/', import.meta.url));
  for (const name of readdirSync(packages).sort()) {
    const dir = join(packages, name);
    if (existsSync(join(dir, 'assembly')) && !(await compileKernels(dir, { quiet: true }))) {
      throw new Error(`the AssemblyScript kernels of packages/${name} do not compile (see above)`);
    }
  }
}
