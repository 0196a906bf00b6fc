#!/usr/bin/env node
// Thin launcher: the command-line tool lives in dist/ (built by tsup from src/).
let cli;
try {
  cli = await import('../dist/index.js');
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write(`em: error: the CLI is not built (${error.message.split('\n')[0]}). Run \`pnpm turbo run build --filter=@em/cli...\` from the repository root first.\n`);
    process.exit(1);
  }
  throw error;
}
await cli.runFromProcess();
