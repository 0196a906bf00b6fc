import { type DenseMatrix, type EmModel, type MixtureData, type MixtureParameters, type Statistics } from '@em/core';
import {
  COVARIANCE_TYPES,
  denseCovariance,
  gaussianMixtureModel,
  INITIALIZATION_METHODS,
  type CovarianceOption,
  type GaussianComponents,
  type GaussianMixtureEmModel,
  type InitializationMethod,
} from '@em/gaussian-mixture';

export type { InitializationMethod } from '@em/gaussian-mixture';
/** A covariance choice: one of mclust's fourteen models or a classic alias (full, tied, diagonal, spherical). */
export type CovarianceType = CovarianceOption;
export const covarianceTypes: readonly CovarianceType[] = COVARIANCE_TYPES;
export const initializationMethods: readonly InitializationMethod[] = INITIALIZATION_METHODS;

export interface DemoMixtureOptions {
  readonly components: number;
  readonly covariance: CovarianceType;
  readonly initialization: InitializationMethod;
}

/** What the plots need from Gaussian mixture parameters: every covariance type expanded to full matrices. */
export interface MixtureView {
  readonly dimension: number;
  readonly weights: Float64Array;
  /** K×d, row-major. */
  readonly means: Float64Array;
  /** K×d×d, row-major. */
  readonly covariances: Float64Array;
}

export type DemoData = MixtureData<DenseMatrix>;

/** The EM model the page drives, plus the two read-outs the plots need. */
export interface DemoMixture<P, S extends Statistics> {
  readonly model: EmModel<P, DemoData, S>;
  view(parameters: P): MixtureView;
  /** p(z_i = k | x_i), n×K. */
  responsibilities(parameters: P, data: DemoData): Float64Array;
}

/** Expands the components to K full d×d covariance matrices (tied, diagonal and spherical included). */
export function viewOf(parameters: MixtureParameters<GaussianComponents>): MixtureView {
  const { dimension, means } = parameters.components;
  const k = parameters.weights.length;
  const covariances = new Float64Array(k * dimension * dimension);
  for (let j = 0; j < k; j++) denseCovariance(parameters.components, j, covariances, j * dimension * dimension);
  return { dimension, weights: parameters.weights, means, covariances };
}

/** The Gaussian mixture of @em/gaussian-mixture as a plain core EmModel (the page calls eStep / mStep itself). */
export function createDemoMixture(options: DemoMixtureOptions): DemoMixture<MixtureParameters<GaussianComponents>, ReturnType<GaussianMixtureEmModel['zeroStatistics']>> {
  const model = gaussianMixtureModel({ components: options.components, covariance: options.covariance, init: options.initialization });
  return {
    model,
    view: viewOf,
    responsibilities: (parameters, data) => model.responsibilities(parameters, data),
  };
}
