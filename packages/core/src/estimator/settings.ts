import type { JsonValue } from '../contract.js';
import { assertFiniteAtLeast, assertInteger, InvalidOptionsError } from '../errors.js';
import { DEFAULT_FIT_SETTINGS, MAX_ITERATIONS, MAX_RESTARTS, TOLERANCE_RULES } from '../fit/defaults.js';
import type { AsyncFitOptions } from '../fit/fit.js';
import { resolveAcceleration } from '../fit/engine.js';
import { assertFullEStepEvery, resolveEStepKind } from '../fit/sparse-em.js';
import { assertSparseThreshold } from '../mixture/sparse-estep.js';
import { DEFAULT_MEMORY_BUDGET, resolveMemoryBudget } from '../memory-budget.js';
import { assertWorkersOption, type WorkersOption } from '../executor/worker-plan.js';
import { assertSeed } from '../random.js';

/**
 * The fit-loop options an estimator forwards to `fitEm` / `fitEmAsync` under the same name. This
 * list is the one place a new fit setting is added: its type comes from core's FitOptions, its
 * default (if any) from DEFAULT_FIT_SETTINGS, and every estimator accepts, resolves, forwards and
 * saves it without further code.
 */
export const FORWARDED_FIT_SETTINGS = ['nInit', 'seed', 'maxIterations', 'tolerance', 'toleranceRule', 'chunks', 'executor', 'onIteration', 'onEvent', 'signal', 'acceleration', 'estep', 'fullEStepEvery', 'sparseThreshold'] as const;

export type ForwardedFitSetting = (typeof FORWARDED_FIT_SETTINGS)[number];

/**
 * Settings every estimator takes (next to its own model options), `P` its engine parameters:
 * restarts, seed, stopping rule, where E-steps run (`executor`, used by `fitAsync`), callbacks, an
 * abort signal and the memory budget. Each may also be given per `fit` call, except the memory
 * budget, which shapes the model.
 */
export type EstimatorSettings<P = unknown> = Pick<AsyncFitOptions<P>, ForwardedFitSetting> & {
  /**
   * Where `fitAsync` runs E-steps when no `executor` is given (`fit` always runs in process):
   * 'auto' (default) starts worker threads when the data is large enough for them to pay (E-step
   * work ≥ WORKERS_MIN_WORK), as many as the machine, the memory budget and the data allow, and
   * stops them before `fitAsync` settles; in process otherwise, and in browsers unless `workerUrl`
   * is given. A number: that many workers (1 = in process).
   */
  readonly workers?: WorkersOption;
  /**
   * The worker entry `fitAsync` starts its threads from (default: the model package's own built
   * `worker.js`, in Node). Without one, 'auto' fits in process in a browser; a bundled browser app
   * that wants workers passes `executor: createWorkerExecutor({ workerUrl })` from '@em/core/parallel'
   * (the pool is not in the estimator's bundle), unbundled ES modules may pass `workerUrl` here.
   */
  readonly workerUrl?: string | URL;
  /**
   * What a fit or a prediction may allocate beyond the data: bytes, or a size such as '1GiB'
   * (default DEFAULT_MEMORY_BUDGET, 256 MiB). Over it is a MemoryBudgetError, raised before allocating.
   */
  readonly memoryBudget?: number | string;
};

/** The estimator defaults, written once: DEFAULT_FIT_SETTINGS plus one run from seed 0 and the default budget. */
export const ESTIMATOR_DEFAULTS = /* @__PURE__ */ Object.freeze({ ...DEFAULT_FIT_SETTINGS, nInit: 1, seed: 0, memoryBudget: DEFAULT_MEMORY_BUDGET, workers: 'auto' as WorkersOption });

type Defaulted = keyof typeof ESTIMATOR_DEFAULTS;

/** Settings after `resolveEstimatorSettings`: every setting with a default is present; the budget is in bytes. */
export type ResolvedEstimatorSettings<P = unknown> = Omit<EstimatorSettings<P>, Defaulted> & {
  readonly [K in Defaulted]: K extends 'memoryBudget' ? number : NonNullable<EstimatorSettings<P>[K & keyof EstimatorSettings<P>]>;
};

/** Every setting name (the forwarded ones, the memory budget, and where fitAsync runs). */
export const ESTIMATOR_SETTING_NAMES: readonly (ForwardedFitSetting | 'memoryBudget' | 'workers' | 'workerUrl')[] = /* @__PURE__ */ Object.freeze([...FORWARDED_FIT_SETTINGS, 'memoryBudget', 'workers', 'workerUrl']);

