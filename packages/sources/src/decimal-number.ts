/**
 * The number grammar of every text reader (CSV, Matrix Market, the shape in a .npy header):
 * decimal only — an optional sign, digits with an optional fraction (`1`, `-2.5`, `.5`, `3.`)
 * and an optional exponent (`1e-3`, `2E+8`). JavaScript's `Number()` also reads `0x10`, `0b11`,
 * `0o7` and surrounding whitespace as numbers; a data file meaning 16 by `0x10` is far
 * less likely than a corrupted or mislabelled file, so those are refused instead of guessed.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Whole numbers written in decimal digits, with an optional sign. */
const DECIMAL_INTEGER = /^[+-]?\d+$/;

/**
 * The value of a decimal literal (no surrounding whitespace), or undefined when the text is not
 * one. A literal beyond the range of a double (`1e999`) is `undefined` too: it is not a number
 * this program can hold, and reading it as Infinity would hide the problem.
 */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** True when the text is a decimal literal that overflows a double (for a precise message). */
export function isOverflowingDecimal(text: string): boolean {
  return DECIMAL.test(text) && !Number.isFinite(Number(text));
}

/** A whole number written in decimal digits that a double holds exactly (|n| ≤ 2^53 − 1), else undefined. */
export function parseDecimalInteger(text: string): number | undefined {
  if (!DECIMAL_INTEGER.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Hexadecimal, binary and octal literals (`0x10`, `-0b11`, `0o7`), which Number() reads but a data file should not. */
const NON_DECIMAL_LITERAL = /^[+-]?0(?:[xX][0-9a-fA-F]+|[bB][01]+|[oO][0-7]+)$/;

/** True for `0x10`, `0b11`, `0o7` and the like: refused with a message rather than taken for a name or a label. */
export function isNonDecimalLiteral(text: string): boolean {
  return NON_DECIMAL_LITERAL.test(text);
}
