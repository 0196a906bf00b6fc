import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DenseMatrix } from '@em/core';
import { describe, expect, it } from 'vitest';
import { COVARIANCE_TYPES, covarianceParameterCount, faithful, GaussianMixture, selectGaussianMixture } from './helpers.js';

const data = faithful();

describe('GaussianMixture API', () => {
  it('toJSON / fromJSON round-trips exactly and the copy predicts the same', () => {
    for (const covariance of COVARIANCE_TYPES) {
      const model = new GaussianMixture({ components: 2, covariance, seed: 4, weightConcentration: 1.5 });
      model.fit(data);
      const text = JSON.stringify(model.toJSON());
      const copy = GaussianMixture.fromJSON(text);
      expect(JSON.stringify(copy.toJSON().parameters)).toBe(JSON.stringify(model.toJSON().parameters));
      expect(copy.toJSON().config).toEqual(model.toJSON().config);
      // The whole document, fit metadata included, survives a second round trip.
      expect(JSON.stringify(copy.toJSON())).toBe(text);
      expect(copy.parameters).toEqual(model.parameters);
      expect(Array.from(copy.scoreSamples(data))).toEqual(Array.from(model.scoreSamples(data)));
      expect(copy.options.weightConcentration).toBe(1.5);
    }
  });

  it('predict is the argmax of predictProba; score is the mean of scoreSamples (scikit-learn convention)', () => {
    const model = new GaussianMixture({ components: 3, seed: 2 });
    const fit = model.fit(data);
    const labels = model.predict(data);
    const proba = model.predictProba(data);
    labels.forEach((label, i) => {
      const row = proba[i] as number[];
      expect(row[label]).toBe(Math.max(...row));
    });
    const perRow = model.scoreSamples(data);
    const mean = perRow.reduce((a, b) => a + b, 0) / perRow.length;
    expect(model.score(data)).toBeCloseTo(mean, 12);
    expect(model.score(data) * data.length).toBeCloseTo(fit.logLikelihood, 8);
    expect(model.bic(data)).toBeCloseTo(fit.bic, 8);
    expect(model.aic(data)).toBeCloseTo(fit.aic, 8);
    expect(fit.bic).toBeCloseTo(-2 * fit.logLikelihood + fit.freeParameters * Math.log(272), 8);
  });

  it('accepts number[] (one column), number[][] and DenseMatrix alike', () => {
    const column = data.map((row) => row[0] as number);
    const a = new GaussianMixture({ components: 2, seed: 5 }).fit(column);
    const b = new GaussianMixture({ components: 2, seed: 5 }).fit(column.map((v) => [v]));
    const c = new GaussianMixture({ components: 2, seed: 5 }).fit(DenseMatrix.from(column));
    expect(a.history).toEqual(b.history);
    expect(a.history).toEqual(c.history);
    expect(a.parameters.means).toHaveLength(2);
  });

  it('sample is seeded and follows the fitted parameters', () => {
    const model = new GaussianMixture({ components: 2, seed: 1 });
    model.fit(data);
    const first = model.sample(2000, { seed: 9 });
    expect(model.sample(2000, { seed: 9 })).toEqual(first);
    expect(model.sample(2000, { seed: 10 })).not.toEqual(first);
    const p = model.parameters;
    for (let k = 0; k < 2; k++) {
      const rows = first.observations.filter((_, i) => first.labels[i] === k);
      expect(Math.abs(rows.length / 2000 - (p.weights[k] as number))).toBeLessThan(0.05);
      const meanWaiting = rows.reduce((s, r) => s + (r[1] as number), 0) / rows.length;
      expect(Math.abs(meanWaiting - (p.means[k]?.[1] as number))).toBeLessThan(1.5);
    }
  });

  it.each(COVARIANCE_TYPES)('BIC parameter count follows what is fitted (%s)', (covariance) => {
    const k = 3;
    const d = 2;
    const all = new GaussianMixture({ components: k, covariance, seed: 3 }).fit(data);
    expect(all.freeParameters).toBe(k - 1 + k * d + covarianceParameterCount(covariance, k, d));
    const frozen = new GaussianMixture({ components: k, covariance, seed: 3, update: { means: false, weights: false } });
    const fit = frozen.fit(data);
    expect(fit.freeParameters).toBe(covarianceParameterCount(covariance, k, d));
    const initial = new GaussianMixture({ components: k, covariance, seed: 3, maxIterations: 0 }).fit(data);
    expect(frozen.parameters.means).toEqual(initial.parameters.means);
    expect(frozen.parameters.weights).toEqual(initial.parameters.weights);
    const covariancesFrozen = new GaussianMixture({ components: k, covariance, seed: 3, update: { covariances: false } }).fit(data);
    expect(covariancesFrozen.freeParameters).toBe(k - 1 + k * d);
    expect(covariancesFrozen.parameters.covariances).toEqual(initial.parameters.covariances);
    expect(covariancesFrozen.logPrior).toBe(0);
  });

  it('restarts: nInit runs are all reported and the best objective wins; a seed makes fits reproducible', () => {
    const fit = new GaussianMixture({ components: 4, nInit: 3, seed: 11, init: 'random' }).fit(data);
    expect(fit.runs).toHaveLength(3);
    const best = Math.max(...fit.runs.map((r) => r.objective));
    expect(fit.objective).toBe(best);
    const again = new GaussianMixture({ components: 4, nInit: 3, seed: 11, init: 'random' }).fit(data);
    expect(again.history).toEqual(fit.history);
  });

  it('maxIterations n with tolerance 0 runs exactly n iterations; tolerance stops early (per observation)', () => {
    const exact = new GaussianMixture({ components: 2, seed: 1, maxIterations: 7, tolerance: 0 }).fit(data);
    expect(exact.iterations).toBe(7);
    expect(exact.history).toHaveLength(8);
    expect(exact.stopReason).toBe('maxIterations');
    const converged = new GaussianMixture({ components: 2, seed: 1, toleranceRule: 'per-observation', tolerance: 1e-3 }).fit(data);
    expect(converged.converged).toBe(true);
    const h = converged.history;
    expect(Math.abs((h[h.length - 1] as number) - (h[h.length - 2] as number)) / 272).toBeLessThan(1e-3);
  });

  it('onIteration sees every iteration and signal aborts', () => {
    const seen: number[] = [];
    const controller = new AbortController();
    const fit = new GaussianMixture({ components: 2, seed: 1, tolerance: 0, maxIterations: 50 }).fit(data, {
      signal: controller.signal,
      onIteration: (info) => {
        seen.push(info.iteration);
        if (info.iteration === 3) controller.abort();
      },
    });
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(fit.stopReason).toBe('aborted');
  });

  it('fitAsync without an executor equals fit', async () => {
    const a = new GaussianMixture({ components: 2, seed: 1 }).fit(data);
    const b = await new GaussianMixture({ components: 2, seed: 1 }).fitAsync(data);
    expect(b.history).toEqual(a.history);
  });

  const smoke = new URL('./fixtures/worker-smoke.mjs', import.meta.url);
  it.skipIf(!existsSync(new URL('../dist/worker.js', import.meta.url)))('fitAsync on 2 worker threads (dist/ worker entry) equals fit up to round-off', () => {
    // A plain node child: inside vitest, worker threads inherit --conditions=@em/source and would load .ts files.
    const output = execFileSync(process.execPath, [fileURLToPath(smoke)], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 });
    const result = JSON.parse(output) as Record<string, { worst: number; iterations: number }>;
    expect(Object.keys(result)).toEqual(['full', 'tied', 'diagonal', 'spherical']);
    for (const { worst, iterations } of Object.values(result)) {
      expect(iterations).toBe(10);
      expect(worst).toBeLessThan(1e-9);
    }
  });
});

