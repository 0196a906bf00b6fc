import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { faithfulCsv, fixtureDirectory, runEm } from './helpers.js';

// em predict and em decode load a saved model with the budget of the machine that runs them
// (the budget is not saved with the model): --memory-budget bounds what the loaded model allocates.
describe('em predict --memory-budget reaches the loaded model', () => {
  const directory = fixtureDirectory();
  const modelPath = join(directory, 'model.json');
  const bigCsv = join(directory, 'big.csv');

  it('refuses --proba posteriors over the budget in one line, and gives them under the default', async () => {
    const fit = await runEm(['fit', 'gmm', '--data', faithfulCsv, '--components', '2', '--seed', '1', '--out', modelPath, '--json']);
    expect(fit.code).toBe(0);
    const rows = ['eruptions,waiting'];
    for (let i = 0; i < 50_000; i++) rows.push(`${(1.5 + (i % 37) / 10).toFixed(1)},${50 + (i % 41)}`);
    writeFileSync(bigCsv, `${rows.join('\n')}\n`);
    const refused = await runEm(['predict', '--model', modelPath, '--data', bigCsv, '--proba', '--memory-budget', '1MiB']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/Posteriors of 50000 rows.*memory budget/);
    const accepted = await runEm(['predict', '--model', modelPath, '--data', bigCsv, '--proba', '--json']);
    expect(accepted.code).toBe(0);
    expect((JSON.parse(accepted.stdout) as { probabilities: number[][] }).probabilities).toHaveLength(50_000);
  });
});
