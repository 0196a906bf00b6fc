// Worker-thread entry: rebuilds Gaussian mixture models from their config and serves E-steps.
// Pass `import.meta.resolve('@em/gaussian-mixture/worker')` (or, in a bundled app, the URL of a worker
// that imports '@em/gaussian-mixture/worker') to createWorkerExecutor. This file is nothing but its
// side effect, so package.json lists it in "sideEffects" (bundlers would drop it otherwise).
import { serveModels } from '@em/core/worker';
import { modelFromConfig } from './index.js';
import { SELECT_CELL_TASK, type SelectCellPayload } from './select-async.js';
import { fitSelectionCell } from './select-cell.js';

// Besides E-steps: whole model-selection cells (selectGaussianMixtureAsync with parallel 'cells').
serveModels(modelFromConfig, { tasks: { [SELECT_CELL_TASK]: (payload) => fitSelectionCell(payload as SelectCellPayload) } });