/** Per-setting checks run at construction (so a bad seed fails before any data is read). */
function checkSetting(name: string, value: unknown): void {
  switch (name) {
    case 'nInit':
      assertInteger(value as number, 'nInit', 1, MAX_RESTARTS);
      return;
    case 'seed':
      assertSeed(value);
      return;
    case 'maxIterations':
      assertInteger(value as number, 'maxIterations', 0, MAX_ITERATIONS);
      return;
    case 'tolerance':
      assertFiniteAtLeast(value as number, 'tolerance', 0);
      return;
    case 'chunks':
      assertInteger(value as number, 'chunks', 1);
      return;
    case 'toleranceRule':
      if (!(TOLERANCE_RULES as readonly unknown[]).includes(value)) {
        throw new InvalidOptionsError(`toleranceRule must be one of ${TOLERANCE_RULES.join(', ')}; got ${JSON.stringify(value)}.`, "Pass e.g. { toleranceRule: 'relative' }.", {
          option: 'toleranceRule',
        });
      }
      return;
    case 'acceleration':
      resolveAcceleration(value);
      return;
    case 'estep':
      resolveEStepKind(value);
      return;
    case 'fullEStepEvery':
      assertFullEStepEvery(value);
      return;
    case 'sparseThreshold':
      assertSparseThreshold(value);
      return;
    case 'workers':
      assertWorkersOption(value);
      return;
    case 'workerUrl':
      if (!(value instanceof URL) && (typeof value !== 'string' || value.trim() === '')) {
        throw new InvalidOptionsError(`workerUrl must be a URL or a non-empty string; got ${String(value)}.`, "Pass e.g. { workerUrl: new URL('./em-worker.js', import.meta.url) }.", { option: 'workerUrl' });
      }
      return;
    case 'onIteration':
    case 'onEvent':
      if (typeof value !== 'function') throw new InvalidOptionsError(`${name} must be a function; got ${typeof value}.`, `Pass e.g. { ${name}: (info) => console.log(info) }.`, { option: name });
      return;
    default:
      return;
  }
}

/** The given settings picked out of `options` (any other keys are ignored), checked. */
export function pickEstimatorSettings<P>(options: object, names: readonly string[] = ESTIMATOR_SETTING_NAMES): EstimatorSettings<P> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const value = (options as Record<string, unknown>)[name];
    if (value === undefined) continue;
    checkSetting(name, value);
    out[name] = value;
  }
  return out as EstimatorSettings<P>;
}

/** Defaults filled in and every given setting checked (InvalidOptionsError naming the option). */
export function resolveEstimatorSettings<P>(options: object): ResolvedEstimatorSettings<P> {
  const given = pickEstimatorSettings<P>(options) as Record<string, unknown>;
  const memoryBudget = resolveMemoryBudget(given['memoryBudget'] as number | string | undefined);
  return Object.freeze({ ...ESTIMATOR_DEFAULTS, ...given, memoryBudget }) as ResolvedEstimatorSettings<P>;
}

/**
 * The settings a saved model records: the JSON-valued fit settings. Callbacks, signals and
 * executors are not saved, nor the memory budget (a limit of the machine that fits, not a property
 * of the model; a model whose shape depends on it records it in its config).
 */
export function settingsToJSON(settings: object): { readonly [key: string]: JsonValue } {
  const out: Record<string, JsonValue> = {};
  for (const name of FORWARDED_FIT_SETTINGS) {
    const value = (settings as Record<string, unknown>)[name];
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') out[name] = value;
  }
  return out;
}

/** Settings read back from a saved model's `fit.settings` (unknown or mistyped entries are skipped). */
export function settingsFromJSON<P>(json: JsonValue | undefined): EstimatorSettings<P> {
  if (json === null || json === undefined || typeof json !== 'object' || Array.isArray(json)) return {};
  const record = json as { readonly [key: string]: JsonValue };
  const out: Record<string, JsonValue> = {};
  for (const name of FORWARDED_FIT_SETTINGS) {
    const value = record[name];
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') out[name] = value;
  }
  // Documents saved before the rule was recorded used scikit-learn's per-observation rule.
  if (out['tolerance'] !== undefined && out['toleranceRule'] === undefined) out['toleranceRule'] = 'per-observation';
  return pickEstimatorSettings<P>(out);
}
