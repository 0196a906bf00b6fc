// The messages between the executor (main thread) and a worker entry that calls serveModels.
import type { EStepResult, ModelConfig } from '../contract.js';
import type { Statistics } from '../statistics/algebra.js';
import type { SerializedError } from './revive.js';

/** What one worker task returns: a result, or a typed error as data. */
export type WorkerReply = { readonly ok: true; readonly result: EStepResult<Statistics> } | { readonly ok: false; readonly error: SerializedError };

/** Main thread → worker: run one E-step. */
export interface EStepRequest {
  readonly kind: 'em:e-step';
  readonly id: number;
  readonly config: ModelConfig;
  readonly parameters: unknown;
  readonly chunk: unknown;
}

/**
 * Worker → main thread. `ready` is sent once serveModels listens: until then no task is sent, and a
 * worker that never says it (an entry a bundler emptied) fails within the start timeout.
 */
export type WorkerMessage = { readonly kind: 'em:ready' } | { readonly kind: 'em:reply'; readonly id: number; readonly reply: WorkerReply };

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (value === null || typeof value !== 'object') return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'em:ready' || kind === 'em:reply';
}

export function isEStepRequest(value: unknown): value is EStepRequest {
  return value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === 'em:e-step';
}
