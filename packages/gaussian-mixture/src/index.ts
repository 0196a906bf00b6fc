// @em/gaussian-mixture — Gaussian mixture models on @em/core.
export {
  COVARIANCE_TYPES,
  covarianceLength,
  covarianceParameterCount,
  denseCovariance,
  validateGaussianComponents,
  type CovarianceType,
  type GaussianComponents,
} from './gaussian-components.js';
export { covarianceLogPrior } from './covariance-prior.js';
export {
  COVARIANCE_ALIASES,
  COVARIANCE_MODELS,
  covarianceModelOf,
  covarianceModelParameterCount,
  isCovarianceModel,
  mclustParameterCount,
  resolveCovarianceModel,
  storageOf,
  type CovarianceModel,
  type CovarianceOption,
} from './constrained/covariance-models.js';
export { CONSTRAINT_TOLERANCE, decomposeCovariances, validateCovarianceConstraint, type CovarianceDecomposition } from './constrained/covariance-constraint.js';
export { constrainedStepOf } from './constrained/constrained-maximization.js';
export type { GaussianStatistics, ScatterLayout } from './gaussian-statistics.js';
export type { PreparedGaussian } from './prepared-gaussian.js';
export { gaussianFamily, gaussianFamilyFromConfig, gaussianFamilyOf, type GaussianFamily } from './gaussian-family.js';
export { INITIALIZATION_METHODS, kmeansPlusPlus, type InitializationMethod } from './initialization.js';
export {
  cutTree,
  hierarchicalClassification,
  hierarchicalClustering,
  hierarchicalTreeOf,
  svdTransform,
  type HierarchicalClusteringOptions,
  type HierarchicalTree,
} from './hierarchical-clustering.js';
export { gaussianMixtureModel, gaussianMixtureModelOf, modelFromConfig, type GaussianMixtureEmModel } from './gaussian-mixture-model.js';
export {
  fromNestedParameters,
  toNestedParameters,
  type GaussianMixtureInitialParameters,
  type GaussianMixtureParameters,
  type GaussianMixtureState,
  type NestedNumbers,
} from './parameters.js';
export { GaussianMixture, gaussianEStepWork, type GaussianMixtureData, type GaussianMixtureFitOptions, type GaussianMixtureFitSummary } from './gaussian-mixture.js';
export {
  DEFAULT_REG_COVAR,
  GAUSSIAN_MIXTURE_KIND,
  gaussianFamilyOptionsFromConfig,
  gaussianFamilyToConfig,
  gaussianMixtureFromConfig,
  gaussianMixtureToConfig,
  resolveGaussianFamilyOptions,
  resolveGaussianMixtureOptions,
  type GaussianFamilyOptions,
  type GaussianMixtureModelOptions,
  type GaussianMixtureOptions,
  type ResolvedGaussianFamilyOptions,
  type ResolvedGaussianMixtureOptions,
} from './options.js';
export { LARGEST_DATA_VALUE } from './value-limit.js';
export { selectGaussianMixture, type SelectGaussianMixtureOptions, type SelectionResult, type SelectionTableRow } from './select.js';
export {
  MIN_CELLS_FOR_WORKERS,
  SELECT_CELL_TASK,
  selectGaussianMixtureAsync,
  selectionPlan,
  type SelectCellPayload,
  type SelectCellReply,
  type SelectGaussianMixtureAsyncOptions,
  type SelectionParallelism,
  type SelectionPlan,
} from './select-async.js';
