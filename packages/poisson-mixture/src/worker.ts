// Worker-thread entry of @em/poisson-mixture: rebuilds models from their config and serves E-steps.
// Used as createWorkerExecutor({ workerUrl: import.meta.resolve('@em/poisson-mixture/worker'), workers: 2 }).
import { serveModels } from '@em/core/worker';
import { modelFromConfig } from './index.js';

serveModels(modelFromConfig);
