// Renders and writes a new model package. Pure rendering (renderPackage) is separate from the
// file system (generateModelPackage) so tests can check contents without touching the repository.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { conformanceTest } from '../templates/conformance-test.mjs';
import { estimatorSource } from '../templates/estimator-source.mjs';
import { familySource } from '../templates/family-source.mjs';
import { indexSource, workerSource } from '../templates/index-source.mjs';
import { modelSource } from '../templates/model-source.mjs';
import { optionsSource } from '../templates/options-source.mjs';
import { eslintConfig, licenseText, packageJson, tsconfigJson, tsupConfig, vitestConfig } from '../templates/package-files.mjs';
import { readme } from '../templates/readme.mjs';
import { benchmark, estimatorTest, familyTest, typeTest } from '../templates/tests.mjs';
import { deriveNames, GeneratorError, validateModelName } from './names.mjs';

export { deriveNames, GeneratorError, validateModelName } from './names.mjs';

/** The repository this generator lives in (tooling/generator/src → repository root). */
export const REPOSITORY_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * @typedef {object} RenderOptions
 * @property {boolean} [familyOnly]  only a ComponentFamily (no mixture factory, no worker entry)
 */

/**
 * Every file of the package, relative to packages/<name>/, in a stable order.
 * @param {string} name @param {RenderOptions} [options]
 * @returns {{ path: string, content: string }[]}
 */
export function renderPackage(name, options = {}) {
  validateModelName(name);
  const settings = { familyOnly: options.familyOnly === true };
  const names = deriveNames(name);
  /** @type {{ path: string, content: string }[]} */
  const files = [
    { path: 'package.json', content: packageJson(names, settings) },
    { path: 'tsconfig.json', content: tsconfigJson() },
    { path: 'tsup.config.ts', content: tsupConfig(settings) },
    { path: 'eslint.config.js', content: eslintConfig() },
    { path: 'vitest.config.ts', content: vitestConfig() },
    { path: 'README.md', content: readme(names, settings) },
    { path: 'LICENSE', content: licenseText() },
    { path: 'src/index.ts', content: indexSource(names, settings) },
    { path: `src/${names.familyFile}.ts`, content: familySource(names, settings) },
  ];
  if (!settings.familyOnly) {
    files.push({ path: 'src/options.ts', content: optionsSource(names) });
    files.push({ path: `src/${names.modelFile}.ts`, content: modelSource(names) });
    files.push({ path: `src/${names.estimatorFile}.ts`, content: estimatorSource(names) });
    files.push({ path: 'src/worker.ts', content: workerSource(names) });
  }
  files.push(
    { path: 'test/conformance.test.ts', content: conformanceTest(names, settings) },
    { path: `test/${names.familyFile}.test.ts`, content: familyTest(names, settings) },
    { path: 'test/types.test-d.ts', content: typeTest(names, settings) },
    { path: 'bench/bench.ts', content: benchmark(names, settings) },
  );
  if (!settings.familyOnly) files.push({ path: `test/${names.estimatorFile}.test.ts`, content: estimatorTest(names) });
  return files;
}

/** Names of every workspace package (packages/*, apps/*, tooling/*). @param {string} root */
function workspacePackageNames(root) {
  const found = new Set();
  for (const group of ['packages', 'apps', 'tooling']) {
    const directory = join(root, group);
    if (!existsSync(directory)) continue;
    for (const entry of readdirSync(directory)) {
      const manifest = join(directory, entry, 'package.json');
      if (!existsSync(manifest)) continue;
      try {
        found.add(JSON.parse(readFileSync(manifest, 'utf8')).name);
      } catch {
        // An unreadable manifest is another package's problem; the directory check below still applies.
      }
    }
  }
  return found;
}

/**
 * @typedef {object} GenerateOptions
 * @property {string} name
 * @property {string} [root]        repository root (default: the one this generator lives in)
 * @property {boolean} [familyOnly]
 * @property {boolean} [dryRun]     render and report, write nothing
 */

/**
 * Validates the name against the repository and writes packages/<name>/ (unless dryRun).
 * @param {GenerateOptions} options
 * @returns {{ directory: string, files: { path: string, content: string }[], written: boolean }}
 */
export function generateModelPackage(options) {
  const root = options.root ?? REPOSITORY_ROOT;
  const files = renderPackage(options.name, { familyOnly: options.familyOnly === true });
  const directory = join(root, 'packages', options.name);
  if (existsSync(directory)) {
    throw new GeneratorError(`${relative(process.cwd(), directory) || directory} already exists.`, 'Pick another name, or delete that directory first if it is an abandoned attempt.');
  }
  if (workspacePackageNames(root).has(`@em/${options.name}`)) {
    throw new GeneratorError(`A workspace package is already named @em/${options.name}.`, 'Pick another name.');
  }
  if (options.dryRun === true) return { directory, files, written: false };
  for (const file of files) {
    const target = join(directory, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content, { flag: 'wx' });
  }
  return { directory, files, written: true };
}
