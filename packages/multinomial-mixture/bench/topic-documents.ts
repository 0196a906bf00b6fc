import { CsrMatrix, type Random } from '@em/core';
import { sampleMultinomial } from '../src/index.js';

/**
 * `rows` documents of `tokens` tokens, each from one of K topics, as a CSR count matrix; a topic is
 * `topicShare`·Dirichlet(0.1) over the V features blended with (1 − topicShare) of a flat
 * background, so a small share gives overlapping topics. Seeded by `random`.
 */
export function topicDocuments(rows: number, features: number, components: number, tokens: number, topicShare: number, random: Random): CsrMatrix {
  const topics: Float64Array[] = [];
  for (let k = 0; k < components; k++) {
    const topic = random.dirichlet(new Float64Array(features).fill(0.1));
    for (let f = 0; f < features; f++) topic[f] = topicShare * (topic[f] as number) + (1 - topicShare) / features;
    topics.push(topic);
  }
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  const row = new Float64Array(features);
  for (let i = 0; i < rows; i++) {
    sampleMultinomial(topics[random.integer(components)] as Float64Array, 0, features, tokens, random, row);
    for (let f = 0; f < features; f++) {
      if (row[f] !== 0) {
        indices.push(f);
        values.push(row[f] as number);
      }
    }
    indptr[i + 1] = indices.length;
  }
  return new CsrMatrix(indptr, Int32Array.from(indices), Float64Array.from(values), features);
}
