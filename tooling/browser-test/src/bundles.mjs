// Builds the page in bundle-app/ the way a user's app is built: once with esbuild (page and
// worker as two entry points) and once with Vite 7 (the worker through "?worker&url"), both for
// the browser platform and from the packages' built dist/ (no "@em/source" condition).
import { readdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

export const APP_DIRECTORY = fileURLToPath(new URL('../bundle-app/', import.meta.url));

/** Every file under `directory`, as URL path → absolute path. */
async function filesUnder(directory) {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const files = new Map();
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath ?? entry.path, entry.name);
    files.set(`/${relative(directory, path).split(sep).join('/')}`, path);
  }
  return files;
}

/**
 * @param {string} outDirectory an empty directory to write to
 * @returns {Promise<{ files: Map<string, string>, pagePath: string, workerPath: string }>} URL paths → files
 */
export async function bundleWithEsbuild(outDirectory) {
  await esbuild({
    entryPoints: { main: join(APP_DIRECTORY, 'esbuild-main.mjs'), worker: join(APP_DIRECTORY, 'worker.mjs') },
    outdir: outDirectory,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  await writeFile(
    join(outDirectory, 'index.html'),
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>@em bundled worker test (esbuild)</title><link rel="icon" href="data:,">\n<script type="module" src="/main.js"></script></head><body></body></html>\n',
  );
  return { files: await filesUnder(outDirectory), pagePath: '/index.html', workerPath: '/worker.js' };
}

/** @param {string} outDirectory an empty directory to write to (Vite's cache goes there too) */
export async function bundleWithVite(outDirectory) {
  await viteBuild({
    root: APP_DIRECTORY,
    configFile: false,
    logLevel: 'silent',
    base: '/',
    cacheDir: join(outDirectory, '.vite-cache'),
    build: { outDir: join(outDirectory, 'dist'), emptyOutDir: true, minify: false, target: 'es2022', reportCompressedSize: false },
    worker: { format: 'es' },
  });
  const files = await filesUnder(join(outDirectory, 'dist'));
  const workerPath = [...files.keys()].find((path) => /^\/assets\/worker-[^/]*\.js$/.test(path));
  if (workerPath === undefined) throw new Error(`Vite wrote no worker chunk: ${[...files.keys()].join(', ')}`);
  return { files, pagePath: '/index.html', workerPath };
}

/**
 * Bundles `@em/core/parallel` alone for the browser platform with esbuild, as a user's page would
 * import it, and lists the Node built-ins left as imports (there must be none).
 */
export async function bundleCoreParallelForBrowser() {
  const result = await esbuild({
    stdin: { contents: "export { createWorkerExecutor } from '@em/core/parallel';", resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((entry) => entry.path));
  return { text: result.outputFiles[0].text, imports, warnings: result.warnings };
}
