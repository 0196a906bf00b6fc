/** A view's Play / Pause button and the timer that advances EM while it plays. */
export interface PlayLoop {
  /** True from start() until stop() (also while a tick runs). */
  readonly playing: boolean;
  /** Labels the button Pause and advances on the next turn of the event loop. */
  start(): void;
  /** Cancels the pending advance and labels the button Play. */
  stop(): void;
}

/**
 * One loop for the stepping views: `advance` moves EM on and says whether to go on; when it says
 * no, the loop stops and calls `finished`. `delay` is read at every tick, so a speed control acts at once.
 */
export function createPlayLoop(button: HTMLButtonElement, advance: () => boolean, delay: () => number, finished: () => void): PlayLoop {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Separate from `timer`: a tick's own timer has fired but is still set while `advance` runs, so
  // only this flag tells the tick that `advance` stopped the loop (e.g. a failed step calling stop()).
  let playing = false;
  const stop = (): void => {
    playing = false;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    button.textContent = 'Play';
    button.setAttribute('aria-pressed', 'false');
  };
  const tick = (): void => {
    if (!advance()) {
      stop();
      finished();
      return;
    }
    if (!playing) return;
    timer = setTimeout(tick, delay());
  };
  return {
    get playing() {
      return playing;
    },
    start() {
      if (timer !== undefined) clearTimeout(timer);
      playing = true;
      button.textContent = 'Pause';
      button.setAttribute('aria-pressed', 'true');
      timer = setTimeout(tick, 0);
    },
    stop,
  };
}
