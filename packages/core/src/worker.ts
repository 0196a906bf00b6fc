// Worker-side half of the parallel E-step. A model package's worker entry is three lines:
//   import { serveModels } from '@em/core/worker';
//   import { modelFromConfig } from './index.js';
//   serveModels(modelFromConfig);
import workerpool from 'workerpool';
import type { EmModel, EStepResult, ModelConfig } from './contract.js';
import { reviveData, serializeError, type SerializedError } from './executor/revive.js';
import type { Statistics } from './statistics/algebra.js';

/** Rebuilds a model from its config (each model package exports one). */
export type ModelFactory = (config: ModelConfig) => EmModel<unknown, unknown, Statistics>;

/** What one worker task returns: a result, or a typed error as data. */
export type WorkerReply = { readonly ok: true; readonly result: EStepResult<Statistics> } | { readonly ok: false; readonly error: SerializedError };

/** Handles one E-step request (exported for tests; `serveModels` wires it to the pool). */
export function createEStepHandler(factory: ModelFactory): (config: ModelConfig, parameters: unknown, chunk: unknown) => WorkerReply {
  const models = new Map<string, EmModel<unknown, unknown, Statistics>>();
  return (config, parameters, chunk) => {
    try {
      const key = JSON.stringify(config);
      let model = models.get(key);
      if (model === undefined) {
        model = factory(config);
        models.set(key, model);
      }
      return { ok: true, result: model.eStep(parameters, reviveData(chunk)) };
    } catch (error) {
      return { ok: false, error: serializeError(error) };
    }
  };
}

/** Starts serving E-step requests in this worker (Node worker thread or Web Worker). */
export function serveModels(factory: ModelFactory): void {
  workerpool.worker({ eStep: createEStepHandler(factory) });
}
