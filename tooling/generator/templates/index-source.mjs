// Templates: src/index.ts (the public surface) and src/worker.ts (the worker-thread entry).

/**
 * @param {import('../src/names.mjs').ModelNames} names
 * @param {{ familyOnly: boolean }} options
 */
export function indexSource(names, options) {
  const lines = [
    `// ${names.packageName} — public API. Browser-safe: no Node built-ins in this entry.`,
    `export * from './${names.familyFile}.js';`,
  ];
  if (!options.familyOnly) lines.push(`export * from './options.js';`, `export * from './${names.modelFile}.js';`, `export * from './${names.estimatorFile}.js';`);
  return `${lines.join('\n')}\n`;
}

/** @param {import('../src/names.mjs').ModelNames} names */
export function workerSource(names) {
  return `// Worker-thread entry of ${names.packageName}: rebuilds models from their config and serves E-steps.
// Used as createWorkerExecutor({ workerUrl: import.meta.resolve('${names.packageName}/worker'), workers: 2 }).
import { serveModels } from '@em/core/worker';
import { modelFromConfig } from './index.js';

serveModels(modelFromConfig);
`;
}
