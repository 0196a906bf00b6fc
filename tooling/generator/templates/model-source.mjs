// Template: src/<name>-model.ts — the family wrapped in core's generic finite mixture, plus
// modelFromConfig (how worker threads and saved models rebuild it; the options are in options.ts).
// Generated complete: nothing here depends on the family beyond its names.

/** @param {import('../src/names.mjs').ModelNames} names */
export function modelSource(names) {
  const { componentsType, createModel, familyClass, familyFile, modelFile, modelOptionsType, modelType, preparedType, statisticsType } = names;
  return `// ${modelFile}.ts — the engine model: the family inside @em/core's finite mixture (weights,
// log-sum-exp, responsibilities and the fused block E-step are written once, in core), and
// modelFromConfig, which worker threads and saved models use to rebuild it.
import { createMixtureModel, type DenseMatrix, type MixtureModel, type ModelConfig } from '@em/core';
import { ${familyClass}, type ${componentsType}, type ${preparedType}, type ${statisticsType} } from './${familyFile}.js';
import { MODEL_KIND, modelOptionsFromConfig, type ${modelOptionsType} } from './options.js';

export type ${modelType} = MixtureModel<${componentsType}, DenseMatrix, ${statisticsType}, ${preparedType}>;

/** Builds the EmModel that fitEm / fitEmAsync / the conformance kit drive. */
export function ${createModel}(options: ${modelOptionsType}): ${modelType} {
  // The family reads its own options and ignores the rest (the mixture's, an estimator's settings).
  return createMixtureModel(new ${familyClass}(options), {
    components: options.components,
    kind: MODEL_KIND,
    ...(options.weightConcentration === undefined ? {} : { weightConcentration: options.weightConcentration }),
    ...(options.updateWeights === undefined ? {} : { updateWeights: options.updateWeights }),
  });
}

/** Rebuilds the model from \`model.config\` (worker threads and saved models use this). */
export function modelFromConfig(config: ModelConfig): ${modelType} {
  return ${createModel}(modelOptionsFromConfig(config));
}
`;
}
