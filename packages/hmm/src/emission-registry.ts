import { type ComponentFamily, type DenseMatrix, FormatError, InvalidOptionsError, type JsonValue, type Statistics } from '@em/core';

/** Any emission family over dense rows (the type the registry and the domain class work with). */
export type DenseFamily = ComponentFamily<unknown, DenseMatrix, Statistics, unknown>;

/** Rebuilds a family from the `config` it recorded (inverse of `family.config`). */
export type EmissionFamilyFactory = (config: JsonValue) => DenseFamily;

const factories = new Map<string, EmissionFamilyFactory>();

/**
 * Registers how to rebuild an emission family from its `name` and `config` (used by
 * `modelFromConfig`, `HiddenMarkovModel.fromJSON` and worker threads). The built-in families
 * (categorical, gaussian, mixture, poisson) are registered by `modelFromConfig` itself; a family
 * of your own is registered once, before loading a model that uses it.
 */
export function registerEmissionFamily(name: string, factory: EmissionFamilyFactory): void {
  factories.set(name, factory);
}

/** Registers `factory` unless a family of that name is already registered. */
export function registerEmissionFamilyIfAbsent(name: string, factory: EmissionFamilyFactory): void {
  if (!factories.has(name)) factories.set(name, factory);
}

/** Names of the registered emission families. */
export function registeredEmissionFamilies(): string[] {
  return [...factories.keys()];
}

/** Rebuilds a family from `{ name, config }` as recorded in an HMM config. */
export function emissionFamilyFromConfig(value: JsonValue | undefined): DenseFamily {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new FormatError('The HMM config has no valid "emission" ({ name, config }).', 'Pass a config produced by @em/hmm (model.config or a saved file).');
  }
  const record = value as { readonly [key: string]: JsonValue };
  const name = record['name'];
  if (typeof name !== 'string') throw new FormatError('The HMM emission config has no "name".', 'Pass a config produced by @em/hmm.');
  const factory = factories.get(name);
  if (factory === undefined) {
    throw new InvalidOptionsError(
      `No emission family named "${name}" is registered (known: ${registeredEmissionFamilies().join(', ')}).`,
      `Call registerEmissionFamily("${name}", config => family) before loading the model (in worker threads too).`,
      { family: name },
    );
  }
  return factory(record['config'] ?? null);
}
