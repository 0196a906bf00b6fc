import { describeEmConformance } from '@em/conformance';
import { conformanceOptions, VARIANTS } from './conformance-cases.js';
import { COVARIANCE_TYPES } from './helpers.js';

// The EM laws for every covariance type: plain maximum likelihood, with the covariance and
// weight priors and sample weights, and with the priors and missing values (NaN entries).
// EM_CONFORMANCE_RUNS=200 runs more cases.
const RUNS = 6;

for (const type of COVARIANCE_TYPES) {
  for (const variant of VARIANTS) {
    describeEmConformance(`gaussian mixture (${type}, ${variant})`, conformanceOptions(type, variant, RUNS));
  }
}
