// Worker-thread entry: rebuilds Gaussian mixture models from their config and serves E-steps.
// Pass `import.meta.resolve('@em/gaussian-mixture/worker')` (or, in a bundled app, the URL of a worker
// that imports '@em/gaussian-mixture/worker') to createWorkerExecutor. This file is nothing but its
// side effect, so package.json lists it in "sideEffects" (bundlers would drop it otherwise).
import { serveModels } from '@em/core/worker';
import { modelFromConfig } from './index.js';

serveModels(modelFromConfig);
