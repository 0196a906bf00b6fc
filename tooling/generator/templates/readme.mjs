// Template: README.md — the user-facing page (install, a ten-line example, API, options, errors,
// numerics), with TODO(new-model) markers where the contributor must write.

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
    : `import { DenseMatrix, fitEm } from '@em/core';
import { ${names.createModel} } from '${names.packageName}';

const data = DenseMatrix.from([[0.2, 1.5], [0.1, 2.0], [3.5, 0.3], [4.1, 0.2]]);
const model = ${names.createModel}({ components: 2 });
const result = fitEm(model, { observations: data }, { seed: 1, nInit: 3 });
console.log(result.parameters.weights, result.parameters.components, result.bic);
const labels = model.predict(result.parameters, { observations: data });`;
  const apiRows = options.familyOnly
    ? `| \`${names.familyClass}\` | The component family; use it with \`createMixtureModel\` or as an HMM emission model. |`
    : `| \`${names.createModel}(options)\` | The EmModel: fit it with \`fitEm\`, \`fitEmIncremental\` or \`fitEmAsync\`. |
| \`${names.familyClass}\` | The component family on its own (also usable as an HMM emission model). |
| \`modelFromConfig(config)\` | Rebuilds a model from \`model.config\` (saved models, worker threads). |
| \`${names.packageName}/worker\` | Worker-thread entry for \`createWorkerExecutor\` from \`@em/core/parallel\`. |`;
  return `# ${names.packageName}

> TODO(new-model): one paragraph — what the model is, what data it takes, when to use it.

${names.title} models fitted by Expectation–Maximization on [\`@em/core\`](../core). Every model in
the \`@em\` family obeys the same contract and passes the same conformance laws (\`@em/conformance\`).

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
${options.familyOnly ? '' : '| `components` | — | Number of mixture components K ≥ 1. |\n| `weightConcentration` | 1 | Symmetric Dirichlet prior on the weights (1 = maximum likelihood). |\n| `updateWeights` | true | Fit the mixture weights. |\n'}| \`ratePrior\` | \`{ shape: 1, rate: 0 }\` | TODO(new-model): document your options. |

Fit options (\`maxIterations\`, \`tolerance\`, \`toleranceRule\`, \`nInit\`, \`seed\`, \`initialParameters\`,
\`onIteration\`, \`signal\`…) are those of \`@em/core\`'s fit loops.

## Errors

All errors are typed errors from \`@em/core\`; each message names the offending row, column or
parameter and says what to do.

| Error | When |
| --- | --- |
| \`InvalidDataError\` | TODO(new-model): e.g. a negative, NaN or infinite entry (the message names row and column). |
| \`InvalidParametersError\` | Parameters out of range (the message names component and parameter). |
| \`InvalidOptionsError\` | An option out of range. |

## Numerics

TODO(new-model): log-space evaluation, what is computed once per E-step, how degenerate components
are handled (reported as \`degenerate-component\` events), and which priors keep estimates finite.
`;
}
