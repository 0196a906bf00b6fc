import { describe, expect, it } from 'vitest';
import { expectOneLineFailure, faithfulCsv, type FitReportJson, fixtureDirectory, runEm, runJson } from './helpers.js';

// Issue 14: --accelerate squarem on every em fit command, and eSteps in the JSON output.

const directory = fixtureDirectory({
  'counts.csv': 'a,b,c\n5,1,0\n4,2,0\n6,0,1\n0,1,6\n1,0,5\n0,2,4\n3,3,1\n2,2,2\n7,1,1\n0,0,8\n',
  'binary.csv': 'a,b,c\n1,0,0\n1,1,0\n1,0,1\n0,0,1\n0,1,1\n0,0,1\n1,1,1\n1,0,0\n0,1,1\n',
  'answers.csv': 'q1,q2\n0,1\n1,2\n0,0\n1,1\n0,2\n1,0\n0,1\n1,2\n0,0\n',
  'symbols.csv': `roll\n${Array.from({ length: 120 }, (_, i) => (i * 7 + (i >> 3)) % 3).join('\n')}\n`,
});

type Report = FitReportJson<unknown>;

const fits: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['gmm', ['fit', 'gmm', '--data', faithfulCsv, '--components', '3', '--seed', '1']],
  ['hmm', ['fit', 'hmm', '--data', 'symbols.csv', '--states', '2', '--emission', 'categorical', '--seed', '1']],
  ['multinomial', ['fit', 'multinomial', '--data', 'counts.csv', '--components', '2', '--seed', '1']],
  ['categorical', ['fit', 'categorical', '--data', 'answers.csv', '--components', '2', '--seed', '1']],
  ['bernoulli', ['fit', 'bernoulli', '--data', 'binary.csv', '--components', '2', '--seed', '1']],
  ['poisson', ['fit', 'poisson', '--data', 'counts.csv', '--components', '2', '--seed', '1']],
];

describe('em fit … --accelerate squarem', () => {
  it.each(fits)('em fit %s: SQUAREM runs, history never decreases, one E-step count per entry, and the optimum is plain EM’s', async (_name, argv) => {
    const plain = await runJson<Report>(argv, directory);
    expect(plain.acceleration).toBe('none');
    expect(plain.eSteps).toBe(plain.iterations + 1);
    const fast = await runJson<Report>([...argv, '--accelerate', 'squarem'], directory);
    expect(fast.acceleration).toBe('squarem');
    expect(fast.accelerationNote).toBeUndefined();
    expect(fast.historyESteps).toHaveLength(fast.history.length);
    expect(fast.historyESteps.at(-1)).toBe(fast.eSteps);
    for (let t = 1; t < fast.history.length; t++) {
      const previous = fast.history[t - 1] as number;
      expect(fast.history[t] as number).toBeGreaterThanOrEqual(previous - 1e-9 * Math.max(1, Math.abs(previous)));
    }
    // Same start (same seed), same rule: the same optimum (objective; where it is flat, as for the
    // Bernoulli mixture's prior-smoothed 9 rows, the log-likelihood alone may differ more).
    const objective = (report: Report): number => report.history.at(-1) as number;
    expect(Math.abs(objective(fast) - objective(plain)) / Math.max(1, Math.abs(objective(plain)))).toBeLessThan(1e-7);
  });

  it('prints the E-step count in the summary and refuses an unknown scheme naming the flag', async () => {
    const summary = await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--accelerate', 'squarem'], directory);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/E-steps\s+\d+ \(SQUAREM\)/);
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--accelerate', 'fast'], directory), /--accelerate/);
  });
});
