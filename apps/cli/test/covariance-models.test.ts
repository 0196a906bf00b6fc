import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineFailure, faithfulCsv, fixtureDirectory, irisCsv, runEm, runJson } from './helpers.js';

interface Fit {
  logLikelihood: number;
  params: { model: string; covarianceType: string; weights: number[]; means: number[][]; covariances: unknown; decomposition: { covariance: number[][] }[] };
}

// mclust's names on the command line: every model fits, its output (as stored, or its K full
// matrices) is a valid --init, and a start that breaks the model's constraint is a one-line error.
describe("em fit gmm --covariance with mclust's names", () => {
  it.each(['EII', 'EEI', 'VEI', 'EVE', 'VVE', 'EEV', 'VEV', 'EVV'])('%s fits and its output starts the same model again', async (model) => {
    const fitted = await runJson<Fit>(['fit', 'gmm', '--data', irisCsv, '--components', '2', '--covariance', model, '--prior', 'none', '--seed', '1', '--json']);
    expect(fitted.params.model).toBe(model);
    const full = { weights: fitted.params.weights, means: fitted.params.means, covariances: fitted.params.decomposition.map((part) => part.covariance) };
    const directory = fixtureDirectory({ 'stored.json': JSON.stringify(fitted.params), 'full.json': JSON.stringify(full) });
    for (const file of ['stored.json', 'full.json']) {
      const again = await runJson<Fit>(['fit', 'gmm', '--data', irisCsv, '--components', '2', '--covariance', model, '--prior', 'none', '--init', join(directory, file), '--max-iter', '0', '--json']);
      expect(again.logLikelihood).toBeCloseTo(fitted.logLikelihood, 6);
    }
  });

  it('a start that breaks the constraint names the violated part', async () => {
    const start = { weights: [0.5, 0.5], means: [[2, 55], [4.5, 80]], covariances: [[[1, 0], [0, 30]], [[1, 0.5], [0.5, 30]]] };
    const directory = fixtureDirectory({ 'start.json': JSON.stringify(start) });
    expectOneLineFailure(await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--covariance', 'EEI', '--init', join(directory, 'start.json')]), /covariances\[1\] does not satisfy model EEI: its orientation/);
  });

  it('em select gmm takes --init-method and reports progress per model', async () => {
    const result = await runEm(['select', 'gmm', '--data', faithfulCsv, '--components', '1,2', '--covariance', 'EII,VEV', '--init-method', 'random', '--seed', '2']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/EII done \(1 of 2 models\)[\s\S]*VEV done \(2 of 2 models\)/);
    expect(result.stdout).toMatch(/top three by BIC: (EII|VEV),[12] /);
    expectOneLineFailure(await runEm(['select', 'gmm', '--data', faithfulCsv, '--init-method', 'ward']), /--init-method/, 2);
  });
});
