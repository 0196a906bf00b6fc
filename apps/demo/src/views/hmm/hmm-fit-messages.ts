import type { CasinoEmission } from './casino.js';
import type { HmmCheckpoint } from './hmm-session.js';

/** Rolls above which the view's Fit runs in a Web Worker (see the demo README for the figures). */
export const WORKER_THRESHOLD_ROLLS = 2000;

export interface HmmFitRequest {
  readonly id: number;
  readonly length: number;
  readonly seed: number;
  readonly emission: CasinoEmission;
  /** Where the page's session stands: the worker fits on from there. */
  readonly from: HmmCheckpoint;
}

export type HmmFitReply =
  | { readonly id: number; readonly type: 'result'; readonly checkpoint: HmmCheckpoint }
  | { readonly id: number; readonly type: 'error'; readonly message: string };
