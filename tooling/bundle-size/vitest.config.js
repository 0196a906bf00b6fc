import { emVitestConfig } from '@em/vitest-config';

// Plain ESM JavaScript (no build step), so the tests are .test.mjs files. Bundling takes seconds on
// a loaded machine, hence the timeout.
export default emVitestConfig({ include: ['test/**/*.test.mjs'], typecheck: { enabled: false }, testTimeout: 120_000 });
