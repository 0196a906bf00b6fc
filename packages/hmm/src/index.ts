export * from './parameters.js';
export * from './forward-backward.js';
export * from './viterbi.js';
export * from './hmm-model.js';
