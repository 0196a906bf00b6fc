// Every identifier and file name of a generated package, derived once from its kebab-case name.

/** Names the generator refuses: existing tooling and packages whose names mean something else. */
export const RESERVED_NAMES = new Set(['core', 'conformance', 'cli', 'generator', 'tsconfig', 'eslint-config', 'vitest-config', 'browser-test', 'mixture', 'model', 'em']);

const KEBAB_CASE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const MAX_NAME_LENGTH = 60;

/** A bad name or option, with what to do about it (the CLI prints both and exits 1). */
export class GeneratorError extends Error {
  /** @param {string} problem @param {string} remedy */
  constructor(problem, remedy) {
    super(`${problem} ${remedy}`);
    this.name = 'GeneratorError';
    this.problem = problem;
    this.remedy = remedy;
  }
}

/**
 * Throws GeneratorError unless `name` is a usable package name: kebab-case, starts with a letter,
 * not reserved. (Whether it already exists is checked against the repository in generate.mjs.)
 * @param {unknown} name
 * @returns {asserts name is string}
 */
export function validateModelName(name) {
  if (typeof name !== 'string' || name.length === 0) {
    throw new GeneratorError('No model name given.', 'Usage: pnpm new-model <name>, e.g. pnpm new-model poisson-mixture.');
  }
  if (name.startsWith('@')) {
    throw new GeneratorError(`"${name}" includes a scope.`, `Pass the bare name; the package is always published as @em/<name> (e.g. "${name.replace(/^@[^/]*\//, '')}").`);
  }
  if (!KEBAB_CASE.test(name)) {
    const suggestion = name
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^[-0-9]+|-+$/g, '');
    throw new GeneratorError(
      `"${name}" is not kebab-case (lower-case letters and digits separated by single hyphens, starting with a letter).`,
      suggestion.length > 0 && KEBAB_CASE.test(suggestion) ? `Did you mean "${suggestion}"?` : 'Use a name like "poisson-mixture".',
    );
  }
  if (name.length > MAX_NAME_LENGTH) {
    throw new GeneratorError(`"${name}" is ${name.length} characters long.`, `Use at most ${MAX_NAME_LENGTH} characters.`);
  }
  if (RESERVED_NAMES.has(name)) {
    throw new GeneratorError(`"${name}" is reserved in this repository.`, 'Name the package after its model, e.g. "poisson-mixture" or "von-mises-mixture".');
  }
}

/** @param {string} kebab */
function pascalCase(kebab) {
  return kebab
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * @typedef {object} ModelNames
 * @property {string} name                kebab-case package name, e.g. "poisson-mixture"
 * @property {string} packageName         "@em/poisson-mixture"
 * @property {string} modelKind           ModelConfig.kind of the model ("poisson-mixture")
 * @property {string} familyName          ComponentFamily.name ("poisson")
 * @property {string} familyFile          "poisson-family" (src/<familyFile>.ts)
 * @property {string} familyClass         "PoissonFamily"
 * @property {string} componentsType      "PoissonComponents"
 * @property {string} statisticsType      "PoissonStatistics"
 * @property {string} preparedType        "PoissonPrepared"
 * @property {string} familyOptionsType   "PoissonFamilyOptions"
 * @property {string} plainComponentsType "PlainPoissonComponents" (components as users see them)
 * @property {string} componentsToPlain   "poissonComponentsToPlain"
 * @property {string} componentsFromPlain "poissonComponentsFromPlain"
 * @property {string} optionsFromConfig   "poissonOptionsFromConfig" (inverse of family.config)
 * @property {string} randomComponents    "randomPoissonComponents" (valid random parameters, for tests and benchmarks)
 * @property {string} modelFile           "poisson-mixture-model" (src/<modelFile>.ts)
 * @property {string} modelType           "PoissonMixtureModel"
 * @property {string} modelOptionsType    "PoissonMixtureModelOptions"
 * @property {string} createModel         "createPoissonMixtureModel"
 * @property {string} estimatorFile       "poisson-mixture" (src/<estimatorFile>.ts)
 * @property {string} estimatorClass      "PoissonMixture" (the estimator users call)
 * @property {string} estimatorOptionsType "PoissonMixtureOptions"
 * @property {string} estimatorParametersType "PoissonMixtureParameters"
 * @property {string} title               "Poisson mixture" (prose)
 */

/** @param {string} name a validated kebab-case name @returns {ModelNames} */
export function deriveNames(name) {
  // "poisson-mixture" → family "poisson"; a name without the suffix is the family itself.
  const stripped = name.replace(/-mixture$/, '');
  const familyName = stripped.length > 0 ? stripped : name;
  const familyPascal = pascalCase(familyName);
  const familyCamel = familyPascal.charAt(0).toLowerCase() + familyPascal.slice(1);
  const modelPascal = pascalCase(name);
  const words = name.split('-').join(' ');
  return {
    name,
    packageName: `@em/${name}`,
    modelKind: name,
    familyName,
    familyFile: `${familyName}-family`,
    familyClass: `${familyPascal}Family`,
    componentsType: `${familyPascal}Components`,
    statisticsType: `${familyPascal}Statistics`,
    preparedType: `${familyPascal}Prepared`,
    familyOptionsType: `${familyPascal}FamilyOptions`,
    plainComponentsType: `Plain${familyPascal}Components`,
    componentsToPlain: `${familyCamel}ComponentsToPlain`,
    componentsFromPlain: `${familyCamel}ComponentsFromPlain`,
    optionsFromConfig: `${familyCamel}OptionsFromConfig`,
    randomComponents: `random${familyPascal}Components`,
    modelFile: `${name}-model`,
    modelType: `${modelPascal}Model`,
    modelOptionsType: `${modelPascal}ModelOptions`,
    createModel: `create${modelPascal}Model`,
    estimatorFile: name,
    estimatorClass: modelPascal,
    estimatorOptionsType: `${modelPascal}Options`,
    estimatorParametersType: `${modelPascal}Parameters`,
    title: words.charAt(0).toUpperCase() + words.slice(1),
  };
}
