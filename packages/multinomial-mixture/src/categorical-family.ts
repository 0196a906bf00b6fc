import { type ComponentFamily, type DenseMatrix, InvalidDataError, InvalidOptionsError, InvalidParametersError, type JsonValue, type MStepContext, logGamma } from '@em/core';
import { checkPseudocount, validateProbabilityVector } from './probability-table.js';
import { categoricalParameterMap } from './categorical-parameter-map.js';

/** Default Dirichlet pseudocount: prior α = 1 + 0.01 on every categorical probability vector. */
export const DEFAULT_CATEGORICAL_PSEUDOCOUNT = 0.01;

/**
 * Parameters of K components over J categorical variables with M_j categories each (plain data).
 *
 * Layout: with S = Σ_j M_j and offset_j = Σ_{j' < j} M_j', the probability that variable j takes
 * category m in component k is `probabilities[k·S + offset_j + m]`; each (k, j) slice of length
 * M_j sums to 1. With one variable (J = 1) this is the K×M emission matrix of a categorical HMM.
 */
export interface CategoricalComponents {
  readonly probabilities: Float64Array;
  /** M_j per variable (length J). */
  readonly categories: readonly number[];
  /** K. */
  readonly components: number;
}

/** counts[(offset_j + m)·K + k] = Σ_i w_ik [x_ij = m] (transposed: contiguous in k). */
export type CategoricalStatistics = { readonly counts: Float64Array };

export interface CategoricalPrepared {
  /** (S×K): log P(variable j = m | k) at row offset_j + m. */
  readonly logProbabilities: Float64Array;
  /**
   * With one variable (an HMM's symbols): (M×K) exp(log P(m | k) − shift_m), shift_m = max_k log P(m | k)
   * (a row of zeros and shift −∞ for a symbol no component emits); empty otherwise.
   */
  readonly scaledProbabilities: Float64Array;
  /** With one variable: shift_m per symbol (M); empty otherwise. */
  readonly symbolShifts: Float64Array;
  readonly offsets: Int32Array;
  readonly components: number;
  readonly variables: number;
}

export interface CategoricalFamilyOptions {
  /** Number of categories M_j ≥ 1 of each variable, e.g. [2, 3, 7]; codes run 0 … M_j − 1. */
  readonly categories: readonly number[];
  /**
   * Dirichlet pseudocount a ≥ 0 on every (component, variable) probability vector: prior
   * Dirichlet(1 + a), MAP p = (n + a) / (n_total + M_j·a). Default 0.01; 0 is maximum likelihood.
   */
  readonly pseudocount?: number;
  readonly update?: { readonly probabilities?: boolean };
}

export interface CategoricalFamilyConfig {
  readonly categories: readonly number[];
  readonly pseudocount: number;
  readonly updateProbabilities: boolean;
}

export type CategoricalFamily = ComponentFamily<CategoricalComponents, DenseMatrix, CategoricalStatistics, CategoricalPrepared> & {
  readonly options: CategoricalFamilyConfig;
  /**
   * b_i(k) = exp(log f_k(x_i) − m_i) with m_i = max_k log f_k(x_i) into out[(i − start)·K + k] and
   * shifts[i − start] (m_i = −∞ and b_i = 0 when no component can emit row i): the scaled
   * densities of an HMM forward pass, a table lookup per row with one variable.
   */
  scaledDensities(prepared: CategoricalPrepared, x: DenseMatrix, start: number, end: number, out: Float64Array, shifts: Float64Array): void;
  /**
   * With one variable: row i's scaled densities are table[code_i·K + k] and its shift shifts[code_i],
   * with code_i = codes[i] (the data column itself) — an HMM's forward–backward reads them from
   * the table without a T×K buffer. Undefined with several variables.
   */
  densityTable(prepared: CategoricalPrepared, x: DenseMatrix): { readonly table: Float64Array; readonly shifts: Float64Array; readonly codes: Float64Array } | undefined;
  /** offset_j of each variable in a component's block, and S = Σ M_j at index J. */
  readonly offsets: Int32Array;
};

