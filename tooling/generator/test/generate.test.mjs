import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GeneratorError, generateModelPackage, renderPackage } from '../src/generate.mjs';

const CLI = fileURLToPath(new URL('../new-model.mjs', import.meta.url));

/** A throw-away repository root with an empty packages/ directory. */
let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'em-generator-'));
  mkdirSync(join(root, 'packages'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Every file under `directory`, relative, sorted. */
function listFiles(directory, prefix = '') {
  return readdirSync(directory, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(directory, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]))
    .sort();
}

describe('generateModelPackage', () => {
  it('writes exactly the rendered files into packages/<name>', () => {
    const result = generateModelPackage({ name: 'poisson-mixture', root });
    expect(result.written).toBe(true);
    const directory = join(root, 'packages', 'poisson-mixture');
    expect(result.directory).toBe(directory);
    const rendered = renderPackage('poisson-mixture');
    expect(listFiles(directory)).toEqual(rendered.map((file) => file.path).sort());
    for (const file of rendered) expect(readFileSync(join(directory, file.path), 'utf8')).toBe(file.content);
  });

  it('refuses to overwrite an existing package directory', () => {
    mkdirSync(join(root, 'packages', 'poisson-mixture'));
    writeFileSync(join(root, 'packages', 'poisson-mixture', 'keep.txt'), 'mine');
    expect(() => generateModelPackage({ name: 'poisson-mixture', root })).toThrow(GeneratorError);
    expect(() => generateModelPackage({ name: 'poisson-mixture', root })).toThrow(/already exists/);
    expect(listFiles(join(root, 'packages', 'poisson-mixture'))).toEqual(['keep.txt']);
  });

  it('refuses a name already used by a workspace package elsewhere', () => {
    mkdirSync(join(root, 'tooling', 'poisson-mixture-tools'), { recursive: true });
    writeFileSync(join(root, 'tooling', 'poisson-mixture-tools', 'package.json'), JSON.stringify({ name: '@em/poisson-mixture' }));
    expect(() => generateModelPackage({ name: 'poisson-mixture', root })).toThrow(/already named @em\/poisson-mixture/);
  });

  it('writes nothing on a dry run', () => {
    const result = generateModelPackage({ name: 'poisson-mixture', root, dryRun: true });
    expect(result.written).toBe(false);
    expect(result.files.length).toBeGreaterThan(0);
    expect(existsSync(join(root, 'packages', 'poisson-mixture'))).toBe(false);
  });
});

describe('new-model CLI', () => {
  /** @param {string[]} args */
  const run = (args) => spawnSync(process.execPath, [CLI, ...args, '--root', root], { encoding: 'utf8' });

  it('creates the package and prints the next steps', () => {
    const result = run(['poisson-mixture']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Created @em/poisson-mixture');
    expect(result.stdout).toContain('pnpm install');
    expect(existsSync(join(root, 'packages', 'poisson-mixture', 'src', 'poisson-family.ts'))).toBe(true);
  });

  it('lists the files on --dry-run and writes nothing', () => {
    const result = run(['poisson-mixture', '--dry-run', '--family-only']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Dry run: would create @em/poisson-mixture');
    expect(result.stdout).toContain('src/poisson-family.ts');
    expect(result.stdout).not.toContain('src/worker.ts');
    expect(existsSync(join(root, 'packages', 'poisson-mixture'))).toBe(false);
  });

  it('exits 1 with the problem and the remedy for a bad name', () => {
    const result = run(['PoissonMixture']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('error: "PoissonMixture" is not kebab-case');
    expect(result.stderr).toContain('Did you mean "poisson-mixture"?');
  });

  it('exits 1 with the usage for a missing name or an unknown flag', () => {
    expect(run([]).status).toBe(1);
    expect(run([]).stderr).toContain('Usage: pnpm new-model <name>');
    const unknown = run(['poisson-mixture', '--frobnicate']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('Usage: pnpm new-model <name>');
  });
});
