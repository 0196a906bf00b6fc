// The generated package against the real workspace: it typechecks under the strict base config,
// lints clean with the shared preset, and its own tests (unit and conformance; types by the
// typecheck) pass as generated. It is written under tooling/generator/.generated/ — never into
// packages/ — and removed afterwards.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import sharedLintConfig from '@em/eslint-config';
import { REPOSITORY_ROOT } from '../src/generate.mjs';
import { GENERATED_ROOT, typeErrors, writeScratchPackage, writeScratchTsconfig, writeScratchVitestConfig } from './workspace-check.mjs';

const VITEST = join(REPOSITORY_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const NAME = 'scratch-exponential-mixture';

const variants = [
  { label: 'full model', familyOnly: false, directory: writeScratchPackage(NAME, { familyOnly: false }, 'full') },
  { label: 'family only', familyOnly: true, directory: writeScratchPackage(NAME, { familyOnly: true }, 'family') },
];
// A copy with a type error and a lint error planted, to show that both checks can fail.
const broken = writeScratchPackage(NAME, { familyOnly: false }, 'broken');
appendFileSync(join(broken, 'src', 'index.ts'), `export const plantedTypeError: number = 'not a number';\nexport const plantedAny = JSON.parse('1') as any;\n`);
writeScratchTsconfig([...variants.map((variant) => variant.directory), broken]);

afterAll(() => {
  rmSync(GENERATED_ROOT, { recursive: true, force: true });
});

describe('generated packages in the workspace', () => {
  it('find the packages they import', () => {
    for (const pkg of ['core', 'conformance']) {
      const entry = join(REPOSITORY_ROOT, 'packages', pkg, 'src', 'index.ts');
      expect(existsSync(entry), `${entry} is missing: generated packages import @em/${pkg}`).toBe(true);
    }
  });

  it('typecheck under the strict base tsconfig (sources, tests, type tests and benchmarks)', () => {
    const { files, errors } = typeErrors([...variants.map((variant) => variant.directory), broken]);
    const plantedErrors = errors.filter((error) => error.startsWith(`${broken}/`));
    expect(plantedErrors, 'the planted type error was not reported: the check cannot fail').toEqual([expect.stringContaining("Type 'string' is not assignable to type 'number'")]);
    expect(errors.filter((error) => !error.startsWith(`${broken}/`))).toEqual([]);
    for (const variant of variants) {
      expect(files.filter((file) => file.startsWith(`${variant.directory}/`)).length, variant.label).toBeGreaterThanOrEqual(variant.familyOnly ? 6 : 8);
    }
  });

  /** Lint messages of every .ts file of a scratch package, with the shared preset. */
  async function lintMessages(directory) {
    const eslint = new ESLint({ cwd: directory, overrideConfigFile: true, overrideConfig: sharedLintConfig });
    const results = await eslint.lintFiles(['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts']);
    expect(results.length).toBeGreaterThan(4);
    return results.flatMap((result) => result.messages.map((message) => `${result.filePath}:${message.line} ${message.ruleId ?? ''} ${message.message}`));
  }

  it.each(variants)('lint clean with the shared ESLint preset ($label)', async ({ directory }) => {
    expect(await lintMessages(directory)).toEqual([]);
  });

  it('fail the lint when a planted `any` is present (the lint check can fail)', async () => {
    expect(await lintMessages(broken)).toEqual([expect.stringContaining('@typescript-eslint/no-explicit-any')]);
  });

  it('run their benchmark, which prints figures (full model)', () => {
    const [full] = variants; // tsx resolves @em/* through the scratch tsconfig's paths
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/bench.ts'], {
      cwd: full.directory,
      encoding: 'utf8',
      env: { ...process.env, BENCH_ROWS: '500', BENCH_REPEATS: '1' },
    });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/E-step \(fused block pass\)\s+\d+\.\d{4} s/);
    expect(result.stdout).toMatch(/fit, 20 iterations\s+\d+\.\d{4} s/);
  });

  it.each(variants)('pass their own unit and conformance tests as generated ($label)', ({ directory }) => {
    const config = writeScratchVitestConfig(directory);
    const result = spawnSync(process.execPath, [VITEST, 'run', '--config', config], {
      cwd: directory,
      encoding: 'utf8',
      env: { ...process.env, EM_CONFORMANCE_RUNS: process.env.EM_CONFORMANCE_RUNS ?? '5', FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.status, output).toBe(0);
    expect(output).toMatch(/Tests\s+\d+ passed/);
    expect(output).toContain('EM conformance');
  });
});