export function resolveCategoricalOptions(options: CategoricalFamilyOptions): CategoricalFamilyConfig {
  const categories = options.categories;
  if (!Array.isArray(categories) || categories.length === 0) {
    throw new InvalidOptionsError('categories must list the number of categories of each variable, e.g. [2, 3, 7].', 'Pass one positive integer per variable (column).', {
      option: 'categories',
    });
  }
  categories.forEach((m, j) => {
    if (!Number.isInteger(m) || m < 1) {
      throw new InvalidOptionsError(`categories[${j}] = ${String(m)} is not a positive integer.`, `Give variable ${j} its number of categories (codes 0 … M − 1).`, {
        option: 'categories',
        index: j,
      });
    }
  });
  const pseudocount = options.pseudocount ?? DEFAULT_CATEGORICAL_PSEUDOCOUNT;
  checkPseudocount(pseudocount);
  return { categories: [...categories], pseudocount, updateProbabilities: options.update?.probabilities ?? true };
}

/**
 * Categorical components over J integer-coded variables (latent class analysis; with J = 1, the
 * categorical emission of an HMM). Input: a DenseMatrix with J columns of codes 0 … M_j − 1.
 */
export function categoricalFamily(options: CategoricalFamilyOptions): CategoricalFamily {
  const resolved = resolveCategoricalOptions(options);
  const { categories, pseudocount, updateProbabilities } = resolved;
  const variables = categories.length;
  const offsets = new Int32Array(variables + 1);
  for (let j = 0; j < variables; j++) offsets[j + 1] = (offsets[j] as number) + (categories[j] as number);
  const blockSize = offsets[variables] as number;
  // Prior normaliser of one (component, variable) vector: ln Γ(M(1 + a)) − M ln Γ(1 + a).
  let priorNormalizer = 0;
  for (const m of categories) priorNormalizer += logGamma(m * (1 + pseudocount)) - m * logGamma(1 + pseudocount);

  function estimate(stats: CategoricalStatistics, previous: CategoricalComponents, context: MStepContext): CategoricalComponents {
    const k = previous.components;
    const counts = stats.counts;
    const probabilities = new Float64Array(k * blockSize);
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < variables; j++) {
        const start = offsets[j] as number;
        const m = categories[j] as number;
        let total = 0;
        // max(0, ·): statistics a caller builds by subtraction (addScaled(s, t, −1)) can hold −1e-17 where the true sum is 0 (core's loops re-sum instead).
        for (let q = 0; q < m; q++) total += Math.max(0, counts[(start + q) * k + c] as number);
        const denominator = total + m * pseudocount;
        const out = c * blockSize + start;
        if (!(denominator > 0)) {
          probabilities.set(previous.probabilities.subarray(out, out + m), out);
          if (j === 0) {
            context.report({
              type: 'degenerate-component',
              iteration: context.iteration,
              component: c,
              reason: 'vanishing-weight',
              message: `Component ${c} received no responsibility; its probabilities were kept.`,
              action: 'kept-previous',
            });
          }
          continue;
        }
        for (let q = 0; q < m; q++) probabilities[out + q] = (Math.max(0, counts[(start + q) * k + c] as number) + pseudocount) / denominator;
      }
    }
    return { probabilities, categories, components: k };
  }

  function accumulateInto(stats: CategoricalStatistics, k: number, x: DenseMatrix, start: number, end: number, weights: Float64Array): void {
    const counts = stats.counts;
    const data = x.data;
    for (let i = start; i < end; i++) {
      const wBase = (i - start) * k;
      const xBase = i * variables;
      for (let j = 0; j < variables; j++) {
        const row = ((offsets[j] as number) + (data[xBase + j] as number)) * k;
        for (let c = 0; c < k; c++) counts[row + c] = (counts[row + c] as number) + (weights[wBase + c] as number);
      }
    }
  }

  function writeLogDensities(prepared: CategoricalPrepared, x: DenseMatrix, start: number, end: number, out: Float64Array): void {
    const k = prepared.components;
    const logP = prepared.logProbabilities;
    const data = x.data;
    for (let i = start; i < end; i++) {
      const base = (i - start) * k;
      const xBase = i * variables;
      for (let c = 0; c < k; c++) out[base + c] = 0;
      for (let j = 0; j < variables; j++) {
        const row = ((offsets[j] as number) + (data[xBase + j] as number)) * k;
        for (let c = 0; c < k; c++) out[base + c] = (out[base + c] as number) + (logP[row + c] as number);
      }
    }
  }

  return {
    name: 'categorical',
    parameterMap: categoricalParameterMap(offsets, updateProbabilities),
    options: resolved,
    offsets,
    config: { categories: [...categories], pseudocount, updateProbabilities },
    componentCount: (c) => c.components,
    observationCount: (x) => x.rows,
    sliceObservations: (x, start, end) => x.sliceRows(start, end),

    validateData(x) {
      if (x.cols !== variables) {
        throw new InvalidDataError(
          `The data has ${x.cols} columns but the model has ${variables} categorical variables (categories = [${categories.join(', ')}]).`,
          'Pass one column per variable, or change the categories option.',
          { columns: x.cols, variables },
        );
      }
      const data = x.data;
      for (let i = 0; i < x.rows; i++) {
        for (let j = 0; j < variables; j++) {
          const code = data[i * variables + j] as number;
          const m = categories[j] as number;
          if (!Number.isInteger(code) || code < 0 || code >= m) {
            throw new InvalidDataError(
              `data[${i}][${j}] = ${code} is not a category code of variable ${j} (expected an integer in 0 … ${m - 1}).`,
              `Recode variable ${j} as 0 … ${m - 1}, or declare more categories (categories[${j}]).`,
              { row: i, column: j, value: code },
            );
          }
        }
      }
    },

    validateComponents(c) {
      if (c.categories.length !== variables || c.categories.some((m, j) => m !== categories[j])) {
        throw new InvalidParametersError(
          `The parameters describe categories [${c.categories.join(', ')}] but the model has [${categories.join(', ')}].`,
          'Use parameters fitted with the same categories, or change the categories option.',
        );
      }
      if (!Number.isInteger(c.components) || c.components < 1 || c.probabilities.length !== c.components * blockSize) {
        throw new InvalidParametersError(
          `Categorical probabilities have ${c.probabilities.length} entries; expected components × Σ categories = ${c.components} × ${blockSize}.`,
          'Give one probability vector per component and variable.',
        );
      }
      for (let k = 0; k < c.components; k++) {
        for (let j = 0; j < variables; j++) {
          validateProbabilityVector(c.probabilities, k * blockSize + (offsets[j] as number), categories[j] as number, `component ${k}, variable ${j}`, {
            component: k,
            variable: j,
          });
        }
      }
    },

    prepare(c) {
      const k = c.components;
      const logProbabilities = new Float64Array(blockSize * k);
      for (let comp = 0; comp < k; comp++) {
        for (let s = 0; s < blockSize; s++) logProbabilities[s * k + comp] = Math.log(c.probabilities[comp * blockSize + s] as number);
      }
      const single = variables === 1;
      const scaledProbabilities = new Float64Array(single ? blockSize * k : 0);
      const symbolShifts = new Float64Array(single ? blockSize : 0);
      if (single) {
        for (let s = 0; s < blockSize; s++) {
          let max = -Infinity;
          for (let comp = 0; comp < k; comp++) max = Math.max(max, logProbabilities[s * k + comp] as number);
          symbolShifts[s] = max;
          if (max === -Infinity) continue;
          for (let comp = 0; comp < k; comp++) scaledProbabilities[s * k + comp] = Math.exp((logProbabilities[s * k + comp] as number) - max);
        }
      }
      return { logProbabilities, scaledProbabilities, symbolShifts, offsets, components: k, variables };
    },

    densityTable(prepared: CategoricalPrepared, x: DenseMatrix) {
      return variables === 1 ? { table: prepared.scaledProbabilities, shifts: prepared.symbolShifts, codes: x.data } : undefined;
    },

    // Densities shifted by their row maximum and exponentiated (what an HMM's scaled forward pass
    // consumes): with one variable a table lookup per row, otherwise from the log-densities.
    scaledDensities(prepared: CategoricalPrepared, x: DenseMatrix, start: number, end: number, out: Float64Array, shifts: Float64Array): void {
      const k = prepared.components;
      const data = x.data;
      if (variables === 1) {
        const table = prepared.scaledProbabilities;
        const symbolShifts = prepared.symbolShifts;
        for (let i = start; i < end; i++) {
          const code = data[i] as number;
          const row = code * k;
          const base = (i - start) * k;
          for (let c = 0; c < k; c++) out[base + c] = table[row + c] as number;
          shifts[i - start] = symbolShifts[code] as number;
        }
        return;
      }
      writeLogDensities(prepared, x, start, end, out);
      for (let i = 0; i < end - start; i++) {
        const base = i * k;
        let max = -Infinity;
        for (let c = 0; c < k; c++) max = Math.max(max, out[base + c] as number);
        shifts[i] = max;
        for (let c = 0; c < k; c++) out[base + c] = max === -Infinity ? 0 : Math.exp((out[base + c] as number) - max);
      }
    },

    logDensities: writeLogDensities,

    zeroStatistics: (c) => ({ counts: new Float64Array(blockSize * c.components) }),

    accumulate(prepared, stats, x, start, end, weights) {
      accumulateInto(stats, prepared.components, x, start, end, weights);
    },

    maximize(stats, previous, context) {
      return updateProbabilities ? estimate(stats, previous, context) : previous;
    },

    expectedLogDensity(c, stats) {
      const k = c.components;
      let q = 0;
      for (let s = 0; s < blockSize; s++) {
        for (let comp = 0; comp < k; comp++) {
          const n = stats.counts[s * k + comp] as number;
          if (n > 0) q += n * Math.log(c.probabilities[comp * blockSize + s] as number);
        }
      }
      return q;
    },

    logPrior(c) {
      if (pseudocount === 0 || !updateProbabilities) return 0;
      let value = c.components * priorNormalizer;
      for (let i = 0; i < c.probabilities.length; i++) value += pseudocount * Math.log(c.probabilities[i] as number);
      return value;
    },

    freeParameterCount: (c) => (updateProbabilities ? c.components * (blockSize - variables) : 0),

    initializeFromWeights(x, weights, k, context) {
      const stats = { counts: new Float64Array(blockSize * k) };
      accumulateInto(stats, k, x, 0, x.rows, weights);
      const uniform = new Float64Array(k * blockSize);
      for (let c = 0; c < k; c++) {
        for (let j = 0; j < variables; j++) uniform.fill(1 / (categories[j] as number), c * blockSize + (offsets[j] as number), c * blockSize + (offsets[j + 1] as number));
      }
      return estimate(stats, { probabilities: uniform, categories, components: k }, context);
    },

    sample(c, k, random, out) {
      for (let j = 0; j < variables; j++) {
        const start = k * blockSize + (offsets[j] as number);
        out[j] = random.categorical(c.probabilities, start, start + (categories[j] as number));
      }
    },

    sampleDimension: () => variables,

    componentsToJSON(c) {
      const out: number[][][] = [];
      for (let k = 0; k < c.components; k++) {
        const perVariable: number[][] = [];
        for (let j = 0; j < variables; j++) {
          const start = k * blockSize + (offsets[j] as number);
          perVariable.push(Array.from(c.probabilities.subarray(start, start + (categories[j] as number))));
        }
        out.push(perVariable);
      }
      return { categories: [...categories], probabilities: out };
    },

    componentsFromJSON(json) {
      const record = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as { readonly [key: string]: JsonValue }) : {};
      return categoricalComponentsFromNested(record['probabilities'], categories);
    },

    shareData: (x) => x.toShared(),
  };
}

