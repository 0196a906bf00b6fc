// @em/conformance — the laws every @em model obeys, as fast-check properties registered with vitest.
export { describeEmConformance } from './describe.js';
export { checkEmConformance, lawProperty, runLaw, type ConformanceReport, type LawInput, type LawOutcome } from './check.js';
export { LAW_DESCRIPTIONS, LAW_NAMES, type LawName } from './laws.js';
export {
  DEFAULT_RUNS,
  DEFAULT_TOLERANCES,
  resolveSettings,
  type ConformanceCase,
  type ConformanceEnvironment,
  type ConformanceTolerances,
  type EmConformanceOptions,
  type LawOptOut,
  type ResolvedSettings,
} from './options.js';
export { formatFailure, replayLine, type ReplayTarget } from './report.js';
export type { LawAuxiliary } from './laws/support.js';
export { nonPlainStatistics } from './laws/statistics-algebra.js';
export {
  deepClone,
  expectClose,
  expectDeepEqual,
  firstDifference,
  isClose,
  type CloseOptions,
  type CompareOptions,
} from './compare.js';
export {
  seedArbitrary,
  simplexArbitrary,
  spdMatrixArbitrary,
  stochasticMatrixArbitrary,
  type SimplexOptions,
  type SpdOptions,
} from './arbitraries.js';
