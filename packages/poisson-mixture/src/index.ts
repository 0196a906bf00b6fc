// @em/poisson-mixture — public API. Browser-safe: no Node built-ins in this entry.
export * from './poisson-family.js';
export * from './options.js';
export * from './poisson-mixture-model.js';
export * from './poisson-mixture.js';
