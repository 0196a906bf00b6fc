import { describeEmConformance } from '../src/index.js';
import { correctModel, correctModelWithPrior } from './fixtures/broken-models.js';
import { perturbPoisson, poissonCaseArbitrary } from './fixtures/poisson-cases.js';

// The kit passes on a correct model: a Poisson mixture written over core's createMixtureModel,
// first by maximum likelihood, then with a Gamma prior on the rates and a Dirichlet prior on the weights.
describeEmConformance('poisson mixture', {
  model: correctModel,
  arbitraryCase: poissonCaseArbitrary(),
  perturb: perturbPoisson,
});

describeEmConformance('poisson mixture with priors', {
  model: correctModelWithPrior,
  arbitraryCase: poissonCaseArbitrary(),
  perturb: perturbPoisson,
});