/**
 * Components from nested [K][J][M_j] probabilities (shape checked here; call validateComponents
 * for the simplex check).
 */
export function categoricalComponentsFromNested(value: unknown, categories: readonly number[]): CategoricalComponents {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidParametersError('"probabilities" must be a non-empty [K][J][M_j] array.', 'Give, per component, one probability vector per variable.', {
      parameter: 'probabilities',
    });
  }
  const blockSize = categories.reduce((a, b) => a + b, 0);
  const k = value.length;
  const probabilities = new Float64Array(k * blockSize);
  value.forEach((perVariable: unknown, c) => {
    if (!Array.isArray(perVariable) || perVariable.length !== categories.length) {
      throw new InvalidParametersError(
        `probabilities[${c}] must hold ${categories.length} vectors (one per variable).`,
        'Give, per component, one probability vector per variable.',
        { component: c },
      );
    }
    let offset = c * blockSize;
    perVariable.forEach((vector: unknown, j) => {
      const m = categories[j] as number;
      if (!Array.isArray(vector) || vector.length !== m || vector.some((p) => typeof p !== 'number')) {
        throw new InvalidParametersError(`probabilities[${c}][${j}] must be ${m} numbers (variable ${j} has ${m} categories).`, `Give variable ${j} one probability per category.`, {
          component: c,
          variable: j,
        });
      }
      for (let q = 0; q < m; q++) probabilities[offset + q] = vector[q] as number;
      offset += m;
    });
  });
  return { probabilities, categories: [...categories], components: k };
}
