import { emVitestConfig } from '@em/vitest-config';

// The generator is plain ESM JavaScript (no build step), so its tests are .test.mjs files. Type
// tests of generated packages are compiled by test/workspace-check.mjs, not by this run.
export default emVitestConfig({ include: ['test/**/*.test.mjs'], typecheck: { enabled: false } });
