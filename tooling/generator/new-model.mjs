#!/usr/bin/env node
// pnpm new-model <name> [--family-only] [--dry-run]
// Scaffolds packages/<name>: a model package that typechecks, lints and passes its tests as
// generated (with a placeholder family), with the conformance test already wired.
import { Buffer } from 'node:buffer';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { GeneratorError, generateModelPackage } from './src/generate.mjs';

const USAGE = `Usage: pnpm new-model <name> [--family-only] [--dry-run]

  <name>         kebab-case package name; the package is @em/<name> in packages/<name>
                 (e.g. poisson-mixture, von-mises-mixture)
  --family-only  scaffold only a ComponentFamily (for use in createMixtureModel and the HMM):
                 no mixture factory, no worker entry
  --dry-run      print the files that would be written, write nothing
  --root <dir>   repository root (default: this repository)
  --help         this text`;

function main() {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: {
        'family-only': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        root: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(`error: expected exactly one name, got ${positionals.length === 0 ? 'none' : positionals.map((p) => `"${p}"`).join(' ')}.\n\n${USAGE}`);
    return 1;
  }
  const [name] = positionals;
  try {
    const result = generateModelPackage({
      name,
      familyOnly: values['family-only'],
      dryRun: values['dry-run'],
      ...(values.root === undefined ? {} : { root: values.root }),
    });
    const shown = relative(process.cwd(), result.directory) || result.directory;
    console.log(result.written ? `Created @em/${name} in ${shown}:` : `Dry run: would create @em/${name} in ${shown}:`);
    for (const file of result.files) console.log(`  ${file.path} (${Buffer.byteLength(file.content)} bytes)`);
    if (result.written) {
      console.log(`
Next steps (contributing/adding-a-model.md has the full checklist):
  1. pnpm install                                   link the new workspace package
  2. pnpm --filter @em/${name} test                 the placeholder family passes as generated
  3. grep -rn "TODO(new-model)" ${shown}            every place to fill in
  4. pnpm changeset                                 describe the new package for its first release`);
    }
    return 0;
  } catch (error) {
    if (error instanceof GeneratorError) {
      console.error(`error: ${error.problem}\n  ${error.remedy}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main();
