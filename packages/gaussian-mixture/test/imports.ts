export { DenseMatrix, fitEm, fitEmIncremental, Random } from '@em/core';
export { gaussianMixtureModel } from '../src/index.js';
