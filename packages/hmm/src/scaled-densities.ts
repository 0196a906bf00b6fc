import type { ComponentFamily, Statistics } from '@em/core';

/**
 * Optional capability of an emission family: the emission densities of rows start … end − 1
 * already shifted and exponentiated, b_i(k) = exp(log f_k(x_i) − m_i) with m_i = max_k log f_k(x_i)
 * (written to out[(i − start)·K + k] and shifts[i − start]; m_i = −∞ and b_i = 0 for a row with
 * density 0 under every component). The forward pass then needs no exp per (step, state): a
 * categorical family reads b and m from a per-symbol table made once per E-step. Families without
 * it are served through `logDensities`.
 */
export interface ScaledDensities<Prepared, X> {
  scaledDensities(prepared: Prepared, x: X, start: number, end: number, out: Float64Array, shifts: Float64Array): void;
}

/** The family's `scaledDensities`, when it has one. */
export function scaledDensitiesOf<C, X, FS extends Statistics, Prepared>(family: ComponentFamily<C, X, FS, Prepared>): ScaledDensities<Prepared, X> | undefined {
  const candidate = family as ComponentFamily<C, X, FS, Prepared> & Partial<ScaledDensities<Prepared, X>>;
  return typeof candidate.scaledDensities === 'function' ? (candidate as ScaledDensities<Prepared, X>) : undefined;
}

/**
 * Emission densities that take few distinct values, tabulated: observation row i has the scaled
 * densities table[code_i·K + k] (max 1 over k) and shift shifts[code_i], with code_i = codes[i].
 */
export interface DensityTable {
  readonly table: Float64Array;
  readonly shifts: Float64Array;
  readonly codes: Float64Array;
}

/**
 * Optional capability of an emission family (a categorical family over one variable has it): the
 * densities of all rows of x as a DensityTable, or undefined when they are not tabulated. The
 * forward–backward loops then read b_t from the table and need no T×K emission buffer.
 */
export interface TabulatedDensities<Prepared, X> {
  densityTable(prepared: Prepared, x: X): DensityTable | undefined;
}

/** The family's `densityTable`, when it has one. */
export function tabulatedDensitiesOf<C, X, FS extends Statistics, Prepared>(family: ComponentFamily<C, X, FS, Prepared>): TabulatedDensities<Prepared, X> | undefined {
  const candidate = family as ComponentFamily<C, X, FS, Prepared> & Partial<TabulatedDensities<Prepared, X>>;
  return typeof candidate.densityTable === 'function' ? (candidate as TabulatedDensities<Prepared, X>) : undefined;
}
