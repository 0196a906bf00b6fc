export * from './dense-matrix.js';
export * from './csr-matrix.js';
export * from './sequences.js';
export * from './source.js';
export * from './array-source.js';
export * from './reservoir.js';
