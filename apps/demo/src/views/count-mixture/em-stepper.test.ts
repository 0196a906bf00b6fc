import { fitEm } from '@em/core';
import { createBernoulliMixtureModel, createMultinomialMixtureModel } from '@em/multinomial-mixture';
import { describe, expect, it } from 'vitest';
import { createEmStepper } from './em-stepper.js';
import { generateGlyphImages } from './glyphs.js';
import { generateTopicCorpus } from './topic-corpus.js';

function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

describe('createEmStepper', () => {
  it('stepping t times lands where fitEm with maxIterations t does (Bernoulli mixture on glyph images)', () => {
    const images = generateGlyphImages({ count: 120, seed: 3, noise: 0.08, shapes: 4 });
    const model = createBernoulliMixtureModel({ components: 4, init: 'random' });
    const data = { observations: images.pixels };
    const stepper = createEmStepper(model, data, { seed: 5, maxIterations: 500, tolerance: 0 });
    for (let t = 0; t < 6; t++) stepper.step();
    const expected = fitEm(model, data, { seed: 5, maxIterations: 6, tolerance: 0 });
    const state = stepper.state;
    expect(state.iteration).toBe(6);
    expect(state.logLikelihoodHistory).toHaveLength(7);
    state.logLikelihoodHistory.forEach((value, t) => expect(relativeDifference(value, expected.logLikelihoodHistory[t] as number)).toBeLessThan(1e-12));
    state.objectiveHistory.forEach((value, t) => expect(relativeDifference(value, expected.history[t] as number)).toBeLessThan(1e-12));
  });

  it('never lets the objective go down and stops with a reason (multinomial mixture on a topic corpus)', () => {
    const corpus = generateTopicCorpus({ documents: 150, wordsPerDocument: 30, topics: 3, seed: 2 });
    const model = createMultinomialMixtureModel({ components: 3, init: 'random' });
    const stepper = createEmStepper(model, { observations: corpus.counts }, { seed: 0, maxIterations: 200, tolerance: 1e-8 });
    let guard = 0;
    while (stepper.state.stopReason === undefined && guard++ < 300) stepper.step();
    const { objectiveHistory, stopReason } = stepper.state;
    expect(['converged', 'maxIterations']).toContain(stopReason);
    for (let t = 1; t < objectiveHistory.length; t++) {
      const previous = objectiveHistory[t - 1] as number;
      expect(objectiveHistory[t] as number).toBeGreaterThanOrEqual(previous - 1e-9 * Math.max(1, Math.abs(previous)));
    }
    // A step after the stop changes nothing.
    const before = stepper.state.iteration;
    stepper.step();
    expect(stepper.state.iteration).toBe(before);
  });
});
