// Worker-thread entry for the benchmark: loads the TypeScript worker (src/worker.ts) through tsx,
// because loader hooks given to the main thread with --import do not reach worker threads here.
import { register } from 'tsx/esm/api';

register();
await import('../src/worker.ts');
