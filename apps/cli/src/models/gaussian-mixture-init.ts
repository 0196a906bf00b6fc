import { COVARIANCE_MODELS, covarianceModelOf, storageOf, type CovarianceModel } from '@em/gaussian-mixture';
import { FormatError } from '@em/core';
import type { OptionValues } from '../framework/options.js';
import { expectLength, isRecord, numberArray, numberMatrix } from './json-shape.js';

export type CovarianceTypeName = 'full' | 'tied' | 'diagonal' | 'spherical';
export const COVARIANCE_TYPE_NAMES: readonly CovarianceTypeName[] = ['full', 'tied', 'diagonal', 'spherical'];

/** scikit-learn's covariance_type spellings that differ from ours (its full, tied and spherical are ours). */
export const COVARIANCE_TYPE_ALIASES: Readonly<Record<string, CovarianceTypeName>> = { diag: 'diagonal' };

/** Help text of a --covariance flag: our names, then scikit-learn's aliases. */
export const COVARIANCE_TYPE_HELP = 'full | tied | diagonal | spherical (scikit-learn\'s "diag" is accepted for diagonal)';

/** A covariance type by our name or scikit-learn's; undefined when it is neither. */
export function covarianceTypeOf(text: string): CovarianceTypeName | undefined {
  if ((COVARIANCE_TYPE_NAMES as readonly string[]).includes(text)) return text as CovarianceTypeName;
  return Object.hasOwn(COVARIANCE_TYPE_ALIASES, text) ? COVARIANCE_TYPE_ALIASES[text] : undefined;
}

/** Reads a --covariance flag (our names or scikit-learn's), `fallback` when absent. */
export function readCovarianceType(options: OptionValues, flag: string, fallback: CovarianceTypeName): CovarianceTypeName {
  const text = options.string(flag);
  if (text === undefined) return fallback;
  const type = covarianceTypeOf(text);
  if (type === undefined) throw options.error(flag, `expects one of ${COVARIANCE_TYPE_NAMES.join('|')} (or scikit-learn's diag), got "${text}"`);
  return type;
}

/** Help text of the Gaussian mixture's --covariance flag: mclust's fourteen models and the aliases. */
export const COVARIANCE_MODEL_HELP = `mclust's ${COVARIANCE_MODELS.join(' | ')}, or full (= VVV) | tied (EEE) | diagonal (VVI; scikit-learn's "diag") | spherical (VII)`;

/** A --covariance choice of the Gaussian mixture: the name given, mclust's model, and how it is stored. */
export interface CovarianceChoice {
  readonly name: string;
  readonly model: CovarianceModel;
  readonly storage: CovarianceTypeName;
}

/** A model by mclust's name or an alias; undefined when it is neither. */
export function covarianceChoiceOf(text: string): CovarianceChoice | undefined {
  const model = covarianceModelOf(text);
  // scikit-learn's diag is reported under our name, diagonal.
  return model === undefined ? undefined : { name: text === 'diag' ? 'diagonal' : text, model, storage: storageOf(model) };
}

/** Reads the Gaussian mixture's --covariance flag (mclust's names or the aliases), `fallback` when absent. */
export function readCovarianceChoice(options: OptionValues, flag: string, fallback: string): CovarianceChoice {
  const text = options.string(flag) ?? fallback;
  const choice = covarianceChoiceOf(text);
  if (choice === undefined) throw options.error(flag, `expects ${COVARIANCE_MODEL_HELP}; got "${text}"`);
  return choice;
}

/** Initial parameters as `--init` gives them: nested arrays shaped as in the `--json` output. */
export interface GaussianMixtureInit {
  readonly weights: number[];
  readonly means: number[][];
  /** full [K][D][D], tied [D][D], diagonal [K][D], spherical [K]. */
  readonly covariances: number[] | number[][] | number[][][];
}

/** The shape `covariances` must have, in words. */
export function covarianceShapeText(type: CovarianceTypeName): string {
  switch (type) {
    case 'full':
      return '[K][D][D]';
    case 'tied':
      return '[D][D]';
    case 'diagonal':
      return '[K][D]';
    case 'spherical':
      return '[K]';
  }
}

