import type { CliIo } from './io.js';
import { formatNumber } from './format.js';

/** What a progress line shows after each EM iteration. */
export interface ProgressUpdate {
  readonly iteration: number;
  /** Log-likelihood at the current parameters (shown when given, else the objective). */
  readonly logLikelihood?: number;
  /** Log-likelihood + log-prior (what EM never decreases). */
  readonly objective: number;
  /** objective − previous objective (NaN at iteration 0). */
  readonly change: number;
  /** Restart index (0-based). */
  readonly run?: number;
  readonly runs?: number;
}

export interface Progress {
  update(info: ProgressUpdate): void;
  /** Ends the progress display (call in `finally`, so an error message starts on a fresh line). */
  finish(): void;
}

const silent: Progress = { update: () => undefined, finish: () => undefined };

/**
 * Progress on stderr, so stdout carries only the result. On a terminal one line is redrawn in
 * place; otherwise a line is written at most every `intervalSeconds` (and for the last iteration
 * when `finish` is called), so logs stay short.
 */
export function createProgress(io: CliIo, options: { enabled: boolean; label: string; intervalSeconds?: number; now?: () => number }): Progress {
  if (!options.enabled) return silent;
  const now = options.now ?? (() => performance.now() / 1000);
  const interval = options.intervalSeconds ?? (io.stderrIsTerminal ? 0.05 : 1);
  let lastWritten = Number.NEGATIVE_INFINITY;
  let pending: string | undefined;
  let drawn = false;
  const render = (info: ProgressUpdate): string => {
    const run = info.runs !== undefined && info.runs > 1 ? ` run ${(info.run ?? 0) + 1}/${info.runs}` : '';
    const change = Number.isNaN(info.change) ? '' : `  objective change ${formatNumber(info.change, 3)}`;
    const value = info.logLikelihood === undefined ? `objective ${formatNumber(info.objective, 10)}` : `log-likelihood ${formatNumber(info.logLikelihood, 10)}`;
    return `${options.label}${run}: iteration ${info.iteration}  ${value}${change}`;
  };
  const write = (line: string): void => {
    if (io.stderrIsTerminal) {
      io.stderr(`\r\u001b[K${line}`);
      drawn = true;
    } else io.stderr(`${line}\n`);
    pending = undefined;
    lastWritten = now();
  };
  return {
    update(info) {
      const line = render(info);
      if (now() - lastWritten >= interval) write(line);
      else pending = line;
    },
    finish() {
      if (pending !== undefined) write(pending);
      if (drawn) io.stderr('\n');
      drawn = false;
    },
  };
}
