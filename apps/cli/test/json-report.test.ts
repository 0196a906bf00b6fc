import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCapturedIo, defaultRegistry, main, type ModelHandler } from '../src/index.js';
import { expectOneLineFailure, faithfulCsv, type FitReportJson, fixtureDirectory, runEm, runJson } from './helpers.js';

// Issue 10: what the --json output says, and what it never says.

const counts = 'a,b,c\n5,1,0\n4,2,0\n6,0,1\n0,1,6\n1,0,5\n0,2,4\n3,3,1\n';
const directory = fixtureDirectory({
  'counts.csv': counts,
  'binary.csv': 'a,b,c\n1,0,0\n1,1,0\n1,0,1\n0,0,1\n0,1,1\n0,0,1\n1,1,1\n',
  'answers.csv': 'q1,q2\n0,1\n1,2\n0,0\n1,1\n0,2\n1,0\n0,1\n',
  'symbols.csv': `roll\n${Array.from({ length: 60 }, (_, i) => (i * 7 + (i >> 3)) % 3).join('\n')}\n`,
  'labelled.csv': 'label,x\na,1.5\nb,2.5\nc,3.1\nd,9.8\ne,10.2\nf,11\n',
  'unnamed.csv': 'a,1.5\nb,2.5\nc,3.1\nd,9.8\ne,10.2\nf,11\n',
  'outlier.csv': '1e200,0\n',
});

type Report = FitReportJson<unknown>;

const fits: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['gmm', ['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--seed', '1']],
  ['hmm', ['fit', 'hmm', '--data', 'symbols.csv', '--states', '2', '--emission', 'categorical', '--seed', '1']],
  ['multinomial', ['fit', 'multinomial', '--data', 'counts.csv', '--components', '2', '--seed', '1']],
  ['categorical', ['fit', 'categorical', '--data', 'answers.csv', '--components', '2', '--seed', '1']],
  ['bernoulli', ['fit', 'bernoulli', '--data', 'binary.csv', '--components', '2', '--seed', '1']],
];

describe('logLikelihoodHistory next to history (issue 10)', () => {
  it.each(fits)('em fit %s --json: one log-likelihood per history entry, ending at logLikelihood; equal to history under --prior none', async (_name, argv) => {
    const fit = await runJson<Report>(argv, directory);
    expect(fit.logLikelihoodHistory).toHaveLength(fit.history.length);
    const last = fit.logLikelihoodHistory.at(-1) as number;
    expect(Math.abs(last - fit.logLikelihood)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(fit.logLikelihood)));
    const plain = await runJson<Report>([...argv, '--prior', 'none'], directory);
    plain.history.forEach((objective, i) => expect(Math.abs(objective - (plain.logLikelihoodHistory[i] as number))).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(objective))));
  });

  it('em fit gmm: under the default prior history is the objective and differs from the log-likelihood', async () => {
    const fit = await runJson<Report>(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--seed', '1'], directory);
    // The covariance prior adds a log-prior: the two series differ, and the objective never decreases.
    expect(Math.abs((fit.history.at(-1) as number) - fit.logLikelihood)).toBeGreaterThan(1);
    for (let i = 1; i < fit.history.length; i++) expect(fit.history[i] as number).toBeGreaterThanOrEqual((fit.history[i - 1] as number) - 1e-9 * Math.abs(fit.history[i - 1] as number));
  });
});

describe('columns: which data columns a fit used (issue 10)', () => {
  it('a non-numeric first column is named as skipped under --json --quiet, with a header', async () => {
    const fit = await runJson<Report>(['fit', 'gmm', '--data', 'labelled.csv', '--components', '2', '--quiet'], directory);
    expect(fit.columns).toEqual({ used: ['x'], skipped: ['label'] });
  });

  it('and by 0-based index without a header', async () => {
    const fit = await runJson<Report>(['fit', 'gmm', '--data', 'unnamed.csv', '--components', '2', '--quiet'], directory);
    expect(fit.columns).toEqual({ used: [1], skipped: [0] });
  });

  it('em predict --json names the columns it read, too', async () => {
    const model = join(directory, 'labelled-model.json');
    expect((await runEm(['fit', 'gmm', '--data', 'labelled.csv', '--components', '2', '--out', model, '--quiet'], directory)).code).toBe(0);
    const predicted = await runJson<{ labels: number[]; columns: unknown }>(['predict', '--model', model, '--data', 'labelled.csv'], directory);
    expect(predicted.labels).toHaveLength(6);
    expect(predicted.columns).toEqual({ used: ['x'], skipped: ['label'] });
  });

  it('--columns lists the chosen columns; a sparse file uses all of them', async () => {
    const fit = await runJson<Report>(['fit', 'multinomial', '--data', 'counts.csv', '--components', '2', '--columns', 'c,a'], directory);
    expect(fit.columns).toEqual({ used: ['c', 'a'], skipped: [] });
    const hmm = await runJson<Report>(['fit', 'hmm', '--data', 'symbols.csv', '--states', '2', '--emission', 'categorical'], directory);
    expect(hmm.columns).toEqual({ used: ['roll'], skipped: [] });
  });
});

describe('no NaN or Infinity is printed with exit code 0 (issue 10)', () => {
  it('em predict --proba on a row like 1e200,0 fails with one line and exit 1', async () => {
    const model = join(directory, 'faithful-model.json');
    expect((await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--covariance', 'diagonal', '--seed', '1', '--out', model, '--quiet'], directory)).code).toBe(0);
    for (const extra of [[], ['--json']]) {
      const result = await runEm(['predict', '--model', model, '--data', 'outlier.csv', '--proba', ...extra], directory);
      expectOneLineFailure(result, /^em: error: /, 1);
      expect(result.stderr).not.toMatch(/unexpected|please report/);
    }
  });

  it('a model handler that returns NaN probabilities makes em predict fail (the check does not rely on the model)', async () => {
    const nanHandler: ModelHandler = {
      kind: 'gaussian-mixture',
      description: 'returns NaN',
      predict: () => ({ labels: [0], probabilities: [[Number.NaN, Number.NaN]] }),
    };
    const registry = { commands: defaultRegistry.commands, modelHandlers: [nanHandler] };
    const model = join(directory, 'faithful-model.json');
    const io = createCapturedIo(directory);
    const code = await main(['predict', '--model', model, '--data', 'outlier.csv', '--proba'], io, registry);
    expect(code).toBe(1);
    expect(io.captured.stdout).toBe('');
    expect(io.captured.stderr).toMatch(/^em: error: em predict with .*: probabilities\[0\]\[0\] is NaN, so the result is not valid\./);
  });
});
