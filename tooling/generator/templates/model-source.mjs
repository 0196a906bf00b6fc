// Template: src/<name>-model.ts — the family wrapped in core's generic finite mixture, plus
// modelFromConfig (how worker threads and saved files rebuild the model).

/** @param {import('../src/names.mjs').ModelNames} names */
export function modelSource(names) {
  const { familyClass, familyFile, familyOptionsType, componentsType, statisticsType, preparedType, modelFile, modelType, modelOptionsType, createModel, modelKind } = names;
  return `// ${modelFile}.ts — the model: the family inside @em/core's finite mixture (weights, log-sum-exp,
// responsibilities and the fused block E-step are written once, in core).
import { createMixtureModel, InvalidOptionsError, type DenseMatrix, type JsonValue, type MixtureModel, type ModelConfig } from '@em/core';
import { ${familyClass}, type ${componentsType}, type ${familyOptionsType}, type ${preparedType}, type ${statisticsType} } from './${familyFile}.js';

/** ModelConfig.kind of this model (the name saved models and worker threads know it by). */
export const MODEL_KIND = '${modelKind}';

/** Options of the model, typed and chosen once. TODO(new-model): add yours (and read them in modelFromConfig). */
export interface ${modelOptionsType} extends ${familyOptionsType} {
  /** Number of mixture components K ≥ 1. */
  readonly components: number;
  /** Symmetric Dirichlet prior α ≥ 1 on the mixture weights (1 = maximum likelihood). */
  readonly weightConcentration?: number;
  /** Fit the mixture weights (default true). */
  readonly updateWeights?: boolean;
}

export type ${modelType} = MixtureModel<${componentsType}, DenseMatrix, ${statisticsType}, ${preparedType}>;

/**
 * Builds the EmModel that fitEm / fitEmAsync / the conformance kit drive.
 * TODO(new-model): put a domain API on top (a class with fit / predict / sample that accepts
 * plain arrays), as the other model packages do; keep this factory as its engine.
 */
export function ${createModel}(options: ${modelOptionsType}): ${modelType} {
  const family = new ${familyClass}(options.ratePrior === undefined ? {} : { ratePrior: options.ratePrior });
  return createMixtureModel(family, {
    components: options.components,
    kind: MODEL_KIND,
    ...(options.weightConcentration === undefined ? {} : { weightConcentration: options.weightConcentration }),
    ...(options.updateWeights === undefined ? {} : { updateWeights: options.updateWeights }),
  });
}

function record(value: JsonValue | undefined, where: string): { readonly [key: string]: JsonValue } {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionsError(\`\${where} must be an object.\`, 'Pass the config of a ${modelKind} model (model.config).', { option: where });
  }
  return value as { readonly [key: string]: JsonValue };
}

function numberAt(value: { readonly [key: string]: JsonValue }, key: string, where: string): number {
  const found = value[key];
  if (typeof found !== 'number') {
    throw new InvalidOptionsError(\`\${where}.\${key} must be a number; got \${JSON.stringify(found ?? null)}.\`, 'Pass the config of a ${modelKind} model (model.config).', { option: key });
  }
  return found;
}

/**
 * Rebuilds the model from \`model.config\` (worker threads and saved models use this). Everything
 * the constructor needs must be in the config: mixture options and the family's options.
 */
export function modelFromConfig(config: ModelConfig): ${modelType} {
  if (config.kind !== MODEL_KIND) {
    throw new InvalidOptionsError(\`Expected a "\${MODEL_KIND}" config; got kind "\${config.kind}".\`, 'Pass the config of a ${modelKind} model, or use the package that owns that kind.', {
      option: 'kind',
    });
  }
  const options = record(config.options, 'config.options');
  const family = record(options['family'], 'config.options.family');
  const prior = record(family['ratePrior'], 'config.options.family.ratePrior');
  return ${createModel}({
    components: numberAt(options, 'components', 'config.options'),
    weightConcentration: numberAt(options, 'weightConcentration', 'config.options'),
    updateWeights: options['updateWeights'] !== false,
    ratePrior: { shape: numberAt(prior, 'shape', 'ratePrior'), rate: numberAt(prior, 'rate', 'ratePrior') },
  });
}
`;
}
