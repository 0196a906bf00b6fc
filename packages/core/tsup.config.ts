import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/parallel.ts', 'src/worker.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['ml-matrix'],
});
