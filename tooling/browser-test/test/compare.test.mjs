import { describe, expect, it } from 'vitest';
import { differences, encodeResults } from '../src/compare.mjs';
import { importSpecifiers } from '../src/module-graph.mjs';

// The comparison is what makes the smoke test able to fail: it must see a difference of 1e-9.
describe('differences', () => {
  it('accepts round-off below the tolerance and reports anything larger, with its path', () => {
    expect(differences({ a: [1, 2.5] }, { a: [1, 2.5 * (1 + 1e-14)] }, 1e-12)).toEqual([]);
    expect(differences({ a: [1, 2.5] }, { a: [1, 2.5 * (1 + 1e-9)] }, 1e-12)).toEqual([expect.stringMatching(/^\$\.a\[1\]: 2\.5 vs /)]);
  });

  it('carries NaN, infinities and −0 through JSON and compares them exactly', () => {
    const encoded = encodeResults({ values: new Float64Array([Number.NaN, -Infinity, -0]) });
    expect(JSON.parse(JSON.stringify(encoded))).toEqual({ values: [{ $number: 'NaN' }, { $number: '-Infinity' }, { $number: '-0' }] });
    expect(differences(encoded, encodeResults({ values: [Number.NaN, -Infinity, -0] }), 1e-12)).toEqual([]);
    expect(differences(encoded, encodeResults({ values: [1, -Infinity, -0] }), 1e-12)).toEqual(['$.values[0]: NaN vs 1 (difference NaN)']);
    expect(differences(encoded, encodeResults({ values: [Number.NaN, Infinity, -0] }), 1e-12)).toEqual(['$.values[1]: -Infinity vs Infinity (difference -Infinity)']);
  });

  it('reports shape changes and differing strings', () => {
    expect(differences([1, 2], [1, 2, 3], 1e-12)).toEqual(['$: array of length 2 vs 3']);
    expect(differences({ stop: 'converged' }, { stop: 'maxIterations' }, 1e-12)).toEqual(['$.stop: "converged" vs "maxIterations"']);
    expect(differences({ a: 1 }, { b: 1 }, 1e-12)).toEqual(['$.a: present on one side only', '$.b: present on one side only']);
  });
});

describe('importSpecifiers', () => {
  it('finds static, re-export, side-effect and dynamic imports of built ESM', () => {
    const text = [
      'import { Matrix } from "ml-matrix";',
      'import * as core from "@em/core";',
      'export { a } from "./chunk-ABC.js";',
      'export * from "./other.js";',
      'import "./side-effect.js";',
      'const lazy = () => import("./lazy.js");',
      'const text = "import nothing from here";',
    ].join('\n');
    expect(importSpecifiers(text).sort()).toEqual(['./chunk-ABC.js', './lazy.js', './other.js', './side-effect.js', '@em/core', 'ml-matrix']);
  });
});
