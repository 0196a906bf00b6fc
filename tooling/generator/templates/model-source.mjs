// Template: src/<name>-model.ts — the family wrapped in core's generic finite mixture, plus
// modelOptionsFromConfig / modelFromConfig (how worker threads and saved models rebuild it).
// Generated complete: nothing here depends on the family beyond its names.

/** @param {import('../src/names.mjs').ModelNames} names */
export function modelSource(names) {
  const { componentsType, createModel, familyClass, familyFile, familyOptionsType, modelFile, modelKind, modelOptionsType, modelType, optionsFromConfig, preparedType, statisticsType } = names;
  return `// ${modelFile}.ts — the engine model: the family inside @em/core's finite mixture (weights,
// log-sum-exp, responsibilities and the fused block E-step are written once, in core), and
// modelFromConfig, which worker threads and saved models use to rebuild it.
import { createMixtureModel, InvalidOptionsError, type DenseMatrix, type JsonValue, type MixtureModel, type ModelConfig } from '@em/core';
import { ${familyClass}, ${optionsFromConfig}, type ${componentsType}, type ${familyOptionsType}, type ${preparedType}, type ${statisticsType} } from './${familyFile}.js';

/** ModelConfig.kind of this model (the name saved models and worker threads know it by). */
export const MODEL_KIND = '${modelKind}';

/** The mixture's own options; everything else is the family's. */
export interface MixtureShapeOptions {
  /** Number of mixture components K ≥ 1. */
  readonly components: number;
  /** Symmetric Dirichlet prior α ≥ 1 on the mixture weights (1 = maximum likelihood). */
  readonly weightConcentration?: number;
  /** Fit the mixture weights (default true). */
  readonly updateWeights?: boolean;
}

/** Options of the engine model: the mixture's and the family's. */
export type ${modelOptionsType} = MixtureShapeOptions & ${familyOptionsType};

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

function recordAt(value: JsonValue | undefined, where: string): { readonly [key: string]: JsonValue } {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionsError(\`\${where} must be an object.\`, \`Pass the config of a \${MODEL_KIND} model (model.config).\`, { option: where });
  }
  return value as { readonly [key: string]: JsonValue };
}

/** The mixture's options recorded in \`model.config.options\`. */
export function mixtureShapeFromConfig(config: ModelConfig): MixtureShapeOptions {
  if (config.kind !== MODEL_KIND) {
    throw new InvalidOptionsError(\`Expected a "\${MODEL_KIND}" config; got kind "\${config.kind}".\`, \`Pass the config of a \${MODEL_KIND} model, or use the package that owns that kind.\`, {
      option: 'kind',
    });
  }
  const options = recordAt(config.options, 'config.options');
  const components = options['components'];
  const weightConcentration = options['weightConcentration'];
  if (typeof components !== 'number' || typeof weightConcentration !== 'number') {
    throw new InvalidOptionsError('config.options needs numeric "components" and "weightConcentration".', \`Pass the config of a \${MODEL_KIND} model (model.config).\`, { option: 'config.options' });
  }
  return { components, weightConcentration, updateWeights: options['updateWeights'] !== false };
}

/** The options a model was built with, read back from \`model.config\` (the mixture's and the family's). */
export function modelOptionsFromConfig(config: ModelConfig): ${modelOptionsType} {
  const shape = mixtureShapeFromConfig(config);
  return { ...shape, ...${optionsFromConfig}(recordAt(config.options, 'config.options')['family']) };
}

/** Rebuilds the model from \`model.config\` (worker threads and saved models use this). */
export function modelFromConfig(config: ModelConfig): ${modelType} {
  return ${createModel}(modelOptionsFromConfig(config));
}
`;
}
