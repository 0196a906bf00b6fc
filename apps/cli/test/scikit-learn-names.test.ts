import { describe, expect, it } from 'vitest';
import { faithfulCsv, fixtureDirectory, runEm, runJson } from './helpers.js';

// Issue 10, "What users comparing with scikit-learn hit": scikit-learn's covariance names work, and
// the help says what --reg-covar really is.

interface GmmJson {
  params: { covarianceType: string; covariances: number[][] };
  logLikelihood: number;
}

describe("scikit-learn's covariance_type names", () => {
  it('--covariance diag is diagonal in em fit gmm (the same fit)', async () => {
    const diag = await runJson<GmmJson>(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--covariance', 'diag', '--seed', '3']);
    const diagonal = await runJson<GmmJson>(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--covariance', 'diagonal', '--seed', '3']);
    expect(diag.params.covarianceType).toBe('diagonal');
    expect(diag).toEqual(expect.objectContaining({ logLikelihood: diagonal.logLikelihood, params: diagonal.params }));
  });

  it('em select gmm and em fit hmm accept diag too', async () => {
    const select = await runJson<{ table: Array<{ covarianceType: string }> }>(['select', 'gmm', '--data', faithfulCsv, '--components', '1,2', '--covariance', 'full,diag']);
    expect(select.table.map((row) => row.covarianceType)).toEqual(['full', 'full', 'diagonal', 'diagonal']);
    const directory = fixtureDirectory({ 'x.csv': `x,y\n${Array.from({ length: 40 }, (_, i) => `${Math.sin(i) + (i % 2) * 5},${Math.cos(i)}`).join('\n')}\n` });
    const hmm = await runJson<{ params: { emission: { covarianceType: string } } }>(['fit', 'hmm', '--data', 'x.csv', '--states', '2', '--emission', 'gaussian', '--covariance', 'diag'], directory);
    expect(hmm.params.emission.covarianceType).toBe('diagonal');
  });
});

describe('--reg-covar help', () => {
  it('describes a prior whose ridge shrinks with the component weight, not scikit-learn reg_covar', async () => {
    for (const command of [['fit', 'gmm'], ['select', 'gmm']]) {
      const help = (await runEm([...command, '--help'])).stdout.replace(/\s+/g, ' ');
      const line = /--reg-covar R (.*?)\[default: 1e-6\]/.exec(help)?.[1] ?? '';
      expect(line).toMatch(/prior on the covariances/);
      expect(line).toMatch(/\(scatter \+ λ·I\) \/ n_k/);
      expect(line).toMatch(/Not scikit-learn's reg_covar/);
      expect(line).not.toMatch(/\(as scikit-learn reg_covar\)/);
    }
  });
});
