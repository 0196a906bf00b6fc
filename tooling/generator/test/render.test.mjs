import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveNames, REPOSITORY_ROOT, renderPackage } from '../src/generate.mjs';

/** @param {ReturnType<typeof renderPackage>} files @param {string} path */
function contentOf(files, path) {
  const file = files.find((entry) => entry.path === path);
  if (file === undefined) throw new Error(`${path} was not generated; got ${files.map((entry) => entry.path).join(', ')}`);
  return file.content;
}

describe('deriveNames', () => {
  it('strips a trailing "-mixture" for the family and keeps the full name for the model', () => {
    const names = deriveNames('von-mises-mixture');
    expect(names.packageName).toBe('@em/von-mises-mixture');
    expect(names.familyName).toBe('von-mises');
    expect(names.familyClass).toBe('VonMisesFamily');
    expect(names.familyFile).toBe('von-mises-family');
    expect(names.createModel).toBe('createVonMisesMixtureModel');
    expect(names.modelKind).toBe('von-mises-mixture');
  });

  it('uses the whole name as the family when there is no "-mixture" suffix', () => {
    const names = deriveNames('student-t');
    expect(names.familyName).toBe('student-t');
    expect(names.familyClass).toBe('StudentTFamily');
    expect(names.modelType).toBe('StudentTModel');
  });
});

describe('renderPackage (full model)', () => {
  const files = renderPackage('poisson-mixture');

  it('renders the package layout of the repository', () => {
    expect(files.map((file) => file.path)).toEqual([
      'package.json',
      'tsconfig.json',
      'tsup.config.ts',
      'eslint.config.js',
      'vitest.config.ts',
      'README.md',
      'LICENSE',
      'src/index.ts',
      'src/poisson-family.ts',
      'src/options.ts',
      'src/poisson-mixture-model.ts',
      'src/poisson-mixture.ts',
      'src/worker.ts',
      'test/conformance.test.ts',
      'test/poisson-family.test.ts',
      'test/types.test-d.ts',
      'bench/bench.ts',
      'test/poisson-mixture.test.ts',
    ]);
  });

  it('writes a package.json that follows the publishing conventions', () => {
    const manifest = JSON.parse(contentOf(files, 'package.json'));
    expect(manifest.name).toBe('@em/poisson-mixture');
    expect(manifest.type).toBe('module');
    // Everything but the worker entry is side-effect free (a bundler would drop the worker's serveModels call).
    expect(manifest.sideEffects).toEqual(['./dist/worker.js', './src/worker.ts']);
    expect(manifest.license).toBe('MIT');
    expect(manifest.files).toEqual(['dist', 'README.md', 'LICENSE', 'CHANGELOG.md']);
    expect(manifest.author).toBe('the @em contributors');
    // Published exports are the source exports without the source-only condition.
    expect(manifest.publishConfig).toEqual({
      access: 'public',
      exports: {
        '.': { types: './dist/index.d.ts', default: './dist/index.js' },
        './worker': { types: './dist/worker.d.ts', default: './dist/worker.js' },
        './package.json': './package.json',
      },
    });
    expect(contentOf(files, 'LICENSE')).toContain('Copyright (c) 2026 the @em contributors');
    expect(manifest.engines).toEqual({ node: '^20.19.0 || ^22.0.0 || >=24.0.0' });
    expect(manifest.exports['.']).toEqual({ '@em/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' });
    expect(manifest.exports['./worker']).toEqual({ '@em/source': './src/worker.ts', types: './dist/worker.d.ts', default: './dist/worker.js' });
    expect(Object.keys(manifest.exports['.'])[0]).toBe('@em/source');
    expect(Object.keys(manifest.scripts).sort()).toEqual(['bench', 'build', 'lint', 'package-check', 'test', 'typecheck']);
    expect(manifest.scripts['package-check']).toContain('publint --strict');
    expect(manifest.scripts.bench).toBe('node --conditions=@em/source --import tsx bench/bench.ts');
    expect(manifest.dependencies).toEqual({ '@em/core': 'workspace:^' });
    expect(manifest.devDependencies['@em/conformance']).toBe('workspace:*');
  });

  it('builds both entries with tsup and extends the shared presets', () => {
    expect(contentOf(files, 'tsup.config.ts')).toContain(`entry: ['src/index.ts', 'src/worker.ts']`);
    // Regression: "@em/tsconfig/library.json" typechecked but vitest (oxc) could not resolve it.
    const { extends: base } = JSON.parse(contentOf(files, 'tsconfig.json'));
    expect(base).toBe('../../tooling/typescript/library.json');
    expect(existsSync(join(REPOSITORY_ROOT, 'packages', 'poisson-mixture', base)), 'the preset resolves from packages/<name>/').toBe(true);
    expect(contentOf(files, 'eslint.config.js')).toContain(`from '@em/eslint-config'`);
    expect(contentOf(files, 'vitest.config.ts')).toContain(`from '@em/vitest-config'`);
  });

  it('wires the family into createMixtureModel and exposes modelFromConfig to the worker entry', () => {
    const model = contentOf(files, 'src/poisson-mixture-model.ts');
    expect(model).toContain('createMixtureModel(new PoissonFamily(options)');
    expect(contentOf(files, 'src/options.ts')).toContain(`export const MODEL_KIND = 'poisson-mixture'`);
    expect(model).toContain('export function modelFromConfig(config: ModelConfig)');
    const worker = contentOf(files, 'src/worker.ts');
    expect(worker).toContain(`import { serveModels } from '@em/core/worker'`);
    expect(worker).toContain('serveModels(modelFromConfig)');
    expect(contentOf(files, 'src/index.ts')).toContain(`export * from './poisson-mixture-model.js'`);
    expect(contentOf(files, 'src/index.ts')).toContain(`export * from './poisson-mixture.js'`);
  });

  it('emits the estimator as a subclass of core\'s Estimator that re-implements nothing generic', () => {
    const estimator = contentOf(files, 'src/poisson-mixture.ts');
    expect(estimator).toContain('export class PoissonMixture extends Estimator<');
    expect(estimator).toContain('static readonly kind = MODEL_KIND;');
    for (const generic of ['fit(', 'fitAsync(', 'fitPredict(', 'predict(', 'predictProba(', 'score(', 'bic(', 'aic(', 'toJSON(', 'get isFitted', 'get lastFit']) {
      expect(estimator, generic).not.toContain(`  ${generic}`);
    }
  });

  it('puts every TODO(new-model) in the family and its tests, nowhere else', () => {
    const marked = files.filter((file) => file.content.includes('TODO')).map((file) => file.path);
    expect(marked).toEqual(['src/poisson-family.ts', 'test/poisson-family.test.ts']);
  });

  it('implements the ComponentFamily contract and marks every place to fill in', () => {
    const family = contentOf(files, 'src/poisson-family.ts');
    expect(family).toContain('export class PoissonFamily implements ComponentFamily<PoissonComponents, DenseMatrix, PoissonStatistics, PoissonPrepared>');
    expect(family.match(/TODO\(new-model\)/g)?.length ?? 0).toBeGreaterThanOrEqual(8);
    expect(family).not.toMatch(/\bany\b/);
    expect(family).not.toContain('Math.random');
  });

  it('wires the conformance test to describeEmConformance', () => {
    const test = contentOf(files, 'test/conformance.test.ts');
    expect(test).toContain(`import { describeEmConformance, seedArbitrary, simplexArbitrary, type ConformanceCase } from '@em/conformance'`);
    expect(test).toMatch(/describeEmConformance\('@em\/poisson-mixture', \{\n\s+model: \(testCase\) => modelFor\(testCase\.parameters\.weights\.length\),\n\s+arbitraryCase,\n\s+perturb,\n\}\);/);
    expect(test).toContain('return createPoissonMixtureModel({ components });');
  });

  it('names the package in the README and shows the estimator', () => {
    const readme = contentOf(files, 'README.md');
    expect(readme.startsWith('# @em/poisson-mixture\n')).toBe(true);
    expect(readme).toContain('npm install @em/poisson-mixture @em/core');
    expect(readme).toContain('new PoissonMixture({ components: 2, seed: 1, nInit: 3 })');
  });
});

