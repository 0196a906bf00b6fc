// How generated tests and benchmarks build "the model": the package's factory, or — for a
// family-only package — core's generic mixture over the family.

/**
 * @param {import('../src/names.mjs').ModelNames} names
 * @param {{ familyOnly: boolean }} options
 * @returns {{ coreImports: string[], packageImports: string[], build: (components: number | string) => string }}
 */
export function modelExpression(names, options) {
  /** `{ components: 3 }`, or the shorthand `{ components }` when passed the variable of that name. */
  const optionsOf = (components) => (components === 'components' ? '{ components }' : `{ components: ${components} }`);
  if (options.familyOnly) {
    return {
      coreImports: ['createMixtureModel'],
      packageImports: [names.familyClass],
      build: (components) => `createMixtureModel(new ${names.familyClass}(), ${optionsOf(components)})`,
    };
  }
  return {
    coreImports: [],
    packageImports: [names.createModel],
    build: (components) => `${names.createModel}(${optionsOf(components)})`,
  };
}

/** `import { a, b } from 'x';` with the names sorted and de-duplicated. @param {string[]} imported @param {string} from */
export function importLine(imported, from) {
  const unique = [...new Set(imported)].sort((a, b) => a.replace(/^type /, '').localeCompare(b.replace(/^type /, '')));
  return `import { ${unique.join(', ')} } from '${from}';`;
}
