import { describeEmConformance } from '@em/conformance';
import { VARIANTS } from './conformance-cases.js';
import { constrainedConformanceOptions } from './constrained-cases.js';
import { COVARIANCE_MODELS } from './helpers.js';

// The EM laws for each of mclust's fourteen models (the four classic ones again under their mclust
// names, through the model-aware option path), with and without the priors, in D = 3.
// EM_CONFORMANCE_RUNS=200 runs more cases.
const RUNS = 4;

for (const model of COVARIANCE_MODELS) {
  for (const variant of VARIANTS) {
    describeEmConformance(`gaussian mixture (${model}, ${variant})`, constrainedConformanceOptions(model, variant, RUNS));
  }
}
