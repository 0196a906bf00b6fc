import { CsrMatrix, DenseMatrix, type EStepResult, Random, type Statistics, maxAbsDifference } from '@em/core';
import { createEStepHandler } from '@em/core/worker';
import { describe, expect, it } from 'vitest';
import { createBernoulliMixtureModel, createCategoricalMixtureModel, createMultinomialMixtureModel, modelFromConfig } from '../src/index.js';
import { syntheticBinary, syntheticCodes, syntheticCounts } from './helpers.js';

// What a worker thread does, without the thread: the task message is structured-cloned (class
// prototypes are lost), the model is rebuilt from its config, and each chunk's E-step must equal
// the in-process one exactly.
const handler = createEStepHandler(modelFromConfig);

function viaWorker(config: unknown, parameters: unknown, chunk: unknown): EStepResult<Statistics> {
  const reply = handler(structuredClone(config) as never, structuredClone(parameters), structuredClone(chunk));
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.result;
}

interface AnyModel {
  readonly config: unknown;
  initialize(data: never, random: Random): unknown;
  splitData(data: never, parts: number): unknown[];
  shareData(data: never): never;
  eStep(parameters: never, data: never): EStepResult<Statistics>;
}

function expectSameAsInProcess(model: AnyModel, data: unknown): void {
  const parameters = model.initialize(data as never, new Random(1));
  for (const chunk of model.splitData(data as never, 3)) {
    const shared = model.shareData(chunk as never);
    const local = model.eStep(parameters as never, chunk as never);
    const remote = viaWorker(model.config, parameters, shared);
    expect(remote.logLikelihood).toBe(local.logLikelihood);
    expect(maxAbsDifference(remote.statistics, local.statistics)).toBe(0);
  }
}

describe('worker E-step (modelFromConfig + structured clone + shared data)', () => {
  it('multinomial, sparse chunks sharing one copy of the non-zeros', () => {
    const { counts } = syntheticCounts({ rows: 90, features: 12, components: 2, tokens: 20, seed: 3, emptyEvery: 9 });
    const model = createMultinomialMixtureModel({ components: 2, pseudocount: 0.1 });
    const data = { observations: CsrMatrix.fromDense(counts) };
    expectSameAsInProcess(model as unknown as AnyModel, data);
    const [a, b] = model.splitData(data, 2).map((chunk) => model.shareData(chunk).observations as CsrMatrix);
    expect(a?.values).toBe(b?.values);
    expect(a?.values.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('multinomial dense, Bernoulli sparse and categorical', () => {
    const { counts } = syntheticCounts({ rows: 60, features: 8, components: 2, tokens: 15, seed: 4 });
    expectSameAsInProcess(createMultinomialMixtureModel({ components: 3 }) as unknown as AnyModel, { observations: DenseMatrix.from(counts) });
    expectSameAsInProcess(createBernoulliMixtureModel({ components: 2, pseudocount: 0 }) as unknown as AnyModel, { observations: CsrMatrix.fromDense(syntheticBinary(60, 7, 2, 1)) });
    expectSameAsInProcess(createCategoricalMixtureModel({ components: 2, categories: [2, 3, 4] }) as unknown as AnyModel, {
      observations: DenseMatrix.from(syntheticCodes(60, [2, 3, 4], 2, 1)),
    });
  });
});
