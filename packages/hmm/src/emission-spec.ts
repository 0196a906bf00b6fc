import { FormatError, InvalidOptionsError, type JsonValue, mixtureFamily } from '@em/core';
import { gaussianFamily, gaussianFamilyFromConfig } from '@em/gaussian-mixture';
import { categoricalFamily } from '@em/multinomial-mixture';
import { PoissonFamily, type GammaRatePrior } from '@em/poisson-mixture';
import { type DenseFamily, emissionFamilyFromConfig, registerEmissionFamilyIfAbsent } from './emission-registry.js';

/** Covariance structure of Gaussian emissions (as in @em/gaussian-mixture). */
export type EmissionCovariance = 'full' | 'tied' | 'diagonal' | 'spherical';

/**
 * Convenience emission specs (the domain class turns them into families from the sibling
 * packages). Any ComponentFamily over dense rows can be passed instead.
 */
export type EmissionSpec =
  | {
      readonly type: 'categorical';
      /** M: symbols are integer codes 0 … M − 1 in one column. */
      readonly symbols: number;
      /** Dirichlet pseudo-count on each state's symbol probabilities (default 0: maximum likelihood, as hmmlearn). */
      readonly pseudocount?: number;
    }
  | {
      readonly type: 'gaussian';
      readonly covariance?: EmissionCovariance;
      /** Added to covariance diagonals (default 0: maximum likelihood, as hmmlearn with covars_prior = 0). */
      readonly regCovar?: number;
    }
  | {
      /** Independent Poisson counts per column (hmmlearn's PoissonHMM). */
      readonly type: 'poisson';
      /**
       * Gamma(shape ≥ 1, rate > 0) prior on every state's rates (default none: maximum likelihood).
       * hmmlearn's lambdas_prior and lambdas_weight are shape − 1 and rate.
       */
      readonly ratePrior?: GammaRatePrior;
    }
  | {
      readonly type: 'gmm';
      readonly covariance?: EmissionCovariance;
      /** M ≥ 1 Gaussian components per state. */
      readonly mixtureComponents: number;
      readonly regCovar?: number;
    };

export interface ResolvedEmission {
  readonly family: DenseFamily;
  /** The emission initialisation used when none is chosen. */
  readonly defaultInitialization: 'kmeans' | 'random';
}

function isFamily(value: DenseFamily | EmissionSpec): value is DenseFamily {
  return typeof (value as DenseFamily).logDensities === 'function';
}

/** Family + default initialisation for a family or a spec. */
export function resolveEmission(emission: DenseFamily | EmissionSpec): ResolvedEmission {
  // Plain JavaScript callers can pass anything: say what is expected instead of a TypeError.
  if (emission === null || typeof emission !== 'object') {
    throw new InvalidOptionsError(
      `emission must be an emission spec or a ComponentFamily; got ${emission === null ? 'null' : typeof emission}.`,
      "Pass e.g. { emission: { type: 'gaussian', covariance: 'full' } } or { emission: { type: 'categorical', symbols: 6 } }.",
      { option: 'emission' },
    );
  }
  if (isFamily(emission)) return { family: emission, defaultInitialization: emission.name === 'gaussian' || emission.name === 'mixture' ? 'kmeans' : 'random' };
  switch (emission.type) {
    case 'categorical':
      return { family: categoricalFamily({ categories: [emission.symbols], pseudocount: emission.pseudocount ?? 0 }) as unknown as DenseFamily, defaultInitialization: 'random' };
    case 'gaussian':
      return { family: gaussianEmission(emission.covariance ?? 'full', emission.regCovar ?? 0), defaultInitialization: 'kmeans' };
    case 'poisson':
      return { family: new PoissonFamily(emission.ratePrior === undefined ? {} : { ratePrior: emission.ratePrior }) as unknown as DenseFamily, defaultInitialization: 'kmeans' };
    case 'gmm':
      return {
        family: mixtureFamily(gaussianEmission(emission.covariance ?? 'full', emission.regCovar ?? 0), { components: emission.mixtureComponents }) as unknown as DenseFamily,
        defaultInitialization: 'kmeans',
      };
    default:
      throw new InvalidOptionsError(
        `Unknown emission type ${JSON.stringify((emission as { type?: unknown }).type)}.`,
        "Use { type: 'categorical', symbols }, { type: 'gaussian', covariance }, { type: 'gmm', covariance, mixtureComponents }, { type: 'poisson' }, or pass a ComponentFamily.",
        { option: 'emission' },
      );
  }
}

function gaussianEmission(covariance: EmissionCovariance, regCovar: number): DenseFamily {
  return gaussianFamily({ covariance, regCovar }) as unknown as DenseFamily;
}

/** Inverse of the categorical family's `config` ({ categories, pseudocount, updateProbabilities }). */
function categoricalFromConfig(config: JsonValue): DenseFamily {
  const record = config !== null && typeof config === 'object' && !Array.isArray(config) ? (config as { readonly [key: string]: JsonValue }) : {};
  const categories = record['categories'];
  if (!Array.isArray(categories) || categories.some((m) => typeof m !== 'number')) {
    throw new FormatError('The categorical emission config has no valid "categories".', 'Pass a config produced by @em/hmm.');
  }
  const pseudocount = record['pseudocount'];
  const update = record['updateProbabilities'];
  return categoricalFamily({
    categories: categories as number[],
    ...(typeof pseudocount === 'number' ? { pseudocount } : {}),
    ...(typeof update === 'boolean' ? { update: { probabilities: update } } : {}),
  }) as unknown as DenseFamily;
}

function recordOf(config: JsonValue): { readonly [key: string]: JsonValue } {
  return config !== null && typeof config === 'object' && !Array.isArray(config) ? (config as { readonly [key: string]: JsonValue }) : {};
}

/** Inverse of `mixtureFamily(inner, options).config` ({ components, weightConcentration, updateWeights, inner }). */
function mixtureFromConfig(config: JsonValue): DenseFamily {
  const record = recordOf(config);
  const components = record['components'];
  if (typeof components !== 'number') throw new FormatError('The mixture emission config has no "components".', 'Pass a config produced by @em/hmm.');
  const weightConcentration = record['weightConcentration'];
  const updateWeights = record['updateWeights'];
  return mixtureFamily(emissionFamilyFromConfig(record['inner']), {
    components,
    ...(typeof weightConcentration === 'number' ? { weightConcentration } : {}),
    ...(typeof updateWeights === 'boolean' ? { updateWeights } : {}),
  }) as unknown as DenseFamily;
}

/**
 * Registers the built-in emission families (categorical, gaussian, mixture, poisson) for
 * `modelFromConfig`/`fromJSON`/workers, without replacing families registered by the user.
 * Called by `modelFromConfig`; explicit (not an import side effect) so bundlers cannot drop it.
 */
export function registerBuiltInEmissionFamilies(): void {
  registerEmissionFamilyIfAbsent('categorical', categoricalFromConfig);
  registerEmissionFamilyIfAbsent('gaussian', (config) => gaussianFamilyFromConfig(config) as unknown as DenseFamily);
  registerEmissionFamilyIfAbsent('mixture', mixtureFromConfig);
  registerEmissionFamilyIfAbsent('poisson', (config) => PoissonFamily.fromConfig(config) as unknown as DenseFamily);
}
