import { type ComponentFamily, type DenseMatrix, type EstimatorSettings, type JsonValue, type ModelConfig, resolveMemoryBudget, type Statistics } from '@em/core';
import type { DenseFamily } from './emission-registry.js';
import { resolveEmission, type EmissionSpec } from './emission-spec.js';
import type { ChainInitialization, HmmModel, HmmPriors, HmmUpdate } from './hmm-model.js';
import { HMM_KIND, modelFromConfig } from './hmm-model.js';
import { squareMatrixFromJson, vectorFromJson, type HmmParameters } from './parameters.js';

/** A family whose parameters are C (Prepared and statistics types are the family's business). */
export type DenseFamilyOf<C> = ComponentFamily<C, DenseMatrix, Statistics, unknown>;

/** Initial values and strategies. Given values are used as is (zeros are structural). */
export interface HmmInit {
  readonly startProbabilities?: readonly number[];
  readonly transitionMatrix?: readonly (readonly number[])[];
  /** Emission components in the family's JSON form (`componentsToJSON`). */
  readonly emissions?: JsonValue;
  /** Start probabilities when not given: 'uniform' (default) or 'random' (Dirichlet(1)). */
  readonly start?: ChainInitialization;
  /** Transition rows when not given: 'uniform' (default) or 'random'. */
  readonly transitions?: ChainInitialization;
  /**
   * Emissions when not given: 'kmeans' (default for Gaussian emissions: k-means labels on the rows)
   * or 'random' (default otherwise: random responsibilities plus one random seed row per state).
   * When the given start or transition probabilities have zeros, the clusters are matched to the
   * states along the chain (a left-right chain: by their mean position in the sequences).
   */
  readonly emissionMethod?: 'kmeans' | 'random';
}

/**
 * Options of `new HiddenMarkovModel(...)`: the model's own, plus the settings every estimator
 * takes (nInit, seed, maxIterations, tolerance, toleranceRule, acceleration, memoryBudget,
 * executor, callbacks…; see @em/core's EstimatorSettings). The memory budget also bounds the
 * model's tables: states (K×K chain matrices), symbols (K×M tables) and the longest sequence
 * (T×K forward–backward buffers) are checked before anything is allocated. hmmlearn's `tol` is
 * `{ toleranceRule: 'absolute', tolerance: 1e-2 }`; `maxIterations: 0` evaluates complete
 * initial parameters given in `init`.
 */
export interface HiddenMarkovModelOptions<C = unknown> extends EstimatorSettings<HmmParameters<C>> {
  /** Number of hidden states K ≥ 1. */
  readonly states: number;
  /** An emission family over dense rows, or a convenience spec. */
  readonly emission: DenseFamilyOf<C> | EmissionSpec;
  readonly priors?: HmmPriors;
  readonly update?: HmmUpdate;
  readonly init?: HmmInit;
}

/** The engine model the options describe: defaults filled in once, recorded in its config. */
export function hmmModelFromOptions<C>(options: HiddenMarkovModelOptions<C>): HmmModel<C, DenseMatrix, Statistics, unknown> {
  const resolved = resolveEmission(options.emission as DenseFamily | EmissionSpec);
  const family = resolved.family as DenseFamilyOf<C>;
  const k = options.states;
  const init = options.init ?? {};
  const method = init.emissionMethod ?? resolved.defaultInitialization;
  const initialValues: { startProbabilities?: Float64Array; transitionMatrix?: Float64Array; emissions?: C } = {};
  if (init.startProbabilities !== undefined) initialValues.startProbabilities = vectorFromJson(init.startProbabilities as number[], 'init.startProbabilities', k);
  if (init.transitionMatrix !== undefined) initialValues.transitionMatrix = squareMatrixFromJson(init.transitionMatrix as number[][], 'init.transitionMatrix', k);
  if (init.emissions !== undefined) initialValues.emissions = family.componentsFromJSON(init.emissions);
  const config: ModelConfig = {
    kind: HMM_KIND,
    options: {
      states: k,
      emission: { name: family.name, config: family.config },
      priors: { start: options.priors?.start ?? 0, transitions: options.priors?.transitions ?? 0 },
      update: { start: options.update?.start ?? true, transitions: options.update?.transitions ?? true, emissions: options.update?.emissions ?? true },
      startInitialization: init.start ?? 'uniform',
      transitionInitialization: init.transitions ?? 'uniform',
      emissionInitializer: method === 'kmeans' ? 'kmeans' : 'seeded-random',
      ...(options.memoryBudget === undefined ? {} : { memoryBudget: resolveMemoryBudget(options.memoryBudget) }),
    },
  };
  return modelFromConfig(config, family as DenseFamily, initialValues as { startProbabilities?: Float64Array; transitionMatrix?: Float64Array; emissions?: unknown }) as unknown as HmmModel<
    C,
    DenseMatrix,
    Statistics,
    unknown
  >;
}

/** Whether `init` gives every parameter (then a fit with nInit 1 starts from exactly them). */
export function hasCompleteInit(init: HmmInit | undefined): boolean {
  return init?.startProbabilities !== undefined && init.transitionMatrix !== undefined && init.emissions !== undefined;
}
