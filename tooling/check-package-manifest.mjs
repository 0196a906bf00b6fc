#!/usr/bin/env node
// Publishing conventions that publint and attw do not know about, checked in every published
// package's `package-check` (run from the package directory): the MIT LICENSE file is shipped, the
// author and keywords are set, no repository/homepage/bugs address is invented before the project
// has one, and the published exports are the source exports without the "@em/source" condition
// (pnpm pack/publish substitute `publishConfig.exports`; the condition points at src/, which is not
// shipped).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const AUTHOR = 'the @em contributors';

/** Drops the source-only export condition, recursively. */
export function withoutSourceCondition(exports) {
  if (exports === null || typeof exports !== 'object') return exports;
  return Object.fromEntries(Object.entries(exports).filter(([key]) => key !== '@em/source').map(([key, value]) => [key, withoutSourceCondition(value)]));
}

/** Every broken convention of the package in `directory`, as sentences (empty when all hold). */
export function manifestProblems(directory) {
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
  const problems = [];
  if (manifest.license !== 'MIT') problems.push('"license" must be "MIT".');
  if (manifest.author !== AUTHOR) problems.push(`"author" must be "${AUTHOR}".`);
  if (!Array.isArray(manifest.keywords) || manifest.keywords.length === 0) problems.push('"keywords" must list a few search terms.');
  for (const field of ['repository', 'homepage', 'bugs']) {
    if (field in manifest) problems.push(`"${field}" must not be set until the project has a public address.`);
  }
  if (!existsSync(join(directory, 'LICENSE'))) problems.push('LICENSE is missing: copy the repository root LICENSE.');
  else if (!readFileSync(join(directory, 'LICENSE'), 'utf8').includes(`Copyright (c) 2026 ${AUTHOR}`)) problems.push(`LICENSE must be the MIT licence with "Copyright (c) 2026 ${AUTHOR}".`);
  if (!Array.isArray(manifest.files) || !manifest.files.includes('LICENSE')) problems.push('"files" must include "LICENSE".');
  const expected = withoutSourceCondition(manifest.exports);
  const published = manifest.publishConfig?.exports;
  if (JSON.stringify(published) !== JSON.stringify(expected)) {
    problems.push(`"publishConfig.exports" must be "exports" without the "@em/source" condition: ${JSON.stringify(expected)}.`);
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const directory = process.argv[2] ?? process.cwd();
  const problems = manifestProblems(directory);
  if (problems.length > 0) {
    console.error(`package.json of ${directory}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    process.exitCode = 1;
  }
}
