import { describe, expect, it } from 'vitest';
import { generateTopicCorpus, topWords, TOPICS } from './topic-corpus.js';

describe('generateTopicCorpus', () => {
  it('each topic distribution sums to 1 and every document has the asked length', () => {
    for (let topics = 1; topics <= TOPICS.length; topics++) {
      const corpus = generateTopicCorpus({ documents: 40, wordsPerDocument: 25, topics, seed: 9 });
      const v = corpus.vocabulary.length;
      for (let t = 0; t < topics; t++) {
        let sum = 0;
        for (let j = 0; j < v; j++) sum += corpus.wordProbabilities[t * v + j] as number;
        expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
      }
      for (let d = 0; d < 40; d++) {
        let length = 0;
        for (let j = 0; j < v; j++) length += corpus.counts.data[d * v + j] as number;
        expect(length).toBe(25);
      }
    }
  });

  it("the true top words of a topic are the topic's own words", () => {
    const corpus = generateTopicCorpus({ documents: 10, wordsPerDocument: 10, topics: 3, seed: 0 });
    const words = topWords(corpus.wordProbabilities, 1, corpus.vocabulary, 4).map((w) => w.word);
    for (const word of words) expect(TOPICS[1]?.words).toContain(word);
  });
});
