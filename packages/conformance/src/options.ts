import { InvalidOptionsError, type EmModel, type Random, type Statistics } from '@em/core';
import fc from 'fast-check';
import type { LawName } from './laws.js';

/** One generated test case: parameters θ_0 valid for the model, and data compatible with them. */
export interface ConformanceCase<P, D> {
  readonly parameters: P;
  readonly data: D;
}

/** Opting out of a law requires saying why (it is printed as the skipped test's title). */
export interface LawOptOut {
  readonly skip: string;
}

/** Tolerances, all relative to max(1, |value|) (statistics: to max(1, largest |statistic|)). */
export interface ConformanceTolerances {
  /** Allowed drop of the objective per EM step (default 1e-9, the monitor's round-off rule). */
  readonly monotone: number;
  /** How far Q + log-prior at the M-step output may fall below a competitor's (default 1e-9). */
  readonly maximization: number;
  /** E-step log-likelihood against logLikelihood (default 1e-9). */
  readonly logLikelihood: number;
  /** Statistics algebra identities (default 1e-12). */
  readonly algebra: number;
  /** Whole data against the sum over chunks (default 1e-9). */
  readonly chunking: number;
  /**
   * fitEm's first two objectives with different chunk counts (default 1e-6): summation order
   * changes round-off, and an EM step can amplify it (most near a collapsing component).
   */
  readonly trajectory: number;
  /** Incremental EM on one chunk against batch EM (default 1e-9). */
  readonly incremental: number;
}

export const DEFAULT_TOLERANCES: ConformanceTolerances = {
  monotone: 1e-9,
  maximization: 1e-9,
  logLikelihood: 1e-9,
  algebra: 1e-12,
  chunking: 1e-9,
  trajectory: 1e-6,
  incremental: 1e-9,
};

/**
 * What a model's test file passes to `describeEmConformance` / `checkEmConformance`.
 * Give either `arbitraryCase`, or `arbitraryParameters` with `arbitraryData` (a function of the
 * parameters when the data must fit them, e.g. drawn from the model with a generated seed).
 */
export interface EmConformanceOptions<P, D, S extends Statistics> {
  /**
   * Builds the model under test, afresh for every generated case; it receives the case so that
   * structural options can follow it (e.g. the number of components). `() => model` works too.
   */
  readonly model: (testCase: ConformanceCase<P, D>) => EmModel<P, D, S>;
  readonly arbitraryCase?: fc.Arbitrary<ConformanceCase<P, D>>;
  readonly arbitraryParameters?: fc.Arbitrary<P>;
  readonly arbitraryData?: fc.Arbitrary<D> | ((parameters: P) => fc.Arbitrary<D>);
  /**
   * A valid θ near `parameters` (every free parameter moved a little, constraints kept), using
   * only `random` for randomness. Law 2 checks that no such θ beats the M-step output. Without
   * it, law 2 compares only against θ_t and fresh initialisations — much weaker.
   */
  readonly perturb?: (parameters: P, random: Random) => P;
  /**
   * A fixed case on well-separated data (parameters = a start, data = the data) for the
   * accelerated-em law: plain and accelerated EM from that start must reach the same optimum
   * (1e-7 relative). Without it the law checks monotonicity, the map and fixed points only.
   */
  readonly wellSeparatedCase?: ConformanceCase<P, D>;
  /** EM iterations run by the laws that iterate (default 6). */
  readonly iterations?: number;
  /** Perturbations tried per M-step in law 2 (default 6). */
  readonly perturbations?: number;
  /** Largest chunk count tried when splitting data (default 6). */
  readonly maxChunks?: number;
  /** Opt out of a law, with the reason: `{ 'incremental-em': { skip: 'why' } }`. */
  readonly laws?: Readonly<Partial<Record<LawName, LawOptOut>>>;
  readonly tolerance?: Partial<ConformanceTolerances>;
  /** Runs per law when EM_CONFORMANCE_RUNS is not set (default 20). */
  readonly runs?: number;
  /** Seed when EM_CONFORMANCE_SEED is not set (default: derived from the clock, and printed). */
  readonly seed?: number;
  /** Shrink failing cases to a smaller counterexample (default true). */
  readonly shrink?: boolean;
  /**
   * What a DegenerateModelError thrown by the model means: 'fail' (default) reports it like any
   * violation; 'discard' drops that generated case (fast-check's precondition), for models that
   * legitimately refuse some data (a collapsing component with no fallback). Too many discarded
   * cases still fail, so fix the arbitrary if most cases are degenerate.
   */
  readonly degenerateCases?: 'fail' | 'discard';
}

