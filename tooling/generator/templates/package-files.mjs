// Templates: the package's configuration files, following packages/core (source-first "@em/source"
// export condition, ESM only, no side effects but the worker entry's, dist-only "files", shared presets).

import { readFileSync } from 'node:fs';

/**
 * @param {import('../src/names.mjs').ModelNames} names
 * @param {{ familyOnly: boolean }} options
 */
export function packageJson(names, options) {
  /** @param {string} entry */
  const entry = (entry) => ({ '@em/source': `./src/${entry}.ts`, types: `./dist/${entry}.d.ts`, default: `./dist/${entry}.js` });
  /** @param {string} entry  What is published: no "@em/source" (src/ is not shipped). */
  const publishedEntry = (entry) => ({ types: `./dist/${entry}.d.ts`, default: `./dist/${entry}.js` });
  const description = options.familyOnly
    ? `The ${names.familyName} component family for @em mixtures and HMMs.`
    : `${names.title} models fitted by EM, on the @em core.`;
  const json = {
    name: names.packageName,
    version: '0.0.0',
    description,
    license: 'MIT',
    author: 'the @em contributors',
    type: 'module',
    // The worker entry's serveModels call is its whole point: bundlers must keep it.
    sideEffects: options.familyOnly ? false : ['./dist/worker.js', './src/worker.ts'],
    engines: { node: '^20.19.0 || ^22.0.0 || >=24.0.0' },
    keywords: ['expectation-maximization', 'em', 'mixture-model', names.familyName],
    exports: {
      '.': entry('index'),
      ...(options.familyOnly ? {} : { './worker': entry('worker') }),
      './package.json': './package.json',
    },
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist', 'README.md', 'LICENSE', 'CHANGELOG.md'],
    scripts: {
      build: 'tsup',
      typecheck: 'tsc -p tsconfig.json',
      lint: 'eslint .',
      test: 'vitest run',
      bench: 'node --conditions=@em/source --import tsx bench/bench.ts',
      'package-check': 'node ../../tooling/check-package-manifest.mjs && publint --strict && attw --pack . --profile esm-only --quiet',
    },
    dependencies: { '@em/core': 'workspace:^' },
    devDependencies: {
      '@em/conformance': 'workspace:*',
      '@em/eslint-config': 'workspace:*',
      '@em/tsconfig': 'workspace:*',
      '@em/vitest-config': 'workspace:*',
      'fast-check': '^4.3.0',
      tsx: '^4.20.0',
      vitest: '^4.0.0',
    },
    publishConfig: {
      access: 'public',
      exports: {
        '.': publishedEntry('index'),
        ...(options.familyOnly ? {} : { './worker': publishedEntry('worker') }),
        './package.json': './package.json',
      },
    },
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

// By relative path, as every package does: Vite's oxc transform (vitest) does not follow pnpm's
// symlink to resolve "extends": "@em/tsconfig/…" and fails with TSCONFIG_ERROR before any test runs.
export function tsconfigJson() {
  return `${JSON.stringify({ extends: '../../tooling/typescript/library.json' }, null, 2)}\n`;
}

/** @param {{ familyOnly: boolean }} options */
export function tsupConfig(options) {
  const entries = options.familyOnly ? `['src/index.ts']` : `['src/index.ts', 'src/worker.ts']`;
  return `import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ${entries},
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Neutral: the main entry must run in Node and in browsers (no Node built-ins).
  platform: 'neutral',
  external: [/^@em\\//],
});
`;
}

export function eslintConfig() {
  return `export { default } from '@em/eslint-config';\n`;
}

export function vitestConfig() {
  return `export { default } from '@em/vitest-config';\n`;
}

/** The repository's MIT licence, shipped in the package ("files" lists it). */
export function licenseText() {
  return readFileSync(new URL('../../../LICENSE', import.meta.url), 'utf8');
}
