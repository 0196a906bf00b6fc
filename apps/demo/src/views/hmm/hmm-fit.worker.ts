// The HMM view's Fit for long casinos, off the main thread: the same seeded session run to
// convergence, posted back as a checkpoint the page's own session restores.
import { simulateCasino } from './casino.js';
import { createHmmSession, runToConvergence } from './hmm-session.js';
import type { HmmFitReply, HmmFitRequest } from './hmm-fit-messages.js';

const scope = self as unknown as { postMessage(message: HmmFitReply): void; onmessage: ((event: MessageEvent<HmmFitRequest>) => void) | null };

scope.onmessage = (event) => {
  const { id, length, seed, emission, from } = event.data;
  try {
    const session = createHmmSession(simulateCasino(length, seed, emission), emission, seed);
    session.restore(from);
    runToConvergence(session);
    scope.postMessage({ id, type: 'result', checkpoint: session.checkpoint() });
  } catch (error) {
    scope.postMessage({ id, type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