/** Everything a law needs, resolved once. */
export interface ResolvedSettings<P, D, S extends Statistics> {
  readonly model: (testCase: ConformanceCase<P, D>) => EmModel<P, D, S>;
  readonly arbitraryCase: fc.Arbitrary<ConformanceCase<P, D>>;
  readonly perturb: ((parameters: P, random: Random) => P) | undefined;
  readonly wellSeparatedCase: ConformanceCase<P, D> | undefined;
  readonly iterations: number;
  readonly perturbations: number;
  readonly maxChunks: number;
  readonly tolerance: ConformanceTolerances;
  readonly runs: number;
  readonly seed: number;
  readonly path: string | undefined;
  readonly shrink: boolean;
  readonly degenerateCases: 'fail' | 'discard';
}

export const DEFAULT_RUNS = 20;

/** Environment variables read by the kit (absent outside Node). */
export interface ConformanceEnvironment {
  readonly EM_CONFORMANCE_RUNS?: string | undefined;
  readonly EM_CONFORMANCE_SEED?: string | undefined;
  readonly EM_CONFORMANCE_PATH?: string | undefined;
}

export function readEnvironment(): ConformanceEnvironment {
  const processLike = (globalThis as { process?: { env?: ConformanceEnvironment } }).process;
  return processLike?.env ?? {};
}

function integerOption(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidOptionsError(`${name} must be an integer ≥ ${min}; got ${String(value)}.`, `Pass an integer ≥ ${min}.`, { option: name });
  }
  return value;
}

function integerFromEnvironment(text: string, name: string, min: number): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionsError(`${name}=${JSON.stringify(text)} is not an integer ≥ ${min}.`, `Set ${name} to an integer ≥ ${min}, or unset it.`, {
      option: name,
    });
  }
  return value;
}

function caseArbitraryOf<P, D, S extends Statistics>(options: EmConformanceOptions<P, D, S>): fc.Arbitrary<ConformanceCase<P, D>> {
  if (options.arbitraryCase !== undefined) return options.arbitraryCase;
  const parameters = options.arbitraryParameters;
  const data = options.arbitraryData;
  if (parameters === undefined || data === undefined) {
    throw new InvalidOptionsError(
      'The conformance kit needs generated cases: neither arbitraryCase nor both arbitraryParameters and arbitraryData were given.',
      'Pass arbitraryCase (an fc.Arbitrary of { parameters, data }), or arbitraryParameters with arbitraryData.',
      { option: 'arbitraryCase' },
    );
  }
  if (typeof data === 'function') return parameters.chain((p) => data(p).map((d): ConformanceCase<P, D> => ({ parameters: p, data: d })));
  return fc.record({ parameters, data });
}

/** Clock-derived seed (fast-check's own default is similar); always printed so it can be replayed. */
function freshSeed(): number {
  return Date.now() % 2147483647;
}

/** Options + environment → settings. The environment wins so a printed replay line always works. */
export function resolveSettings<P, D, S extends Statistics>(
  options: EmConformanceOptions<P, D, S>,
  environment: ConformanceEnvironment = readEnvironment(),
): ResolvedSettings<P, D, S> {
  for (const [law, optOut] of Object.entries(options.laws ?? {})) {
    if (optOut !== undefined && (typeof optOut.skip !== 'string' || optOut.skip.trim() === '')) {
      throw new InvalidOptionsError(`Law "${law}" is opted out without a reason.`, `Write why it does not apply: { laws: { '${law}': { skip: 'reason' } } }.`, {
        option: 'laws',
      });
    }
  }
  const runs =
    environment.EM_CONFORMANCE_RUNS !== undefined && environment.EM_CONFORMANCE_RUNS !== ''
      ? integerFromEnvironment(environment.EM_CONFORMANCE_RUNS, 'EM_CONFORMANCE_RUNS', 1)
      : integerOption(options.runs ?? DEFAULT_RUNS, 'runs', 1);
  const seed =
    environment.EM_CONFORMANCE_SEED !== undefined && environment.EM_CONFORMANCE_SEED !== ''
      ? integerFromEnvironment(environment.EM_CONFORMANCE_SEED, 'EM_CONFORMANCE_SEED', -2147483648)
      : options.seed !== undefined
        ? integerOption(options.seed, 'seed', -2147483648)
        : freshSeed();
  const path = environment.EM_CONFORMANCE_PATH !== undefined && environment.EM_CONFORMANCE_PATH !== '' ? environment.EM_CONFORMANCE_PATH : undefined;
  return {
    model: options.model,
    arbitraryCase: caseArbitraryOf(options),
    perturb: options.perturb,
    wellSeparatedCase: options.wellSeparatedCase,
    iterations: integerOption(options.iterations ?? 6, 'iterations', 1),
    perturbations: integerOption(options.perturbations ?? 6, 'perturbations', 0),
    maxChunks: integerOption(options.maxChunks ?? 6, 'maxChunks', 2),
    tolerance: { ...DEFAULT_TOLERANCES, ...(options.tolerance ?? {}) },
    runs,
    seed,
    path,
    shrink: options.shrink ?? true,
    degenerateCases: options.degenerateCases ?? 'fail',
  };
}
