import { parseSerializedModel, serializeModel, type JsonValue, type Statistics } from '@em/core';
import { firstDifference } from '../compare.js';
import type { ConformanceCase, ResolvedSettings } from '../options.js';
import { call, show, validateCase, violation, type LawAuxiliary } from './support.js';

/**
 * Law 8. parametersToJSON gives plain JSON; parametersFromJSON(JSON.parse(JSON.stringify(json)))
 * deep-equals θ exactly (same types, same bits), also through serializeModel/parseSerializedModel;
 * and model.config is plain JSON that survives the file too.
 */
export function checkSerializationRoundTrip<P, D, S extends Statistics>(
  settings: ResolvedSettings<P, D, S>,
  testCase: ConformanceCase<P, D>,
  _auxiliary: LawAuxiliary,
): void {
  const model = settings.model(testCase);
  validateCase(model, testCase);
  const first = call('eStep at θ_0', () => model.eStep(testCase.parameters, testCase.data));
  const next = call('mStep', () => model.mStep(first.statistics, testCase.parameters));
  const configText = JSON.stringify(model.config);
  const configDifference = firstDifference(JSON.parse(configText) as unknown, model.config, 'config');
  if (configDifference !== undefined) violation(`model.config is not plain JSON (it must rebuild the model in a worker or from a file): ${configDifference}.`);
  for (const [label, parameters] of [
    ['θ_0', testCase.parameters],
    ['θ_1 = M(E(θ_0))', next],
  ] as const) {
    const json = call(`parametersToJSON(${label})`, () => model.parametersToJSON(parameters));
    const text = JSON.stringify(json);
    const parsed = JSON.parse(text) as JsonValue;
    const plain = firstDifference(parsed, json, 'json');
    if (plain !== undefined) violation(`parametersToJSON(${label}) is not plain JSON (typed arrays, NaN, undefined or class instances do not survive JSON.stringify): ${plain}.`);
    const back = call(`parametersFromJSON(JSON.parse(JSON.stringify(parametersToJSON(${label}))))`, () => model.parametersFromJSON(parsed));
    const difference = firstDifference(back, parameters, 'θ');
    if (difference !== undefined) violation(`${label} does not round-trip through parametersToJSON/parametersFromJSON exactly: ${difference}.`);

    const logLikelihood = call('logLikelihood', () => model.logLikelihood(parameters, testCase.data));
    const document = serializeModel(model.config.kind, model.config, json, Number.isFinite(logLikelihood) ? { logLikelihood } : {});
    const restored = call('parseSerializedModel', () => parseSerializedModel(JSON.stringify(document), model.config.kind));
    const fromFile = call('parametersFromJSON on the parsed model file', () => model.parametersFromJSON(restored.parameters));
    const fileDifference = firstDifference(fromFile, parameters, 'θ');
    if (fileDifference !== undefined) violation(`${label} does not round-trip through serializeModel/parseSerializedModel exactly: ${fileDifference}.`);
    const restoredConfig = firstDifference(restored.config, model.config, 'config');
    if (restoredConfig !== undefined) violation(`model.config does not survive serializeModel/parseSerializedModel: ${restoredConfig}.`);
    const again = call('logLikelihood at the restored parameters', () => model.logLikelihood(fromFile, testCase.data));
    if (!(again === logLikelihood || (Number.isNaN(again) && Number.isNaN(logLikelihood)))) {
      violation(`The restored ${label} gives log-likelihood ${show(again)}, the original ${show(logLikelihood)}.`);
    }
  }
}
