// Prints one closing line for the whole repository, "N passed, N failed[, N skipped]", from the
// JSON reports every package's vitest run writes to test-results/vitest.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
const packages = [];
for (const group of ['packages', 'apps', 'tooling']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const report = join(dir, name, 'test-results', 'vitest.json');
    if (!existsSync(report)) continue;
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed += json.numPassedTests ?? 0;
    failed += json.numFailedTests ?? 0;
    skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    packages.push(`${group}/${name}: ${json.numPassedTests ?? 0}/${json.numTotalTests ?? 0}`);
  }
}
console.log(`tests by package: ${packages.join(', ')}`);
if (passed + failed === 0) {
  console.log('0 passed, 0 failed');
  console.error('No test reports were found: did the test task run?');
  process.exit(1);
}
console.log(skipped > 0 ? `${passed} passed, ${failed} failed, ${skipped} skipped` : `${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
