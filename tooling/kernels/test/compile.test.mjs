// compileKernels on a scratch package: the generated module holds a valid SIMD module whose export
// computes what its source says, an unchanged input is not recompiled, a changed one is, and a
// source that does not compile fails, naming the file.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileKernels } from '../compile.mjs';

const scratch = fileURLToPath(new URL('./.scratch/', import.meta.url));
const packageDir = join(scratch, 'package');
const generated = join(packageDir, 'src', 'generated', 'pairs.wasm.ts');

/** A kernel summing `n` f64x2 pairs at `at`, times `scale` (a constant that the tests change). */
function writeSource(scale) {
  mkdirSync(join(packageDir, 'assembly'), { recursive: true });
  writeFileSync(
    join(packageDir, 'assembly', 'pairs.ts'),
    `export function sum(at: usize, n: i32): f64 {
  let s = f64x2.splat(0);
  for (let i = 0; i < n; i++) s = f64x2.add(s, v128.load(at + (<usize>i << 4)));
  return (f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1)) * ${scale};
}
`,
  );
}

/** The bytes embedded in the generated module. */
function embeddedBytes() {
  const base64 = /const BASE64 = '([^']*)'/.exec(readFileSync(generated, 'utf8'))?.[1];
  expect(base64).toBeDefined();
  return Buffer.from(base64, 'base64');
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('compileKernels', () => {
  it('embeds a module that runs against an imported memory', async () => {
    rmSync(scratch, { recursive: true, force: true });
    writeSource('1.0');
    expect(await compileKernels(packageDir, { quiet: true })).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(embeddedBytes()), { env: { memory } });
    new Float64Array(memory.buffer, 64, 6).set([1, 2, 3, 4, 5, 6]);
    expect(exports.sum(64, 3)).toBe(21);
    // Nothing else is imported or exported: no abort, no exported memory.
    expect(WebAssembly.Module.imports(new WebAssembly.Module(embeddedBytes())).map((entry) => `${entry.module}.${entry.name}`)).toEqual(['env.memory']);
    expect(WebAssembly.Module.exports(new WebAssembly.Module(embeddedBytes())).map((entry) => entry.name)).toEqual(['sum']);
  });

  it('does not rewrite the module when no input changed, and does when one did', async () => {
    const before = statSync(generated).mtimeMs;
    await new Promise((done) => setTimeout(done, 20));
    expect(await compileKernels(packageDir, { quiet: true })).toBe(true);
    expect(statSync(generated).mtimeMs).toBe(before);
    const oldBytes = embeddedBytes();
    writeSource('2.0');
    expect(await compileKernels(packageDir, { quiet: true })).toBe(true);
    expect(embeddedBytes().equals(oldBytes)).toBe(false);
  });

  it('fails on a source that does not compile', async () => {
    writeFileSync(join(packageDir, 'assembly', 'pairs.ts'), 'export function broken(): f64 { return undefinedName; }\n');
    const errors = [];
    const original = console.error;
    console.error = (message) => errors.push(String(message));
    try {
      expect(await compileKernels(packageDir, { quiet: true })).toBe(false);
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toMatch(/assembly\/pairs\.ts does not compile/);
  });
});
