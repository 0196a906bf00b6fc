// Browser bundle size of one export of an @em package, as a user's bundler sees it: esbuild bundles
// `import { name } from 'pkg'` for the browser, minified, ESM, and we gzip the output (level 9).
//
// `from: 'dist'` (the default) resolves each package's published entry (dist/, built by tsup) — what
// an application that installs the package bundles, hence the authoritative figure. `from: 'source'`
// resolves through the "@em/source" export condition to src/, which names every source file in the
// metafile: the per-file breakdown (minified bytes) that dist/'s one chunk per package cannot give.
// The two totals differ by a few per cent (tsup's output is already transpiled).
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));

/** The classes measured by the bench (each alone). */
export const ENTRIES = [
  { pkg: '@em/gaussian-mixture', name: 'GaussianMixture' },
  { pkg: '@em/multinomial-mixture', name: 'MultinomialMixture' },
  { pkg: '@em/hmm', name: 'HiddenMarkovModel' },
  { pkg: '@em/poisson-mixture', name: 'PoissonMixture' },
];

/**
 * @param {{ pkg: string, name: string, from?: 'dist' | 'source' }} entry
 * @returns {Promise<{ minified: number, gzip: number, inputs: { path: string, bytes: number }[] }>}
 */
export async function measureBundle({ pkg, name, from = 'dist' }) {
  const result = await build({
    stdin: { contents: `export { ${name} } from '${pkg}';`, resolveDir: here, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    conditions: from === 'source' ? ['@em/source'] : [],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const [file] = result.outputFiles;
  const code = file.contents;
  const [output] = Object.values(result.metafile.outputs);
  const inputs = Object.entries(output.inputs)
    .map(([path, { bytesInOutput }]) => ({ path: shorten(path), bytes: bytesInOutput }))
    .filter((input) => input.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length, inputs };
}

/** Group inputs by package (node_modules package or workspace package). */
export function byPackage(inputs) {
  const totals = new Map();
  for (const { path, bytes } of inputs) {
    const key = packageOf(path);
    totals.set(key, (totals.get(key) ?? 0) + bytes);
  }
  return [...totals].map(([pkg, bytes]) => ({ pkg, bytes })).sort((a, b) => b.bytes - a.bytes);
}

function packageOf(path) {
  const modules = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/);
  if (modules) return modules[1];
  const workspace = path.match(/(?:^|\/)(packages|apps)\/([^/]+)\//);
  return workspace ? `@em/${workspace[2]}` : path;
}

function shorten(path) {
  // ../../node_modules/.pnpm/ml-matrix@6.15.1/node_modules/ml-matrix/matrix.js → ml-matrix/matrix.js;
  // ../../packages/core/dist/chunk-X.js → packages/core/dist/chunk-X.js
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) return path.slice(modules + 'node_modules/'.length);
  return path.replace(/^(\.\.\/)+/, '');
}
