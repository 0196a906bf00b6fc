export * from './settings.js';
export * from './input.js';
export * from './estimator.js';
