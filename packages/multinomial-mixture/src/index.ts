// @em/multinomial-mixture — mixtures of multinomials (counts), categoricals (latent class analysis)
// and Bernoullis (binary vectors): three component families on @em/core's one mixture implementation.
export * from './count-matrix.js';
export * from './multinomial-family.js';
export * from './bernoulli-family.js';
export * from './categorical-family.js';
export * from './multinomial-coefficient.js';
export * from './kmeans-plus-plus.js';
export * from './multinomial-mixture-model.js';
export * from './categorical-mixture-model.js';
export * from './bernoulli-mixture-model.js';
export * from './options.js';
export * from './table-budget.js';
export * from './random-prototypes.js';
export * from './probability-table-mixture.js';
export * from './multinomial-mixture.js';
export * from './bernoulli-mixture.js';
export * from './categorical-mixture.js';
export { weightsFromPlain } from './plain-parameters.js';
