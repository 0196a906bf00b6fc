// The messages between the executor (main thread) and a worker entry that calls serveModels.
import type { EStepResult, ModelConfig } from '../contract.js';
import type { Statistics } from '../statistics/algebra.js';
import type { SerializedError } from './revive.js';

/** What one worker task returns: a result (an E-step's, or a named task's), or a typed error as data. */
export type WorkerReply<R = EStepResult<Statistics>> = { readonly ok: true; readonly result: R } | { readonly ok: false; readonly error: SerializedError };

/** Main thread → worker: run one E-step. */
export interface EStepRequest {
  readonly kind: 'em:e-step';
  readonly id: number;
  readonly config: ModelConfig;
  readonly parameters: unknown;
  readonly chunk: unknown;
}

/**
 * Main thread → worker: run a named task the worker entry registered with serveModels (e.g. a whole
 * model-selection cell), on a payload of numbers, arrays and typed arrays.
 */
export interface NamedTaskRequest {
  readonly kind: 'em:task';
  readonly id: number;
  readonly task: string;
  readonly payload: unknown;
}

/** Any request the pool sends. */
export type WorkerRequest = EStepRequest | NamedTaskRequest;

/**
 * Worker → main thread. `ready` is sent once serveModels listens: until then no task is sent, and a
 * worker that never says it (an entry a bundler emptied) fails within the start timeout.
 */
export type WorkerMessage = { readonly kind: 'em:ready' } | { readonly kind: 'em:reply'; readonly id: number; readonly reply: WorkerReply<unknown> };

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (value === null || typeof value !== 'object') return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'em:ready' || kind === 'em:reply';
}

export function isEStepRequest(value: unknown): value is EStepRequest {
  return value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === 'em:e-step';
}

export function isNamedTaskRequest(value: unknown): value is NamedTaskRequest {
  return value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === 'em:task';
}

/** The task name of a prediction pass on one chunk, served by every worker entry (serveModels). */
export const CLASSIFY_TASK = 'em:classify';
