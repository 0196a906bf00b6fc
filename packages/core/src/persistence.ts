import type { JsonValue, ModelConfig } from './contract.js';
import { FormatError } from './errors.js';

/** Identifies the file format; bump FORMAT_VERSION on any incompatible change. */
export const MODEL_FORMAT = 'em-model';
export const FORMAT_VERSION = 1;

/** Fit metadata stored with a model (all optional, all JSON). */
export interface FitMetadata {
  readonly logLikelihood?: number;
  readonly objective?: number;
  readonly iterations?: number;
  readonly converged?: boolean;
  readonly stopReason?: string;
  readonly observations?: number;
  readonly freeParameters?: number;
  readonly bic?: number;
  readonly aic?: number;
  readonly [key: string]: JsonValue | undefined;
}

/** The versioned JSON document of a fitted model. */
export interface SerializedModel {
  readonly format: typeof MODEL_FORMAT;
  readonly formatVersion: number;
  /** e.g. "gaussian-mixture", "hmm". */
  readonly kind: string;
  /** Options the model was built with (rebuilds the same model). */
  readonly config: ModelConfig;
  readonly parameters: JsonValue;
  readonly fit?: FitMetadata;
}

/**
 * Builds the document. Throws FormatError when `config` or `parameters` hold a non-finite number:
 * JSON would silently write it as null and the model would not round-trip.
 */
export function serializeModel(kind: string, config: ModelConfig, parameters: JsonValue, fit?: FitMetadata): SerializedModel {
  assertFiniteJson(config.options, 'config.options');
  assertFiniteJson(parameters, 'parameters');
  const out: SerializedModel = { format: MODEL_FORMAT, formatVersion: FORMAT_VERSION, kind, config, parameters };
  return fit === undefined ? out : { ...out, fit: dropUndefined(fit) };
}

/**
 * Parses and checks a serialised model (object or JSON text). Numbers survive exactly: JSON
 * prints float64 with enough digits to round-trip, and `serializeModel` rejects non-finite values
 * (−0 is written as 0, which compares equal).
 */
export function parseSerializedModel(input: string | unknown, expectedKind?: string): SerializedModel {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new FormatError(`The model file is not valid JSON (${(error as Error).message}).`, 'Pass the text written by toJSON / --out.');
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FormatError('A serialised model must be a JSON object.', 'Pass the output of toJSON.');
  }
  const doc = value as Record<string, unknown>;
  if (doc['format'] !== MODEL_FORMAT) {
    throw new FormatError(`Not an @em model file (format is ${JSON.stringify(doc['format'])}, expected "${MODEL_FORMAT}").`, 'Pass a file written by toJSON or `em fit --out`.');
  }
  const version = doc['formatVersion'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version > FORMAT_VERSION || version < 1) {
    throw new FormatError(`Unsupported model format version ${String(version)} (this library reads 1..${FORMAT_VERSION}).`, 'Upgrade @em packages to read newer files.');
  }
  const kind = doc['kind'];
  if (typeof kind !== 'string') throw new FormatError('The model file has no "kind".', 'Pass a file written by toJSON.');
  if (expectedKind !== undefined && kind !== expectedKind) {
    throw new FormatError(`The model file holds a "${kind}" model, not a "${expectedKind}".`, `Load it with the ${kind} package instead.`);
  }
  const config = doc['config'];
  if (config === null || typeof config !== 'object' || typeof (config as Record<string, unknown>)['kind'] !== 'string') {
    throw new FormatError('The model file has no valid "config".', 'Pass a file written by toJSON.');
  }
  if (!('parameters' in doc)) throw new FormatError('The model file has no "parameters".', 'Pass a file written by toJSON.');
  return doc as unknown as SerializedModel;
}

function assertFiniteJson(value: JsonValue, path: string): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new FormatError(
        `${path} = ${value} cannot be written as JSON (it would be saved as null).`,
        'Store finite values only (e.g. probabilities instead of log-probabilities of zero).',
        { path },
      );
    }
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    (value as readonly JsonValue[]).forEach((item, i) => assertFiniteJson(item, `${path}[${i}]`));
    return;
  }
  for (const [key, item] of Object.entries(value as { readonly [key: string]: JsonValue })) assertFiniteJson(item, `${path}.${key}`);
}

function dropUndefined(fit: FitMetadata): FitMetadata {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(fit)) if (v !== undefined && (typeof v !== 'number' || Number.isFinite(v))) out[k] = v;
  return out;
}