describe('selectGaussianMixture', () => {
  it('fits the grid and returns the whole table and the lowest-BIC model', () => {
    const result = selectGaussianMixture({ data, components: [1, 2, 3, 4], covarianceTypes: 'all', seed: 0, nInit: 2 });
    // 'all' is mclust's fourteen models.
    expect(result.table).toHaveLength(14 * 4);
    for (const row of result.table) {
      expect(row.bic).toBeCloseTo(-2 * row.logLikelihood + row.freeParameters * Math.log(272), 6);
      expect(row.aic).toBeCloseTo(-2 * row.logLikelihood + 2 * row.freeParameters, 6);
      // ICL adds the classification entropy: never below BIC, equal for one component.
      expect(row.icl).toBeGreaterThanOrEqual(row.bic);
      if (row.components === 1) expect(row.icl).toBeCloseTo(row.bic, 9);
    }
    const lowest = Math.min(...result.table.map((r) => r.bic));
    expect(result.best.bic).toBe(lowest);
    expect(result.model.parameters.model).toBe(result.best.model);
    expect(result.model.parameters.weights).toHaveLength(result.best.components);
    // Old Faithful is bimodal: one component is never the BIC choice.
    expect(result.best.components).toBeGreaterThan(1);
    const byAic = selectGaussianMixture({ data, components: [1, 2, 3], covarianceTypes: ['diagonal'], criterion: 'aic' });
    expect(byAic.best.aic).toBe(Math.min(...byAic.table.map((r) => r.aic)));
  });

  it('rejects bad grids', () => {
    expect(() => selectGaussianMixture({ data, components: [] })).toThrow(/non-empty list/);
    expect(() => selectGaussianMixture({ data, components: [2], covarianceTypes: ['XYZ' as never] })).toThrow(/covarianceTypes/);
  });
});
