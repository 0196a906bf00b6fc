import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/worker.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Neutral: the main entry must run in Node and in browsers (no Node built-ins).
  platform: 'neutral',
  external: [/^@em\//],
});
