import { emVitestConfig } from '@em/vitest-config';

// The compiler step is plain ESM JavaScript (no build step), so its tests are .test.mjs files.
export default emVitestConfig({ include: ['test/**/*.test.mjs'], typecheck: { enabled: false } });
