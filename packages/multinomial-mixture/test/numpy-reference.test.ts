import { Random, fitEm, type MixtureParameters } from '@em/core';
import { describe, expect, it } from 'vitest';
import { createMultinomialMixtureModel, type MultinomialComponents } from '../src/index.js';
import { findNumpyPython, maxRelativeDifference, runNumpyReference } from '../bench/numpy-reference.js';
import { topicDocuments } from '../bench/topic-documents.js';

// The bench's side-by-side NumPy + scipy.sparse EM (bench/numpy-reference.py) must run the same
// algorithm as ours: from the same start on the same CSR data, the log-likelihood at every θ_t
// agrees to round-off. Optional: skipped, saying why, where no Python imports numpy and scipy.
const found = findNumpyPython();
if ('missing' in found) console.warn(`numpy-reference.test.ts skipped: ${found.missing} (set EM_PYTHON to a Python with numpy and scipy).`);

describe.skipIf('missing' in found)('the NumPy + scipy.sparse reference of the bench', () => {
  it('follows our log-likelihood trajectory to 1e-11 relative (seeded data and start)', () => {
    const k = 4;
    const v = 80;
    const iterations = 12;
    const data = topicDocuments(500, v, k, 60, 0.65, new Random(3));
    const random = new Random(4);
    const probabilities = new Float64Array(k * v);
    for (let j = 0; j < k; j++) random.dirichlet(new Float64Array(v).fill(1), probabilities.subarray(j * v, (j + 1) * v));
    const start: MixtureParameters<MultinomialComponents> = { weights: Float64Array.from([0.1, 0.2, 0.3, 0.4]), components: { probabilities, components: k, features: v } };
    const ours = fitEm(createMultinomialMixtureModel({ components: k, pseudocount: 0.01 }), { observations: data }, { initialParameters: start, maxIterations: iterations, tolerance: 0 });
    const reference = runNumpyReference((found as { python: string }).python, data, start, { pseudocount: 0.01, iterations, fits: 1 });
    if (typeof reference === 'string') throw new Error(`bench/numpy-reference.py failed: ${reference}`);
    expect(reference.logLikelihoods).toHaveLength(iterations + 1);
    // The EM moves: a reference that did nothing would not match a trajectory that climbs.
    expect(ours.logLikelihoodHistory[iterations] as number).toBeGreaterThan((ours.logLikelihoodHistory[0] as number) + 1);
    expect(maxRelativeDifference(ours.logLikelihoodHistory, reference.logLikelihoods)).toBeLessThan(1e-11);
  });
});
