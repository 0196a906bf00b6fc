import { describe, expect, it } from 'vitest';
import { GeneratorError, validateModelName } from '../src/names.mjs';

/** The GeneratorError thrown for `name` (fails the test when none is thrown). */
function errorFor(name) {
  try {
    validateModelName(name);
  } catch (error) {
    expect(error).toBeInstanceOf(GeneratorError);
    return error;
  }
  throw new Error(`validateModelName(${JSON.stringify(name)}) did not throw`);
}

describe('validateModelName', () => {
  it.each(['poisson-mixture', 'von-mises-mixture', 'student-t', 'beta2-mixture', 'gamma'])('accepts %s', (name) => {
    expect(() => validateModelName(name)).not.toThrow();
  });

  it('rejects a missing name with the usage line', () => {
    expect(errorFor('').remedy).toContain('pnpm new-model <name>');
    expect(errorFor(undefined).remedy).toContain('pnpm new-model <name>');
  });

  it('rejects camelCase and suggests the kebab-case spelling', () => {
    const error = errorFor('PoissonMixture');
    expect(error.problem).toContain('not kebab-case');
    expect(error.remedy).toBe('Did you mean "poisson-mixture"?');
    expect(errorFor('poisson_mixture').remedy).toBe('Did you mean "poisson-mixture"?');
  });

  it.each(['poisson--mixture', '-poisson', 'poisson-', '2-poisson', 'poisson mixture', 'poisson.mixture'])('rejects the malformed name %j', (name) => {
    expect(errorFor(name).problem).toContain('not kebab-case');
  });

  it('rejects a scoped name and says to drop the scope', () => {
    const error = errorFor('@em/poisson-mixture');
    expect(error.problem).toContain('includes a scope');
    expect(error.remedy).toContain('"poisson-mixture"');
  });

  it.each(['core', 'conformance', 'cli', 'mixture'])('rejects the reserved name %s', (name) => {
    expect(errorFor(name).problem).toContain('reserved');
  });

  it('rejects names longer than 60 characters', () => {
    expect(errorFor(`a${'-b'.repeat(30)}`).problem).toContain('characters long');
  });
});
