// Compiles (and lints) generated sources against the workspace without installing them: the
// package is written under tooling/generator/.generated/ (inside the repository, so vitest,
// fast-check and @types/node resolve from the root node_modules) and the @em/* packages are mapped
// to their sources with `paths`, exactly as the "@em/source" export condition would resolve them.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { REPOSITORY_ROOT, renderPackage } from '../src/generate.mjs';

export const GENERATED_ROOT = join(REPOSITORY_ROOT, 'tooling', 'generator', '.generated');

/** Writes the rendered package to .generated/<name>-<suffix>/ and returns its directory. */
export function writeScratchPackage(name, options, suffix) {
  const directory = join(GENERATED_ROOT, `${name}-${suffix}`);
  rmSync(directory, { recursive: true, force: true });
  for (const file of renderPackage(name, options)) {
    const target = join(directory, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
  }
  return directory;
}

/**
 * Writes the scratch tsconfig (strict base config, @em/* mapped to their sources with `paths`) and
 * points each scratch package's tsconfig.json at it, replacing the generated one-line file (which
 * needs the workspace link to @em/tsconfig). vite's transform and tsx read these files too.
 */
export function writeScratchTsconfig(directories) {
  const source = (pkg, entry) => [join(REPOSITORY_ROOT, 'packages', pkg, 'src', `${entry}.ts`)];
  const config = {
    extends: join(REPOSITORY_ROOT, 'tsconfig.base.json'),
    compilerOptions: {
      // The scratch packages read core's sources directly, so the root must contain both.
      rootDir: REPOSITORY_ROOT,
      paths: {
        '@em/core': source('core', 'index'),
        '@em/core/worker': source('core', 'worker'),
        '@em/core/parallel': source('core', 'parallel'),
        '@em/conformance': source('conformance', 'index'),
      },
    },
    include: ['*/src', '*/test', '*/bench'],
  };
  const configPath = join(GENERATED_ROOT, 'tsconfig.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  for (const directory of directories) writeFileSync(join(directory, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json' }));
  return configPath;
}

/**
 * Type errors of every .ts file of the given scratch packages, compiled together in one program
 * (core's sources are checked once). Call writeScratchTsconfig first.
 */
export function typeErrors(directories) {
  const configPath = join(GENERATED_ROOT, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, GENERATED_ROOT, undefined, configPath);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  // Only the generated files are under test (a concurrent edit elsewhere must not fail this check).
  const inScratch = (file) => directories.some((directory) => file.startsWith(`${directory}/`));
  const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program)].filter((diagnostic) => diagnostic.file === undefined || inScratch(diagnostic.file.fileName));
  return {
    files: program.getRootFileNames().filter(inScratch),
    errors: diagnostics.map((diagnostic) => {
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      if (diagnostic.file === undefined || diagnostic.start === undefined) return text;
      const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      return `${diagnostic.file.fileName}:${line + 1}:${character + 1} ${text}`;
    }),
  };
}

/**
 * Writes a vitest config that maps @em/* to their sources (the scratch package has no workspace
 * links) and returns its path; run with `vitest run --config <path>` in the scratch directory.
 */
export function writeScratchVitestConfig(directory) {
  const source = (pkg, entry) => join(REPOSITORY_ROOT, 'packages', pkg, 'src', `${entry}.ts`);
  const alias = [
    { find: /^@em\/core\/worker$/, replacement: source('core', 'worker') },
    { find: /^@em\/core\/parallel$/, replacement: source('core', 'parallel') },
    { find: /^@em\/core$/, replacement: source('core', 'index') },
    { find: /^@em\/conformance$/, replacement: source('conformance', 'index') },
  ];
  const text = `import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: [${alias.map((entry) => `{ find: ${entry.find}, replacement: ${JSON.stringify(entry.replacement)} }`).join(', ')}] },
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default'],
    testTimeout: 120000,
    // Types (test-d files included) are checked by typeErrors(), which is faster than a second tsc.
    typecheck: { enabled: false },
  },
});
`;
  const path = join(directory, 'vitest.scratch.config.mjs');
  writeFileSync(path, text);
  return path;
}
