// Template: README.md — the user-facing page (install, a ten-line example, API, options, errors,
// the family's options), with no TODO: what is particular to the model is documented in the family.

/**
 * @param {import('../src/names.mjs').ModelNames} names
 * @param {{ familyOnly: boolean }} options
 */
export function readme(names, options) {
  const example = options.familyOnly
    ? `import { createMixtureModel, DenseMatrix, fitEm } from '@em/core';
import { ${names.familyClass} } from '${names.packageName}';

const data = DenseMatrix.from([[0.2, 1.5], [0.1, 2.0], [3.5, 0.3], [4.1, 0.2]]);
const model = createMixtureModel(new ${names.familyClass}(), { components: 2 });
const result = fitEm(model, { observations: data }, { seed: 1, nInit: 3 });
console.log(result.parameters.weights, result.parameters.components, result.bic);`
    : `import { ${names.estimatorClass} } from '${names.packageName}';

const rows = [[0.2, 1.5], [0.1, 2.0], [3.5, 0.3], [4.1, 0.2]]; // or a DenseMatrix, an ml-matrix Matrix, { data, columns }
const model = new ${names.estimatorClass}({ components: 2, seed: 1, nInit: 3 });
const summary = model.fit(rows);
console.log(model.parameters, summary.logLikelihood, model.bic(rows));
const labels = model.predict(rows); // Int32Array; predictProba(rows) gives number[][]
const restored = ${names.estimatorClass}.fromJSON(JSON.stringify(model.toJSON()));`;
  const apiRows = options.familyOnly
    ? `| \`${names.familyClass}\` | The component family; use it with \`createMixtureModel\` or as an HMM emission model. |
| \`${names.optionsFromConfig}(config)\` | The family's options read back from \`family.config\`. |`
    : `| \`${names.estimatorClass}\` | The estimator: \`fit\`, \`fitAsync\`, \`fitPredict\`, \`predict\`, \`predictProba\`, \`scoreSamples\`, \`score\`, \`bic\`, \`aic\`, \`sample\`, \`parameters\`, \`setParameters\`, \`isFitted\`, \`lastFit\`, \`toJSON\` / \`fromJSON\` — all from \`@em/core\`'s \`Estimator\`, the same in every model package. |
| \`${names.createModel}(options)\` | The engine model: fit it with \`fitEm\`, \`fitEmIncremental\` or \`fitEmAsync\` from \`@em/core\`. |
| \`${names.familyClass}\` | The component family on its own (also usable as an HMM emission model). |
| \`modelFromConfig(config)\` | Rebuilds a model from \`model.config\` (saved models, worker threads). |
| \`${names.packageName}/worker\` | Worker-thread entry for \`createWorkerExecutor\` from \`@em/core/parallel\`. |`;
  const mixtureOptions = options.familyOnly
    ? ''
    : `| \`components\` | — | Number of mixture components K ≥ 1. |
| \`weightConcentration\` | 1 | Symmetric Dirichlet prior on the weights (1 = maximum likelihood). |
| \`updateWeights\` | true | Fit the mixture weights. |
`;
  return `# ${names.packageName}

${options.familyOnly ? `The ${names.familyName} component family` : `${names.title} models`} on [\`@em/core\`](../core), fitted by
Expectation–Maximization. Every model in the \`@em\` family obeys the same contract and passes the
same conformance laws (\`@em/conformance\`). The family — the density, its statistics and M-step,
its options — is \`src/${names.familyFile}.ts\`; its comments say what it models and how.

## Install

\`\`\`sh
npm install ${names.packageName} @em/core
\`\`\`

## Example

\`\`\`ts
${example}
\`\`\`

## API

| Export | What it is |
| --- | --- |
${apiRows}

## Options

| Option | Default | Meaning |
| --- | --- | --- |
${mixtureOptions}| the family's options | | \`${names.familyOptionsType}\`, documented in \`src/${names.familyFile}.ts\`. |
${options.familyOnly ? '' : `
Fit settings (\`nInit\`, \`seed\`, \`maxIterations\`, \`tolerance\`, \`toleranceRule\`, \`memoryBudget\`,
\`onIteration\`, \`onEvent\`, \`signal\`, \`executor\`) are \`@em/core\`'s, with its defaults; each can
also be given to one \`fit\` call.
`}
## Errors

All errors are typed errors from \`@em/core\`; each message names the offending row, column or
parameter and says what to do.

| Error | When |
| --- | --- |
| \`InvalidDataError\` | An entry outside the family's support, or the wrong number of columns (the message names row and column). |
| \`InvalidParametersError\` | Parameters out of range (the message names component and parameter). |
| \`InvalidOptionsError\` | An option out of range. |
| \`MemoryBudgetError\` | Parameter tables over \`memoryBudget\`, refused before allocating. |
${options.familyOnly ? '' : '| `NotFittedError` | A member that needs parameters called before `fit`, `setParameters` or `fromJSON`. |\n'}`;
}
