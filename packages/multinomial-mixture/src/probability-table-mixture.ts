import { COUNT_ROWS, type CountRowInput, Estimator, type FitSummary, type MixtureModel, type MixtureData, type MixtureParameters, type MixtureStatistics, type Statistics, packageWorkerEntry, unsharedBytes, type EStepWork, CsrMatrix } from '@em/core';
import type { CountMatrix } from './count-matrix.js';
import { multinomialComponentsFromRows, probabilityRows, type MultinomialComponents } from './multinomial-family.js';
import { weightsFromPlain } from './plain-parameters.js';

/** Mixture parameters as plain arrays: weights [K] and probabilities [K][V]. */
export type ProbabilityTableParameters = {
  readonly weights: number[];
  readonly probabilities: number[][];
};

/** Input shape of user-given parameters (any array-likes). */
export interface ProbabilityTableInput {
  readonly weights: ArrayLike<number>;
  readonly probabilities: ReadonlyArray<ArrayLike<number>>;
}

/** One entry of `topFeatures`. */
export interface TopFeature {
  readonly feature: number;
  /** The feature's name when names were given. */
  readonly name?: string;
  readonly probability: number;
}

/**
 * The estimator part shared by the multinomial and Bernoulli mixtures: rows of counts or 0/1
 * values in (dense, sparse CSR, or any row input @em/core reads), K rows of V probabilities as
 * parameters (both families store them as `MultinomialComponents`-shaped plain data).
 */
export abstract class ProbabilityTableMixture<FS extends Statistics, Prepared, Summary extends FitSummary<ProbabilityTableParameters> = FitSummary<ProbabilityTableParameters>> extends Estimator<
  MixtureParameters<MultinomialComponents>,
  MixtureData<CountMatrix>,
  MixtureStatistics<FS>,
  CountRowInput,
  ProbabilityTableParameters,
  ProbabilityTableInput,
  Summary
> {
  abstract override readonly model: MixtureModel<MultinomialComponents, CountMatrix, FS, Prepared>;
  protected readonly dataKind = COUNT_ROWS;

  protected toPlain(parameters: MixtureParameters<MultinomialComponents>): ProbabilityTableParameters {
    const c = parameters.components;
    return { weights: Array.from(parameters.weights), probabilities: probabilityRows(c.probabilities, c.components, c.features) };
  }

  protected fromPlain(plain: ProbabilityTableInput): MixtureParameters<MultinomialComponents> {
    return { weights: weightsFromPlain(plain.weights), components: multinomialComponentsFromRows(plain.probabilities) };
  }

  /**
   * Work of one E-step in the units of WORKERS_MIN_WORK (a Gaussian mixture's multiply-adds): each
   * stored count (non-zero of sparse rows) once per component, measured at about ten of those units
   * (an indexed load and a log-probability; bench/workers-threshold.ts), and a log and an exp per
   * row and component.
   */
  protected override eStepWork(data: MixtureData<CountMatrix>): EStepWork {
    const x = data.observations;
    const k = this.model.k;
    const sparse = x instanceof CsrMatrix;
    const entries = sparse ? x.values.length : x.rows * x.cols;
    const work = 10 * entries * k + x.rows * k * 20;
    return { work, formula: `10·${sparse ? 'nnz' : 'N·V'}·K + 20·N·K = ${work.toExponential(1)}`, maxChunks: x.rows };
  }

  protected override sharedCopyBytes(data: MixtureData<CountMatrix>): number {
    const x = data.observations;
    return x instanceof CsrMatrix ? unsharedBytes(x.indptr, x.indices, x.values, data.sampleWeights) : unsharedBytes(x.data, data.sampleWeights);
  }

  protected override defaultWorkerUrl(): URL | undefined {
    return packageWorkerEntry(import.meta.url);
  }

  /**
   * The n most probable features of each component (for Bernoulli: most likely to be 1), most
   * probable first (ties: lower index first); with `names`, each entry carries the feature's name.
   */
  topFeatures(n: number, names?: readonly string[]): TopFeature[][] {
    return topFeaturesOf(this.fittedParameters('topFeatures').components, n, names);
  }
}

/** Top features of K probability rows. */
export function topFeaturesOf(c: MultinomialComponents, n: number, names?: readonly string[]): TopFeature[][] {
  const count = Math.max(0, Math.min(Math.floor(n), c.features));
  const out: TopFeature[][] = [];
  for (let k = 0; k < c.components; k++) {
    const order = Array.from({ length: c.features }, (_, f) => f);
    const row = c.probabilities.subarray(k * c.features, (k + 1) * c.features);
    order.sort((a, b) => (row[b] as number) - (row[a] as number) || a - b);
    out.push(
      order.slice(0, count).map((feature) => {
        const name = names?.[feature];
        return name === undefined ? { feature, probability: row[feature] as number } : { feature, name, probability: row[feature] as number };
      }),
    );
  }
  return out;
}
