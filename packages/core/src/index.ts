// @em/core — the EM contract, its algebra, fit loops and numerics. Browser-safe: no Node APIs here
// (worker threads live in the "@em/core/parallel" and "@em/core/worker" entries).
/**
 * The EM contract (`EmModel`), statistics algebra, fit loops (batch, incremental, stepwise, SQUAREM),
 * convergence monitor, typed errors, memory budget, numerics and data containers shared by every
 * `@em` model. Browser-safe.
 *
 * @packageDocumentation
 * @module @em/core
 */
export * from './errors.js';
export * from './random.js';
export * from './contract.js';
export * from './family.js';
export * from './statistics/index.js';
export * from './numerics/index.js';
export * from './data/index.js';
export * from './mixture/mixture-model.js';
export * from './mixture/sparse-estep.js';
export * from './mixture/mixture-family.js';
export * from './mixture/mixture-parameter-map.js';
export * from './unconstrained/index.js';
export * from './clustering/kmeans.js';
export * from './fit/defaults.js';
export * from './fit/monitor.js';
export * from './fit/types.js';
export * from './fit/engine.js';
export * from './fit/fit.js';
export * from './fit/squarem.js';
export * from './fit/sparse-em.js';
export * from './fit/stepwise.js';
export * from './fit/stream.js';
export * from './executor/executor.js';
export * from './executor/worker-plan.js';
export { packageWorkerEntry, workerEntryProblem } from './executor/worker-entry.js';
export { availableParallelism } from './executor/platform.js';
export { loadParallel } from './executor/load-parallel.js';
export * from './model-selection.js';
export * from './persistence.js';
export * from './memory-budget.js';
export * from './estimator/index.js';
