import { describe, expect, it } from 'vitest';
import { createCapturedIo } from './io.js';
import { createProgress } from './progress.js';

describe('createProgress', () => {
  it('writes nothing when disabled', () => {
    const io = createCapturedIo();
    const progress = createProgress(io, { enabled: false, label: 'x' });
    progress.update({ iteration: 0, logLikelihood: -1, objective: -1, change: Number.NaN });
    progress.finish();
    expect(io.captured).toEqual({ stdout: '', stderr: '' });
  });

  it('throttles lines off a terminal and always writes the last one on finish', () => {
    const io = createCapturedIo();
    let clock = 0;
    const progress = createProgress(io, { enabled: true, label: 'em fit gmm', intervalSeconds: 1, now: () => clock });
    progress.update({ iteration: 0, logLikelihood: -10, objective: -10, change: Number.NaN });
    clock = 0.5;
    progress.update({ iteration: 1, logLikelihood: -9, objective: -9, change: 1 });
    clock = 0.7;
    progress.update({ iteration: 2, logLikelihood: -8.5, objective: -8.5, change: 0.5 });
    progress.finish();
    expect(io.captured.stdout).toBe('');
    expect(io.captured.stderr.split('\n').filter(Boolean)).toEqual([
      'em fit gmm: iteration 0  log-likelihood -10',
      'em fit gmm: iteration 2  log-likelihood -8.5  objective change 0.5',
    ]);
  });

  it('redraws one line on a terminal and ends it on finish', () => {
    const io = { ...createCapturedIo(), stderrIsTerminal: true };
    const captured = { text: '' };
    const terminal = { ...io, stderr: (text: string) => void (captured.text += text) };
    const progress = createProgress(terminal, { enabled: true, label: 'p', intervalSeconds: 0, now: () => 0 });
    progress.update({ iteration: 0, logLikelihood: -2, objective: -2, change: Number.NaN, run: 1, runs: 3 });
    progress.finish();
    expect(captured.text).toBe('\r\u001b[Kp run 2/3: iteration 0  log-likelihood -2\n');
  });
});
