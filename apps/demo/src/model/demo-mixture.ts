import {
  createMixtureModel,
  type DenseMatrix,
  type EmModel,
  type MixtureData,
  type MixtureInitializer,
  type MixtureParameters,
  type MixtureStatistics,
  type Random,
  type Statistics,
} from '@em/core';
import { gaussianFamily, type CovarianceType, type GaussianComponents, type GaussianStatistics } from './gaussian-family.js';

export type { CovarianceType } from './gaussian-family.js';
export const covarianceTypes: readonly CovarianceType[] = ['full', 'tied', 'diagonal', 'spherical'];

/** How the first parameters are chosen. */
export type Initialization = 'random-points' | 'random-responsibilities';
export const initializations: readonly Initialization[] = ['random-points', 'random-responsibilities'];

export interface DemoMixtureOptions {
  readonly components: number;
  readonly covariance: CovarianceType;
  readonly initialization: Initialization;
}

/** What the plots need from any Gaussian mixture parameters: everything expanded to full matrices. */
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

/**
 * K distinct data rows drawn at random become centres; each row starts fully assigned to its nearest
 * centre (one k-means assignment step). Spreads the starting ellipses over the data.
 */
export const randomPointsInitializer: MixtureInitializer<DenseMatrix> = (x: DenseMatrix, k: number, random: Random) => {
  const order = Array.from({ length: x.rows }, (_, i) => i);
  random.shuffle(order);
  const centres = order.slice(0, k);
  const d = x.cols;
  const responsibilities = new Float64Array(x.rows * k);
  for (let i = 0; i < x.rows; i++) {
    let best = 0;
    let bestDistance = Infinity;
    for (let j = 0; j < k; j++) {
      const centre = (centres[j] as number) * d;
      let distance = 0;
      for (let a = 0; a < d; a++) distance += ((x.data[i * d + a] as number) - (x.data[centre + a] as number)) ** 2;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = j;
      }
    }
    responsibilities[i * k + best] = 1;
  }
  return responsibilities;
};

export function createDemoMixture(options: DemoMixtureOptions): DemoMixture<MixtureParameters<GaussianComponents>, MixtureStatistics<GaussianStatistics>> {
  const model = createMixtureModel(gaussianFamily({ covariance: options.covariance }), {
    components: options.components,
    kind: 'demo-gaussian-mixture',
    ...(options.initialization === 'random-points' ? { initializer: randomPointsInitializer } : {}),
    extraConfig: { initialization: options.initialization },
  });
  return {
    model,
    view: (parameters) => ({
      dimension: parameters.components.dimension,
      weights: parameters.weights,
      means: parameters.components.means,
      covariances: parameters.components.covariances,
    }),
    responsibilities: (parameters, data) => model.responsibilities(parameters, data),
  };
}