/**
 * Checks the shape of an `--init` document against K, D and the covariance type, naming the
 * first field that is off. Values (simplex, positive definiteness) are checked by the model.
 */
export function parseGaussianMixtureInit(json: unknown, source: string, components: number, dimension: number, type: CovarianceTypeName, acceptFullMatrices = false): GaussianMixtureInit {
  const expected = `{ "weights": [K], "means": [K][D], "covariances": ${covarianceShapeText(type)} } for --covariance ${type}`;
  if (!isRecord(json)) throw new FormatError(`--init ${source} must hold a JSON object.`, `Expected ${expected}.`);
  const record = json;
  for (const key of ['weights', 'means', 'covariances']) {
    if (!(key in record)) throw new FormatError(`--init ${source} has no "${key}".`, `Expected ${expected}.`);
  }
  const weights = numberArray(record['weights'], `--init ${source}: weights`, expected);
  expectLength(weights.length, components, `--init ${source}: weights has ${weights.length} entries but --components is ${components}`, 'Give one weight per component, or change --components.', 'weights');
  const means = numberMatrix(record['means'], `--init ${source}: means`, expected);
  expectLength(means.length, components, `--init ${source}: means has ${means.length} rows but --components is ${components}`, 'Give one mean per component.', 'means');
  means.forEach((row, k) =>
    expectLength(
      row.length,
      dimension,
      `--init ${source}: means[${k}] has ${row.length} coordinates but the data has D = ${dimension} columns`,
      'Make every mean as long as a data row (or choose the matching columns with --columns).',
      'means',
    ),
  );
  // Every model also takes K full matrices (checked against its constraint by the model).
  const full = acceptFullMatrices && type !== 'full' && looksLikeMatrices(record['covariances']);
  const covariances = parseCovariances(record['covariances'], full ? 'full' : type, components, dimension, `--init ${source}: covariances`, expected);
  return { weights, means, covariances };
}

/**
 * Checks covariances shaped as the `--json` output gives them for `type` (full [K][D][D], tied
 * [D][D], diagonal [K][D], spherical [K]), naming the first entry that is off.
 */
export function parseCovariances(raw: unknown, type: CovarianceTypeName, components: number, dimension: number, label: string, expected: string): GaussianMixtureInit['covariances'] {
  switch (type) {
    case 'spherical': {
      const variances = numberArray(raw, label, expected);
      shape(variances.length, components, `${label} has ${variances.length} entries but K = ${components}`);
      return variances;
    }
    case 'diagonal': {
      const rows = numberMatrix(raw, label, expected);
      shape(rows.length, components, `${label} has ${rows.length} rows but K = ${components}`);
      rows.forEach((row, k) => shape(row.length, dimension, `${label}[${k}] has ${row.length} variances but D = ${dimension}`));
      return rows;
    }
    case 'tied': {
      const rows = numberMatrix(raw, label, expected);
      squareOf(rows, dimension, label);
      return rows;
    }
    case 'full': {
      if (!Array.isArray(raw)) throw new FormatError(`${label} must be an array.`, `Expected ${expected}.`);
      shape(raw.length, components, `${label} has ${raw.length} matrices but K = ${components}`);
      return raw.map((item, k) => {
        const rows = numberMatrix(item, `${label}[${k}]`, expected);
        squareOf(rows, dimension, `${label}[${k}]`);
        return rows;
      });
    }
  }
}

function shape(actual: number, wanted: number, problem: string): void {
  expectLength(actual, wanted, problem, 'Shape covariances as the --json output does for this covariance type.', 'covariances');
}

function squareOf(rows: number[][], dimension: number, label: string): void {
  shape(rows.length, dimension, `${label} has ${rows.length} rows but the data has D = ${dimension} columns`);
  rows.forEach((row, i) => shape(row.length, dimension, `${label}[${i}] has ${row.length} entries but D = ${dimension}`));
}

/** Whether a covariances field is an array of matrices ([K][D][D]). */
function looksLikeMatrices(raw: unknown): boolean {
  return Array.isArray(raw) && Array.isArray(raw[0]) && Array.isArray((raw[0] as unknown[])[0]);
}
