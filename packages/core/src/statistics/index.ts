export * from './algebra.js';
