/**
 * Deepest nesting of arrays and objects accepted in a JSON input file. Every document this program
 * reads (a model, --init parameters) nests at most five levels ([K][J][M] tables inside an object);
 * JSON.parse itself copes with any depth, but code that walks the value recursively (validation,
 * re-serialisation) would overflow the call stack on `[[[[…]]]]` a million levels deep.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The deepest nesting of `[` and `{` in JSON text (brackets inside strings are not counted), found
 * in one pass without parsing; stops counting once `limit` is passed.
 */
export function jsonNestingDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b || code === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (code === 0x5d || code === 0x7d) {
      depth--;
    }
  }
  return deepest;
}
