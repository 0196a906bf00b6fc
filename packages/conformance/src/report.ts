import fc from 'fast-check';
import type { LawName } from './laws.js';

/** What to print so that a failure can be replayed exactly. */
export interface ReplayTarget {
  /** Test file, relative to the package, when known (vitest). */
  readonly testFile?: string;
  /** Test-name filter for vitest's -t. */
  readonly testName?: string;
}

const MAX_COUNTEREXAMPLE = 1500;

/** vitest's -t takes a regular expression: test names such as "mixture (full, prior + weights)" need escaping. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Single-quoted for POSIX shells (nothing inside is expanded). */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The shell line that replays a failing run (seed + shrink path), for one test when the name is known. */
export function replayLine(seed: number, path: string | null, target: ReplayTarget = {}): string {
  const environment = `EM_CONFORMANCE_SEED=${seed}${path === null ? '' : ` EM_CONFORMANCE_PATH="${path}"`}`;
  const file = target.testFile === undefined ? '' : ` ${target.testFile}`;
  const name = target.testName === undefined ? '' : ` -t ${shellQuote(escapeRegExp(target.testName))}`;
  return `${environment} pnpm test${file}${name}`;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The failure report of one law: the violation, the counterexample, the seed and the replay line. */
export function formatFailure<Ts>(law: LawName, details: fc.RunDetails<Ts>, target: ReplayTarget = {}): string {
  const lines: string[] = [`EM conformance law "${law}" failed.`];
  if (details.failed) {
    if (details.errorInstance !== null) lines.push(`  Violation: ${errorText(details.errorInstance)}`);
    if (details.interrupted) lines.push('  The run was interrupted.');
    if (details.counterexample !== null) {
      const shown = fc.stringify(details.counterexample);
      lines.push(`  Counterexample (after ${details.numShrinks} shrinks): ${shown.length > MAX_COUNTEREXAMPLE ? `${shown.slice(0, MAX_COUNTEREXAMPLE)}…` : shown}`);
    }
    lines.push(`  Failed after ${details.numRuns} run(s); seed ${details.seed}, path "${details.counterexamplePath ?? ''}".`);
    lines.push(`  Replay: ${replayLine(details.seed, details.counterexamplePath, target)}`);
  }
  return lines.join('\n');
}
