import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineFailure, faithfulCsv, fixtureDirectory, irisCsv, runEm } from './helpers.js';

describe('em predict', () => {
  const directory = fixtureDirectory();
  const modelPath = join(directory, 'model.json');

  it('applies a model saved by em fit gmm --out', async () => {
    const fit = await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--seed', '2', '--out', modelPath, '--json']);
    expect(fit.code).toBe(0);
    const fitted = JSON.parse(fit.stdout) as { params: { means: number[][] } };

    const result = await runEm(['predict', '--model', modelPath, '--data', faithfulCsv, '--json']);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as { kind: string; labels: number[]; probabilities?: number[][] };
    expect(output.kind).toBe('gaussian-mixture');
    expect(output.labels).toHaveLength(272);
    expect(new Set(output.labels)).toEqual(new Set([0, 1]));
    expect(output.probabilities).toBeUndefined();
    // The first Old Faithful eruption (3.6 min, 79 min wait) belongs to the component with the longer mean wait.
    const longer = (fitted.params.means[0]?.[1] ?? 0) > (fitted.params.means[1]?.[1] ?? 0) ? 0 : 1;
    expect(output.labels[0]).toBe(longer);
  });

  it('--proba gives rows that sum to 1 and agree with the labels', async () => {
    const result = await runEm(['predict', '--model', modelPath, '--data', faithfulCsv, '--proba', '--json']);
    const output = JSON.parse(result.stdout) as { labels: number[]; probabilities: number[][] };
    expect(output.probabilities).toHaveLength(272);
    output.probabilities.forEach((row, i) => {
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(row.indexOf(Math.max(...row))).toBe(output.labels[i]);
    });
  });

  it('prints one label per line, or CSV with --proba', async () => {
    const plain = await runEm(['predict', '--model', modelPath, '--data', faithfulCsv]);
    expect(plain.stdout.trimEnd().split('\n')).toHaveLength(272);
    expect(plain.stdout.split('\n')[0]).toMatch(/^[01]$/);
    const csv = await runEm(['predict', '--model', modelPath, '--data', faithfulCsv, '--proba']);
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('label,p0,p1');
    expect(lines).toHaveLength(273);
  });

  it('rejects data whose width differs from the model', async () => {
    expectOneLineFailure(await runEm(['predict', '--model', modelPath, '--data', irisCsv]), /iris\.csv has 4 columns but the model was fitted on D = 2/, 1);
  });

  it('rejects --lengths for a model that is not a sequence model', async () => {
    const files = fixtureDirectory({ 'lengths.csv': '200\n72\n' });
    expectOneLineFailure(await runEm(['predict', '--model', modelPath, '--data', faithfulCsv, '--lengths', 'lengths.csv'], files), /holds a "gaussian-mixture" model, which treats rows independently; drop --lengths/, 2);
  });

  it('rejects files that are not models, and unknown model kinds', async () => {
    const files = fixtureDirectory({
      'notes.json': '{"hello": 1}',
      'alien.json': JSON.stringify({ format: 'em-model', formatVersion: 1, kind: 'alien-model', config: { kind: 'alien-model', options: {} }, parameters: {} }),
    });
    expectOneLineFailure(await runEm(['predict', '--model', 'notes.json', '--data', faithfulCsv], files), /Not an @em model file/, 1);
    expectOneLineFailure(await runEm(['predict', '--model', 'alien.json', '--data', faithfulCsv], files), /holds a "alien-model" model, which em predict cannot apply \(it knows: gaussian-mixture/, 2);
    expectOneLineFailure(await runEm(['predict', '--model', 'missing.json', '--data', faithfulCsv], files), /Cannot read --model file "missing\.json"/, 1);
  });
});
