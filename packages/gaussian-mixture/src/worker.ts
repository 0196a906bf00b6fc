// Worker-thread entry: rebuilds Gaussian mixture models from their config and serves E-steps.
// Pass `new URL('@em/gaussian-mixture/worker', import.meta.url)` (or the resolved file) to createWorkerExecutor.
import { serveModels } from '@em/core/worker';
import { modelFromConfig } from './index.js';

serveModels(modelFromConfig);
