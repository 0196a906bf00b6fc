import { HiddenMarkovModel } from '@em/hmm';
import { describe, expect, it } from 'vitest';
import { expectOneLineFailure, fixtureDirectory, runEm } from './helpers.js';

const weather = new HiddenMarkovModel({ states: 2, emission: { type: 'categorical', symbols: 3 } }).setModelParameters({
  startProbabilities: Float64Array.from([0.6, 0.4]),
  transitionMatrix: Float64Array.from([0.7, 0.3, 0.4, 0.6]),
  emissions: { probabilities: Float64Array.from([0.5, 0.4, 0.1, 0.1, 0.3, 0.6]), categories: [3], components: 2 },
});

describe('em decode', () => {
  it('Viterbi path and probability of the Healthy/Fever example; posterior decoding', async () => {
    const dir = fixtureDirectory({ 'model.json': JSON.stringify(weather.toJSON()), 'obs.csv': '0\n1\n2\n' });
    const viterbi = JSON.parse((await runEm(['decode', '--model', 'model.json', '--data', 'obs.csv', '--json'], dir)).stdout) as { states: number[]; logProbability: number };
    expect(viterbi.states).toEqual([0, 0, 1]);
    expect(Math.exp(viterbi.logProbability)).toBeCloseTo(0.01512, 12);
    const map = JSON.parse((await runEm(['decode', '--model', 'model.json', '--data', 'obs.csv', '--algorithm', 'map', '--json'], dir)).stdout) as { logProbability: number };
    expect(Math.exp(map.logProbability)).toBeCloseTo(0.03628, 12);
  });

  it('rejects a model of another kind, symbols out of range and a bad algorithm with one line', async () => {
    const dir = fixtureDirectory({
      'model.json': JSON.stringify(weather.toJSON()),
      'other.json': JSON.stringify({ ...weather.toJSON(), kind: 'gaussian-mixture' }),
      'bad.csv': '0\n5\n',
      'obs.csv': '0\n1\n2\n',
      'lengths.csv': '2\n2\n',
      'pairs.csv': '0,1\n1,2\n',
    });
    expectOneLineFailure(await runEm(['decode', '--model', 'other.json', '--data', 'bad.csv'], dir), /holds a "gaussian-mixture" model, not a "hmm"/);
    expectOneLineFailure(await runEm(['decode', '--model', 'model.json', '--data', 'bad.csv'], dir), /data\[1\]\[0\] = 5/);
    expectOneLineFailure(await runEm(['decode', '--model', 'model.json', '--data', 'bad.csv', '--algorithm', 'forward'], dir), /--algorithm expects one of viterbi\|map/, 2);
    expectOneLineFailure(await runEm(['decode', '--model', 'model.json', '--data', 'obs.csv', '--lengths', 'lengths.csv'], dir), /--lengths lengths\.csv sums to 4 but the data has 3 rows/, 1);
    expectOneLineFailure(await runEm(['predict', '--model', 'model.json', '--data', 'bad.csv'], dir), /data\[1\]\[0\] = 5/, 1);
    expectOneLineFailure(await runEm(['decode', '--model', 'model.json', '--data', 'pairs.csv'], dir), /2 columns/, 1);
  });
});
