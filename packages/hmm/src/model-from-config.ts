import { type DenseMatrix, FormatError, type JsonValue, type ModelConfig, type Random, type Statistics } from '@em/core';
import { type DenseFamily, emissionFamilyFromConfig } from './emission-registry.js';
import { registerBuiltInEmissionFamilies } from './emission-spec.js';
import { HmmModel, seededResponsibilities, type ChainInitialization, type EmissionInitializer } from './hmm-model.js';
import { kMeansResponsibilities } from './kmeans.js';
import { squareMatrixFromJson, vectorFromJson } from './parameters.js';

/** The `kind` of every HMM config and saved model. */
export const HMM_KIND = 'hmm';

type JsonRecord = { readonly [key: string]: JsonValue };

function recordField(source: JsonRecord, key: string): JsonRecord {
  const value = source[key];
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) ? (value as JsonRecord) : {};
}

function numberOr(source: JsonRecord, key: string, fallback: number): number {
  const value = source[key];
  return typeof value === 'number' ? value : fallback;
}

function booleanOr(source: JsonRecord, key: string, fallback: boolean): boolean {
  const value = source[key];
  return typeof value === 'boolean' ? value : fallback;
}

function chainInit(source: JsonRecord, key: string): ChainInitialization {
  return source[key] === 'random' ? 'random' : 'uniform';
}

/** The named emission initializers a config can record. */
export function emissionInitializerByName(name: string, family: DenseFamily): EmissionInitializer<DenseMatrix> {
  if (name === 'kmeans') return kMeansResponsibilities;
  return (x: DenseMatrix, states: number, random: Random) => seededResponsibilities(family.observationCount(x), states, random);
}

/**
 * Rebuilds the HMM EmModel from its `config` (worker threads, saved files). The emission family
 * is rebuilt through the emission registry unless given. Initial values recorded in the config
 * are restored unless `initialValues` is given.
 */
export function modelFromConfig(
  config: ModelConfig,
  family?: DenseFamily,
  initialValues?: { startProbabilities?: Float64Array; transitionMatrix?: Float64Array; emissions?: unknown },
): HmmModel<unknown, DenseMatrix, Statistics, unknown> {
  if (config.kind !== HMM_KIND) {
    throw new FormatError(`This config describes a "${config.kind}" model, not an "${HMM_KIND}".`, 'Load it with the package that wrote it.');
  }
  const options = config.options;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new FormatError('The HMM config has no "options" object.', 'Pass model.config or a file written by toJSON.');
  }
  const record = options as JsonRecord;
  const states = record['states'];
  if (typeof states !== 'number') throw new FormatError('The HMM config has no "states".', 'Pass model.config or a file written by toJSON.');
  registerBuiltInEmissionFamilies();
  const emissionFamily = family ?? emissionFamilyFromConfig(record['emission']);
  const priors = recordField(record, 'priors');
  const update = recordField(record, 'update');
  const initializerName = typeof record['emissionInitializer'] === 'string' ? record['emissionInitializer'] : 'seeded-random';
  let values = initialValues;
  if (values === undefined) {
    const recorded = recordField(record, 'initialValues');
    const restored: { startProbabilities?: Float64Array; transitionMatrix?: Float64Array; emissions?: unknown } = {};
    if (recorded['startProbabilities'] !== undefined) restored.startProbabilities = vectorFromJson(recorded['startProbabilities'], 'initialValues.startProbabilities', states);
    if (recorded['transitionMatrix'] !== undefined) restored.transitionMatrix = squareMatrixFromJson(recorded['transitionMatrix'], 'initialValues.transitionMatrix', states);
    if (recorded['emissions'] !== undefined) restored.emissions = emissionFamily.componentsFromJSON(recorded['emissions']);
    values = restored;
  }
  return new HmmModel(emissionFamily, {
    states,
    priors: { start: numberOr(priors, 'start', 0), transitions: numberOr(priors, 'transitions', 0) },
    update: { start: booleanOr(update, 'start', true), transitions: booleanOr(update, 'transitions', true), emissions: booleanOr(update, 'emissions', true) },
    startInitialization: chainInit(record, 'startInitialization'),
    transitionInitialization: chainInit(record, 'transitionInitialization'),
    emissionInitializer: emissionInitializerByName(initializerName, emissionFamily),
    initializerName,
    initialValues: values,
    ...(typeof record['memoryBudget'] === 'number' ? { memoryBudget: record['memoryBudget'] } : {}),
  });
}
