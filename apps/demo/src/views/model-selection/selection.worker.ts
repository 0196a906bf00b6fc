// The model-selection grid (up to 14 covariance models × 9 component counts) off the main thread.
import { runSelectionGrid } from './selection-grid.js';
import type { SelectionReply, SelectionRequest } from './selection-messages.js';

const scope = self as unknown as { postMessage(message: SelectionReply): void; onmessage: ((event: MessageEvent<SelectionRequest>) => void) | null };

scope.onmessage = (event) => {
  const { id, input } = event.data;
  try {
    const result = runSelectionGrid(input, (progress) => scope.postMessage({ id, type: 'progress', progress }));
    scope.postMessage({ id, type: 'result', result });
  } catch (error) {
    scope.postMessage({ id, type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