describe('renderPackage (--family-only)', () => {
  const files = renderPackage('poisson-mixture', { familyOnly: true });

  it('leaves out the model factory and the worker entry', () => {
    const paths = files.map((file) => file.path);
    expect(paths).not.toContain('src/worker.ts');
    expect(paths).not.toContain('src/poisson-mixture-model.ts');
    expect(paths).toContain('src/poisson-family.ts');
    const manifest = JSON.parse(contentOf(files, 'package.json'));
    expect(Object.keys(manifest.exports)).toEqual(['.', './package.json']);
    expect(Object.keys(manifest.publishConfig.exports)).toEqual(['.', './package.json']);
    expect(contentOf(files, 'tsup.config.ts')).toContain(`entry: ['src/index.ts']`);
    expect(contentOf(files, 'src/index.ts')).not.toContain('model.js');
  });

  it('tests the family through core\'s generic mixture', () => {
    expect(contentOf(files, 'test/conformance.test.ts')).toContain('return createMixtureModel(new PoissonFamily(), { components });');
    expect(contentOf(files, 'test/poisson-family.test.ts')).toContain('createMixtureModel(new PoissonFamily(), { components: 2 })');
  });
});

describe('the generated package and the publishing checks', () => {
  it('passes tooling/check-package-manifest.mjs (LICENSE, author, keywords, published exports)', async () => {
    const { manifestProblems } = await import('../../check-package-manifest.mjs');
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    for (const familyOnly of [false, true]) {
      const directory = mkdtempSync(join(tmpdir(), 'em-manifest-'));
      try {
        for (const file of renderPackage('poisson-mixture', { familyOnly })) {
          if (file.path === 'package.json' || file.path === 'LICENSE') writeFileSync(join(directory, file.path), file.content);
        }
        expect(manifestProblems(directory)).toEqual([]);
        // The check can fail: a package without its LICENSE is reported.
        rmSync(join(directory, 'LICENSE'));
        expect(manifestProblems(directory)).toEqual([expect.stringContaining('LICENSE is missing')]);
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    }
  });
});
