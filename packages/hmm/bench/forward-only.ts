// Forward pass timing (CPU seconds, best of 7) for K = 2 and K = 10 at T = 10^6: a quick check when tuning the kernel.
import { DenseMatrix, Random, Sequences } from '@em/core';
import { categoricalFamily } from '@em/multinomial-mixture';
import { createHmmModel } from '../src/index.js';

for (const [k, m] of [
  [2, 6],
  [10, 50],
] as const) {
  const family = categoricalFamily({ categories: [m], pseudocount: 0 });
  const model = createHmmModel(family, { states: k, transitionInitialization: 'random' });
  const random = new Random(1);
  const x = new Float64Array(1_000_000).map(() => random.integer(m));
  const data = new Sequences(new DenseMatrix(x, x.length, 1));
  const params = model.initialize(data, random);
  let forward = Infinity;
  let eStep = Infinity;
  for (let r = 0; r < 7; r++) {
    let started = process.cpuUsage();
    model.logLikelihood(params, data);
    let used = process.cpuUsage(started);
    forward = Math.min(forward, (used.user + used.system) / 1e6);
    started = process.cpuUsage();
    model.eStep(params, data);
    used = process.cpuUsage(started);
    eStep = Math.min(eStep, (used.user + used.system) / 1e6);
  }
  console.log(`K=${k}: forward ${forward.toFixed(3)} s, E-step ${eStep.toFixed(3)} s (CPU, best of 7)`);
}
