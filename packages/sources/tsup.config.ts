import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The main entry runs in Node and in browsers: no Node built-ins.
    entry: ['src/index.ts', 'src/columnar.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    external: [/^@em\//, 'hyparquet', 'apache-arrow'],
  },
  {
    // The Node entry opens files, spools stdin and picks a reader by file name.
    entry: ['src/node.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: false,
    target: 'es2022',
    platform: 'node',
    external: [/^@em\//, 'hyparquet', 'apache-arrow'],
  },
]);
