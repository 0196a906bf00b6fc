import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPlayLoop } from './play-loop.js';

/** The two things the loop touches on its button. */
function fakeButton(): HTMLButtonElement {
  const attributes = new Map<string, string>();
  return {
    textContent: 'Play',
    setAttribute: (name: string, value: string) => attributes.set(name, value),
    getAttribute: (name: string) => attributes.get(name) ?? null,
  } as unknown as HTMLButtonElement;
}

describe('createPlayLoop', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('advances on every tick until advance says no, then calls finished once', () => {
    vi.useFakeTimers();
    const button = fakeButton();
    let steps = 0;
    const finished = vi.fn();
    const loop = createPlayLoop(button, () => ++steps < 5, () => 10, finished);
    loop.start();
    expect(button.textContent).toBe('Pause');
    expect(loop.playing).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(steps).toBe(5);
    expect(finished).toHaveBeenCalledTimes(1);
    expect(loop.playing).toBe(false);
    expect(button.textContent).toBe('Play');
  });

  // Regression: a step that failed during Play called stop() from inside advance (the view's
  // fail()), but the tick then scheduled the next one, so playback went on behind the error.
  it('schedules nothing more when advance stops the loop itself (a failed step)', () => {
    vi.useFakeTimers();
    const button = fakeButton();
    let steps = 0;
    const finished = vi.fn();
    const loop = createPlayLoop(
      button,
      () => {
        steps++;
        if (steps === 3) loop.stop(); // what a view's fail() does
        return true; // the view's advance did not know the step failed
      },
      () => 10,
      finished,
    );
    loop.start();
    vi.advanceTimersByTime(1000);
    expect(steps).toBe(3);
    expect(loop.playing).toBe(false);
    expect(button.textContent).toBe('Play');
    expect(vi.getTimerCount()).toBe(0);
    expect(finished).not.toHaveBeenCalled();
  });

  it('stop() between ticks cancels the pending advance; start() again resumes', () => {
    vi.useFakeTimers();
    const button = fakeButton();
    let steps = 0;
    const loop = createPlayLoop(button, () => ++steps < 100, () => 10, () => undefined);
    loop.start();
    vi.advanceTimersByTime(25);
    const reached = steps;
    loop.stop();
    vi.advanceTimersByTime(1000);
    expect(steps).toBe(reached);
    loop.start();
    loop.start(); // a second start must not run two timers
    vi.advanceTimersByTime(95);
    expect(steps).toBeLessThanOrEqual(reached + 10);
    expect(steps).toBeGreaterThan(reached);
    loop.stop();
  });
});
