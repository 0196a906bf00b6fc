/** The nine laws every `@em` model obeys, in the order they are checked and reported. */
export const LAW_NAMES = [
  'monotone-objective',
  'm-step-maximizes-q',
  'e-step-log-likelihood',
  'statistics-algebra',
  'chunking-invariance',
  'm-step-purity',
  'incremental-em',
  'serialization-round-trip',
  'accelerated-em',
] as const;

export type LawName = (typeof LAW_NAMES)[number];

/** One line per law, used as the test title (kept free of regular-expression characters for `-t`). */
export const LAW_DESCRIPTIONS: { readonly [L in LawName]: string } = {
  'monotone-objective': 'log-likelihood + log-prior never decreases at any EM step (direct E/M steps and fitEm)',
  'm-step-maximizes-q': 'Q + log-prior at the M-step output beats the previous parameters, a fresh initialisation and perturbations of the output',
  'e-step-log-likelihood': 'the E-step log-likelihood equals logLikelihood on the whole data and on every chunk, and the component-major kernels of a mixture family agree with its row-major ones',
  'statistics-algebra': 'statistics are plain sums: add is associative and commutative, zeroStatistics is its identity, scale by -1 its inverse',
  'chunking-invariance': 'statistics and log-likelihood of the whole data equal the sum over any split, and fitEm gives the same history for any chunk count',
  'm-step-purity': 'the M-step output is valid, inputs are never mutated, and the same input gives the same output',
  'incremental-em': 'incremental EM on one chunk equals batch EM, and on several chunks never lowers the objective',
  'serialization-round-trip': 'parameters survive JSON and serializeModel/parseSerializedModel exactly',
  'accelerated-em': 'with a parameter map, accelerated EM (SQUAREM) never decreases the objective, counts its E-steps, and stops only at plain EM fixed points',
};
