#!/usr/bin/env node
// Compiles a package's AssemblyScript kernels into WebAssembly embedded in its TypeScript sources.
//
//   node ../../tooling/kernels/compile.mjs [--wat] [packageDir]
//
// Every `assembly/*.ts` of the package (default: the current directory) is one module; files in
// sub-folders (`assembly/shared/…`) are only imported. Each module becomes
// `src/generated/<name>.wasm.ts` (git-ignored), which holds the bytes as base64 and exports
// `wasmBytes()` and `wasmModule()` (compiled once per thread, undefined where WebAssembly SIMD is
// unavailable). tsup bundles that file like any other source, so the package's dist carries its
// kernels with no separate asset and no fetch, in Node and in browsers.
//
// The output is rewritten only when an input changed (a hash of the sources, this script, the
// compiler's version and the flags is kept in the file's header), so running it before every
// build and typecheck costs nothing when nothing changed. `--wat` also writes the text format
// next to it (src/generated/<name>.wat, for reading what the compiler made).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The compiler flags: SIMD; the stub runtime (no garbage collector: kernels only read and write
 * the memory they are given); the memory imported as env.memory (the caller owns it and lays it
 * out); no abort import (the kernels use raw loads and stores, nothing that could trap on a
 * check); full optimisation without assertions (--noAssert changes no byte of the current kernels,
 * which call no assert; it keeps a debugging assert from costing anything in a build).
 */
export const FLAGS = ['--enable', 'simd', '--runtime', 'stub', '--importMemory', '--noExportMemory', '--use', 'abort=', '-O3', '--noAssert'];

const require = createRequire(import.meta.url);
const compilerVersion = JSON.parse(readFileSync(require.resolve('assemblyscript/package.json'), 'utf8')).version;

function filesUnder(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

/**
 * Compiles the kernels of the package at `packageDir` whose inputs changed; returns false (after
 * printing the compiler's messages) if one does not compile.
 */
export async function compileKernels(packageDir, { wat = false, quiet = false } = {}) {
  const assemblyDir = join(packageDir, 'assembly');
  const outDir = join(packageDir, 'src', 'generated');
  if (!existsSync(assemblyDir)) {
    console.error(`em-kernels: no assembly/ folder in ${packageDir}`);
    return false;
  }
  const sources = filesUnder(assemblyDir).filter((path) => path.endsWith('.ts'));
  const entries = readdirSync(assemblyDir)
    .sort()
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts') && statSync(join(assemblyDir, name)).isFile());
  const hash = createHash('sha256');
  hash.update(`${compilerVersion}\n${FLAGS.join(' ')}\n`);
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  for (const path of sources) hash.update(`${relative(assemblyDir, path)}\n`).update(readFileSync(path));
  const stamp = `// inputs ${hash.digest('hex').slice(0, 16)}`;
  const stale = entries.filter((entry) => {
    const target = join(outDir, `${basename(entry, '.ts')}.wasm.ts`);
    return wat || !existsSync(target) || !readFileSync(target, 'utf8').includes(stamp);
  });
  if (stale.length === 0) return true;
  const { default: asc } = await import('assemblyscript/asc');
  mkdirSync(outDir, { recursive: true });
  let compiledAll = true;
  for (const entry of stale) {
    const name = basename(entry, '.ts');
    const outputs = new Map();
    const { error, stderr } = await asc.main([join(assemblyDir, entry), '--outFile', `${name}.wasm`, ...(wat ? ['--textFile', `${name}.wat`] : []), ...FLAGS], {
      writeFile: (file, contents) => outputs.set(basename(file), contents),
    });
    if (error) {
      console.error(`em-kernels: assembly/${entry} does not compile\n${stderr.toString()}`);
      compiledAll = false;
      continue;
    }
    const binary = outputs.get(`${name}.wasm`);
    if (wat) writeFileSync(join(outDir, `${name}.wat`), outputs.get(`${name}.wat`));
    // Written aside and renamed: a test run or build reading it at the same moment sees the old or the new file, never half of one.
    const target = join(outDir, `${name}.wasm.ts`);
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, moduleSource(name, Buffer.from(binary).toString('base64'), binary.length, stamp));
    renameSync(temporary, target);
    if (!quiet) console.log(`em-kernels: assembly/${entry} → src/generated/${name}.wasm.ts (${binary.length} bytes)`);
  }
  return compiledAll;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const ok = await compileKernels(resolve(args.find((arg) => !arg.startsWith('--')) ?? '.'), { wat: args.includes('--wat') });
  if (!ok) process.exit(1);
}

function moduleSource(name, base64, size, stamp) {
  return `// Generated by tooling/kernels/compile.mjs from assembly/${name}.ts (AssemblyScript ${compilerVersion}) — do not edit.
${stamp}

/** Size of the module in bytes. */
export const WASM_SIZE = ${size};

const BASE64 = '${base64}';

let compiled: WebAssembly.Module | null | undefined;

/** The module's bytes (a fresh copy). */
export function wasmBytes(): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(BASE64), (character) => character.charCodeAt(0));
}

/**
 * The compiled module (compiled once per thread), or undefined where WebAssembly or its SIMD
 * instructions are unavailable — the caller then runs its TypeScript fallback. Instantiate it
 * synchronously with \`{ env: { memory } }\`.
 */
export function wasmModule(): WebAssembly.Module | undefined {
  if (compiled === undefined) {
    try {
      const bytes = wasmBytes();
      compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled ?? undefined;
}
`;
}
