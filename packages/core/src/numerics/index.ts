export * from './log-sum-exp.js';
export * from './cholesky.js';
export * from './weak-view.js';
