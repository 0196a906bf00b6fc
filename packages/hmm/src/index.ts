// @em/hmm — hidden Markov models by Baum–Welch over any @em component family.
export * from './parameters.js';
export * from './forward-backward.js';
export * from './scaled-densities.js';
export * from './viterbi.js';
export * from './hmm-model.js';
export * from './kmeans.js';
export * from './stationary.js';
export * from './emission-registry.js';
export * from './emission-spec.js';
export * from './options.js';
export * from './hmm.js';
export * from './sequence-source.js';
export * from './stream-fit.js';
export * from './checkpointed-forward-backward.js';
