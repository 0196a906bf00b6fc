// Worker-thread entry: rebuilds HMMs from their config and serves E-steps (see @em/core/parallel).
import { serveModels } from '@em/core/worker';
import { modelFromConfig } from './index.js';

serveModels(modelFromConfig);
