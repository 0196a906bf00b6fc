// Shared Vitest preset: resolve workspace packages through their "@em/source" export condition, so
// tests run against src/ (no stale dist/), and keep property-test seeds visible in the output.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** @param {import('vitest/config').UserConfig['test']} [overrides] */
export function emVitestConfig(overrides = {}) {
  return defineConfig({
    resolve: { conditions: ['@em/source'] },
    ssr: { resolve: { conditions: ['@em/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      // The JSON report feeds the repository-wide "N passed, N failed" line (tooling/test-summary.mjs).
      reporters: ['default', 'json'],
      outputFile: { json: './test-results/vitest.json' },
      testTimeout: 120_000,
      hookTimeout: 120_000,
      typecheck: { enabled: true, include: ['**/*.test-d.ts'] },
      // Compiles changed AssemblyScript kernels first (tooling/kernels).
      globalSetup: [fileURLToPath(new URL('./kernels-setup.js', import.meta.url))],
      ...overrides,
    },
  });
}

export default emVitestConfig();
