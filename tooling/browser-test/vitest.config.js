import { emVitestConfig } from '@em/vitest-config';

// Plain ESM JavaScript served to the browser as is, so tests are .test.mjs. The packages under
// test are imported from their built dist/ (in the browser and in a child Node process), never
// through the "@em/source" condition.
export default emVitestConfig({ include: ['test/**/*.test.mjs'], typecheck: { enabled: false } });
