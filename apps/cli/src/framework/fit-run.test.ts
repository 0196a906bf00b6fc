import { describe, expect, it } from 'vitest';
import { type CommonFitSettings, readCommonFitSettings, readPriorStrength } from './fit-report.js';
import { fitReportOf, fitWithProgress, publishFit, restartsFor } from './fit-run.js';
import { type CapturedIo, createCapturedIo } from './io.js';
import { OptionValues } from './options.js';

const settingsOf = (values: Record<string, string | boolean>): CommonFitSettings => readCommonFitSettings(new OptionValues('em fit test', values));

const result = {
  logLikelihood: -12.5,
  history: [-20, -12.5],
  logLikelihoodHistory: [-20.5, -13],
  iterations: 1,
  eSteps: 2,
  historyESteps: [1, 2],
  acceleration: 'none',
  converged: true,
  stopReason: 'tolerance',
  secondsPerIteration: Number.NaN,
  bic: 30,
  aic: 29,
} as const;

function terminalIo(): CapturedIo {
  return { ...createCapturedIo(), stderrIsTerminal: true };
}

describe('fitWithProgress', () => {
  it('shows the log-likelihood plus the offset, the restarts actually run, and fit events as warnings', async () => {
    const io = createCapturedIo();
    const value = await fitWithProgress(io, settingsOf({ 'n-init': '5' }), { label: 'em fit test', runs: 2, logLikelihoodOffset: 10 }, (callbacks) => {
      callbacks.onIteration({ iteration: 0, logLikelihood: -30, objective: -31, change: Number.NaN, run: 1 });
      callbacks.onEvent({ type: 'restart-failed', run: 0, message: 'collapsed' } as Parameters<typeof callbacks.onEvent>[0]);
      return 7;
    });
    expect(value).toBe(7);
    expect(io.captured.stderr).toBe('em fit test run 2/2: iteration 0  log-likelihood -20\nem: warning: restart 0 failed: collapsed\n');
    expect(io.captured.stdout).toBe('');
  });

  it('is silent with --json or --quiet, and ends the progress line when the fit throws', async () => {
    for (const flag of ['json', 'quiet']) {
      const io = createCapturedIo();
      await fitWithProgress(io, settingsOf({ [flag]: true }), { label: 'x', runs: 1 }, (callbacks) => callbacks.onIteration({ iteration: 0, logLikelihood: -1, objective: -1, change: Number.NaN, run: 0 }));
      expect(io.captured.stderr).toBe('');
    }
    const io = terminalIo();
    const failing = fitWithProgress(io, settingsOf({}), { label: 'x', runs: 1 }, (callbacks) => {
      callbacks.onIteration({ iteration: 0, logLikelihood: -1, objective: -1, change: Number.NaN, run: 0 });
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    expect(io.captured.stderr.endsWith('\n')).toBe(true);
  });
});

describe('fit reports', () => {
  it('put the model fields after the history and print one JSON line with --json', async () => {
    const report = fitReportOf('test-model', { weights: [1] }, result, { constant: 3 });
    expect(Object.keys(report)).toEqual([
      'kind',
      'params',
      'logLikelihood',
      'history',
      'logLikelihoodHistory',
      'constant',
      'iterations',
      'eSteps',
      'historyESteps',
      'acceleration',
      'estep',
      'converged',
      'stopReason',
      'secondsPerIteration',
      'bic',
      'aic',
    ]);
    const io = createCapturedIo();
    expect(await publishFit(io, settingsOf({ json: true }), { report, model: () => { throw new Error('no --out, no save'); }, observations: 4, description: ['unused'] })).toBe(0);
    expect(JSON.parse(io.captured.stdout)).toEqual({ ...report, secondsPerIteration: null });
  });

  it('print the description, the shared fit lines and the notes without --json', async () => {
    const io = createCapturedIo();
    await publishFit(io, settingsOf({}), { report: fitReportOf('test-model', {}, result), model: () => { throw new Error('no --out'); }, observations: 5, description: ['Test model'], notes: ['(a note)'] });
    const lines = io.captured.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Test model');
    expect(lines[1]).toBe('log-likelihood  -12.5  (-2.5 per observation, n = 5)');
    expect(lines.at(-3)).toBe('iterations      1 (converged)');
    expect(lines.at(-2)).toBe('E-steps         2');
    expect(lines.at(-1)).toBe('(a note)');
  });
});

describe('shared fit settings', () => {
  it('run once from --init, else --n-init times', () => {
    expect(restartsFor(settingsOf({ 'n-init': '4' }), true)).toBe(1);
    expect(restartsFor(settingsOf({ 'n-init': '4' }), false)).toBe(4);
  });

  it('reconcile a prior strength with --prior none', () => {
    const read = (values: Record<string, string>): number => {
      const options = new OptionValues('em fit test', values);
      return readPriorStrength(options, readCommonFitSettings(options), 'pseudocount', 0.01);
    };
    expect(read({})).toBe(0.01);
    expect(read({ pseudocount: '0.5' })).toBe(0.5);
    expect(read({ prior: 'none' })).toBe(0);
    expect(read({ prior: 'none', pseudocount: '0' })).toBe(0);
    expect(() => read({ prior: 'none', pseudocount: '0.5' })).toThrow('em fit test: --prior none means plain maximum likelihood, which contradicts --pseudocount > 0; drop one of them.');
  });
});
