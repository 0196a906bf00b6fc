// CPU seconds per phase of one E-step (best of 5) for problems shaped like the benchmark's:
// where the time goes (densities, forward, backward, the family's accumulate). ONLY=2x6,10x50,gauss picks cases.
// Run: node --import tsx bench/phases.ts (dependencies resolve to their built dist/).
import { type ComponentFamily, DenseMatrix, Random, Sequences, type Statistics } from '@em/core';
import { gaussianFamily } from '@em/gaussian-mixture';
import { categoricalFamily } from '@em/multinomial-mixture';
import { createHmmModel, type HmmModel, type HmmParameters } from '../src/index.js';
import { backwardScaled, forwardScaled, ForwardBackwardWorkspace } from '../src/forward-backward.js';

function cpu(f: () => void, reps = 5): number {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const s = process.cpuUsage();
    f();
    const u = process.cpuUsage(s);
    best = Math.min(best, (u.user + u.system) / 1e6);
  }
  return best;
}
function phases<C, FS extends Statistics, Prepared>(name: string, model: HmmModel<C, DenseMatrix, FS, Prepared>, data: Sequences<DenseMatrix>, params: HmmParameters<C>): void {
  const k = model.k;
  const fam: ComponentFamily<C, DenseMatrix, FS, Prepared> = model.family;
  const T = data.totalLength;
  const ws = new ForwardBackwardWorkspace();
  ws.ensure(T, k);
  const prepared = fam.prepare(params.emissions);
  const outcome = { logLikelihood: 0, impossibleAt: -1 };
  const st = model.zeroStatistics(params);
  const eStep = cpu(() => model.eStep(params, data));
  const prep = cpu(() => fam.prepare(params.emissions));
  const dens = cpu(() => fam.logDensities(prepared, data.observations, 0, T, ws.emission));
  const fwd = cpu(() => { fam.logDensities(prepared, data.observations, 0, T, ws.emission); forwardScaled(k, T, params.startProbabilities, params.transitionMatrix, ws, outcome); }) - dens;
  const bwd = cpu(() => { fam.logDensities(prepared, data.observations, 0, T, ws.emission); forwardScaled(k, T, params.startProbabilities, params.transitionMatrix, ws, outcome); backwardScaled(k, T, params.transitionMatrix, ws, st.start, st.transitions, st.occupancy); }) - dens - fwd;
  const acc = cpu(() => fam.accumulate(prepared, st.emissions, data.observations, 0, T, ws.forward));
  console.log(`${name}: eStep ${eStep.toFixed(3)}  prepare ${prep.toFixed(4)} logDensities ${dens.toFixed(3)} forward ${fwd.toFixed(3)} backward ${bwd.toFixed(3)} accumulate ${acc.toFixed(3)}`);
}
const only = process.env['ONLY']?.split(',');
for (const [k, m, lens] of [[2, 6, [1_000_000]], [10, 50, [1_000_000]], [10, 50, Array(1000).fill(100)]] as const) {
  const name = `${k}x${m} ${lens.length}`;
  if (only && !only.some((o) => name.startsWith(o))) continue;
  const family = categoricalFamily({ categories: [m], pseudocount: 0 });
  const model = createHmmModel(family, { states: k, transitionInitialization: 'random' });
  const random = new Random(1);
  const T = (lens as readonly number[]).reduce((a, b) => a + b, 0);
  const x = new Float64Array(T).map(() => random.integer(m));
  const data = new Sequences(new DenseMatrix(x, T, 1), [...lens]);
  const params = model.initialize(data, random);
  phases(name, model, data, params);
}
if (!only || only.includes('gauss')) {
  const family = gaussianFamily({ covariance: 'full', regCovar: 0 });
  const model = createHmmModel(family, { states: 5, transitionInitialization: 'random' });
  const random = new Random(1);
  const T = 1_000_000;
  const x = new Float64Array(T * 4).map(() => 3 * random.normal());
  const data = new Sequences(new DenseMatrix(x, T, 4));
  const params = model.initialize(data, random);
  phases('gauss 5x4', model, data, params);
}
