import type { Statistics } from '@em/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAW_DESCRIPTIONS, LAW_NAMES } from './laws.js';
import { resolveSettings, type EmConformanceOptions } from './options.js';
import { runLaw } from './check.js';

function relativeTestFile(): string | undefined {
  const path = expect.getState().testPath;
  if (path === undefined) return undefined;
  const processLike = (globalThis as { process?: { cwd?: () => string } }).process;
  const cwd = processLike?.cwd?.();
  return cwd !== undefined && path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}

/**
 * Registers the EM conformance laws as vitest tests, one `it` per law inside
 * `describe("<name> EM conformance")`. Each test is a fast-check property over the model's
 * generated cases; a failure prints the violation, the counterexample, the seed and a replay line.
 * The seed is printed (console.info) before the laws run, pass or fail.
 */
export function describeEmConformance<P, D, S extends Statistics>(name: string, options: EmConformanceOptions<P, D, S>): void {
  const settings = resolveSettings(options);
  const suite = `${name} EM conformance`;
  describe(suite, () => {
    beforeAll(() => {
      console.info(
        `[@em/conformance] ${name}: seed ${settings.seed}, ${settings.runs} runs per law${settings.path === undefined ? '' : `, replaying path "${settings.path}"`} ` +
          `(replay: EM_CONFORMANCE_SEED=${settings.seed}; more runs: EM_CONFORMANCE_RUNS=200).`,
      );
    });
    for (const law of LAW_NAMES) {
      const optOut = options.laws?.[law];
      const title = `${law}: ${LAW_DESCRIPTIONS[law]}`;
      if (optOut !== undefined) {
        it.skip(`${law}: skipped because ${optOut.skip}`, () => undefined);
        continue;
      }
      it(title, () => {
        const testFile = relativeTestFile();
        const outcome = runLaw(law, settings, options, { ...(testFile === undefined ? {} : { testFile }), testName: `${suite} ${law}` });
        if (outcome.status === 'failed') throw new Error(outcome.message);
      });
    }
  });
}
