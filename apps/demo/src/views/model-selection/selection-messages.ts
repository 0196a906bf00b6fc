import type { SelectionGridInput, SelectionGridResult, SelectionProgress } from './selection-grid.js';

/** Page → worker: run one grid (an id tells stale answers apart). */
export interface SelectionRequest {
  readonly id: number;
  readonly input: SelectionGridInput;
}

/** Worker → page: progress after each cell, then the result or an error. */
export type SelectionReply =
  | { readonly id: number; readonly type: 'progress'; readonly progress: SelectionProgress }
  | { readonly id: number; readonly type: 'result'; readonly result: SelectionGridResult }
  | { readonly id: number; readonly type: 'error'; readonly message: string };
