import { InvalidOptionsError } from '@em/core';
import type { CovarianceType } from '../gaussian-components.js';

/**
 * mclust's fourteen covariance models Σ_k = λ_k D_k A_k D_kᵀ: volume λ (det Σ_k^{1/D}), shape A
 * (diagonal, det 1) and orientation D (orthogonal), each Equal across components, Variable, or
 * I (identity: A = I for the shape, D = I for the orientation), in that order of letters.
 */
export type CovarianceModel = 'EII' | 'VII' | 'EEI' | 'VEI' | 'EVI' | 'VVI' | 'EEE' | 'VEE' | 'EVE' | 'VVE' | 'EEV' | 'VEV' | 'EVV' | 'VVV';

/** In mclust's order (its BIC tables list them so). */
export const COVARIANCE_MODELS: readonly CovarianceModel[] = ['EII', 'VII', 'EEI', 'VEI', 'EVI', 'VVI', 'EEE', 'VEE', 'EVE', 'VVE', 'EEV', 'VEV', 'EVV', 'VVV'];

/** The classic names (and scikit-learn's `diag`) and the model each stands for. */
export const COVARIANCE_ALIASES: { readonly [alias: string]: CovarianceModel } = { full: 'VVV', tied: 'EEE', diagonal: 'VVI', diag: 'VVI', spherical: 'VII' };

/** What the `covariance` option accepts: a model name or one of the aliases. */
export type CovarianceOption = CovarianceModel | CovarianceType | 'diag';

export function isCovarianceModel(value: unknown): value is CovarianceModel {
  return typeof value === 'string' && (COVARIANCE_MODELS as readonly string[]).includes(value);
}

/** The model a `covariance` option names, or undefined when it names none. */
export function covarianceModelOf(value: unknown): CovarianceModel | undefined {
  if (isCovarianceModel(value)) return value;
  if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(COVARIANCE_ALIASES, value)) return COVARIANCE_ALIASES[value];
  return undefined;
}

/** The model a `covariance` option names; InvalidOptionsError when it names none. */
export function resolveCovarianceModel(value: unknown, option = 'covariance'): CovarianceModel {
  const model = covarianceModelOf(value);
  if (model === undefined) {
    throw new InvalidOptionsError(
      `${option} must be one of mclust's models ${COVARIANCE_MODELS.join(', ')} or full, tied, diagonal (diag), spherical; got ${JSON.stringify(value)}.`,
      `Pass e.g. { ${option}: 'VVV' } (or its alias 'full').`,
      { option },
    );
  }
  return model;
}

/**
 * How a model's Σ_k are stored, which also picks the E-step kernel: the spherical and diagonal
 * models keep their compact arrays, EEE the one tied matrix, every model with an orientation K
 * full matrices.
 */
export function storageOf(model: CovarianceModel): CovarianceType {
  switch (model) {
    case 'EII':
    case 'VII':
      return 'spherical';
    case 'EEI':
    case 'VEI':
    case 'EVI':
    case 'VVI':
      return 'diagonal';
    case 'EEE':
      return 'tied';
    default:
      return 'full';
  }
}

/** The model a classic storage type stands for (full → VVV, …). */
export function classicModelOf(type: CovarianceType): CovarianceModel {
  return COVARIANCE_ALIASES[type] as CovarianceModel;
}

/** Whether the model is one of the four the classic M-step handles (VVV, EEE, VVI, VII). */
export function isClassicModel(model: CovarianceModel): boolean {
  return model === 'VVV' || model === 'EEE' || model === 'VVI' || model === 'VII';
}

export type Letter = 'E' | 'V' | 'I';

/** The volume, shape and orientation letters of a model. */
export function lettersOf(model: CovarianceModel): { readonly volume: Letter; readonly shape: Letter; readonly orientation: Letter } {
  return { volume: model[0] as Letter, shape: model[1] as Letter, orientation: model[2] as Letter };
}

/**
 * Free covariance parameters as mclust counts them (its nVarParams): one per volume, D − 1 per
 * shape, D(D − 1)/2 per orientation, each once when Equal and K times when Variable.
 */
export function covarianceModelParameterCount(model: CovarianceModel, k: number, d: number): number {
  const { volume, shape, orientation } = lettersOf(model);
  if (model === 'EEE') return (d * (d + 1)) / 2;
  if (model === 'VVV') return (k * d * (d + 1)) / 2;
  if (model === 'EVV') return 1 + k * ((d * (d + 1)) / 2 - 1);
  const count = (letter: Letter, size: number) => (letter === 'E' ? size : letter === 'V' ? k * size : 0);
  // With an identity shape there is no orientation to count.
  return count(volume, 1) + count(shape, d - 1) + (shape === 'I' ? 0 : count(orientation, (d * (d - 1)) / 2));
}

/** mclust's nMclustParams: covariance parameters + K·D means + K − 1 weights. */
export function mclustParameterCount(model: CovarianceModel, k: number, d: number): number {
  return covarianceModelParameterCount(model, k, d) + k * d + (k - 1);
}
