import { defaultClientConditions, defineConfig } from 'vite';

// Workspace packages are read from source through their "@em/source" export condition, so the
// demo never runs against a stale dist/ of @em/core or a model package.
export default defineConfig({
  base: './',
  resolve: { conditions: ['@em/source', ...defaultClientConditions] },
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 800 },
  // The workers are module workers ({ type: 'module' }); ES output lets their bundles split chunks
  // (selectGaussianMixtureAsync imports @em/core/parallel lazily), which the default IIFE cannot.
  worker: { format: 'es' },
});
