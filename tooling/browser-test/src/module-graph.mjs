// Builds what the page needs to load the packages' built ESM, unbundled: an import map and the
// list of files to serve. The graph is crawled from each package's entry through the imports
// of its dist files, so only what a browser would actually fetch is served:
//   - relative imports (tsup chunks) are served from the package's dist/ as they are;
//   - "@em/*" imports map to that package's dist entry (and are crawled in turn);
//   - any other bare import (ml-matrix…) has no browser-loadable ESM build, so it is bundled
//     once with esbuild into a single ESM "vendor" file, which the import map points to;
//   - a Node built-in ("node:fs", "worker_threads"…) is an error: main entries must be browser-safe.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/** Static import/export specifiers and dynamic import("…") literals of an ES module's text. */
export function importSpecifiers(text) {
  const found = new Set();
  const patterns = [
    /(?:^|[\s;}])(?:import|export)\s*(?:[\w*$\s{},]*?\sfrom\s*)?["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.add(match[1]);
  return [...found];
}

/** "@em/core/worker" → { name: "@em/core", subpath: "./worker" }. */
function splitSpecifier(specifier) {
  const parts = specifier.split('/');
  const count = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, count).join('/');
  const rest = parts.slice(count).join('/');
  return { name, subpath: rest === '' ? '.' : `./${rest}` };
}

/** The directory of package `name` as seen from `fromDirectory` (Node's node_modules walk). */
function packageDirectory(name, fromDirectory) {
  let directory = fromDirectory;
  for (;;) {
    const candidate = join(directory, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`Cannot find package "${name}" from ${fromDirectory}: run pnpm install.`);
    directory = parent;
  }
}

/** The built file an "@em/*" export resolves to without the "@em/source" condition. */
function distEntry(packageDir, subpath) {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const target = manifest.exports?.[subpath];
  const file = typeof target === 'string' ? target : (target?.import ?? target?.default);
  if (typeof file !== 'string') throw new Error(`${manifest.name} does not export "${subpath}" with a default/import condition.`);
  const absolute = resolve(packageDir, file);
  if (!existsSync(absolute)) {
    throw new Error(`${manifest.name}: ${relative(packageDir, absolute)} is missing. Build the packages first (pnpm build, or let turbo run this test: it depends on ^build).`);
  }
  return { manifest, file: absolute };
}

/** One ESM file holding a third-party package, bundled for browsers. */
async function vendorBundle(specifier, resolveDir) {
  const attempt = (withDefault) =>
    build({
      stdin: { contents: `export * from '${specifier}';${withDefault ? `\nexport { default } from '${specifier}';` : ''}`, resolveDir, loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
  let result;
  try {
    result = await attempt(true);
  } catch {
    result = await attempt(false); // an ES module without a default export
  }
  return result.outputFiles[0].text;
}

/**
 * @param {string[]} specifiers  what the page imports, e.g. ["@em/core", "@em/gaussian-mixture"]
 * @param {string} fromDirectory where those packages are resolved from (this package)
 * @returns {Promise<{ importMap: { imports: Record<string, string> }, files: Map<string, { path?: string, text?: string }> }>}
 *   files: URL path → a file on disk or generated text
 */
export async function buildModuleGraph(specifiers, fromDirectory) {
  const imports = {};
  const files = new Map();
  const queue = [];
  const seen = new Set();

  const addBare = async (specifier, fromDir, importer) => {
    if (imports[specifier] !== undefined) return;
    if (NODE_BUILTINS.has(specifier)) {
      throw new Error(`${importer} imports the Node built-in "${specifier}": this entry must be browser-safe (move Node-only code to a separate entry such as ./parallel).`);
    }
    const { name, subpath } = splitSpecifier(specifier);
    const packageDir = packageDirectory(name, fromDir);
    if (name.startsWith('@em/')) {
      const { file } = distEntry(packageDir, subpath);
      const urlPath = `/packages/${name.slice(4)}/${relative(packageDir, file)}`;
      imports[specifier] = urlPath;
      queue.push({ file, urlPath, packageDir, packageName: name });
      return;
    }
    const urlPath = `/vendor/${specifier.replace(/[^a-zA-Z0-9._-]/g, '_')}.js`;
    imports[specifier] = urlPath;
    files.set(urlPath, { text: await vendorBundle(specifier, fromDir) });
  };

  for (const specifier of specifiers) await addBare(specifier, fromDirectory, 'the page');
  while (queue.length > 0) {
    const { file, urlPath, packageDir, packageName } = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    files.set(urlPath, { path: file });
    const mapFile = `${file}.map`;
    if (existsSync(mapFile)) files.set(`${urlPath}.map`, { path: mapFile });
    for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('./') || specifier.startsWith('../')) {
        const target = resolve(dirname(file), specifier);
        if (!existsSync(target)) throw new Error(`${relative(packageDir, file)} of ${packageName} imports ${specifier}, which does not exist.`);
        queue.push({ file: target, urlPath: `/packages/${packageName.slice(4)}/${relative(packageDir, target)}`, packageDir, packageName });
      } else {
        await addBare(specifier, packageDir, `${packageName} (${relative(packageDir, file)})`);
      }
    }
  }
  return { importMap: { imports }, files };
}
