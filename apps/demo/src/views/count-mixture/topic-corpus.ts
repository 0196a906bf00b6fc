import { DenseMatrix, Random } from '@em/core';

/** The topics a generated document is written on, each with the words it favours. */
export const TOPICS: readonly { readonly name: string; readonly words: readonly string[] }[] = [
  { name: 'weather', words: ['rain', 'cloud', 'wind', 'storm', 'sunny', 'forecast', 'cold', 'snow'] },
  { name: 'kitchen', words: ['bake', 'flour', 'oven', 'recipe', 'butter', 'sugar', 'taste', 'bread'] },
  { name: 'football', words: ['goal', 'match', 'team', 'coach', 'score', 'league', 'player', 'pitch'] },
  { name: 'music', words: ['song', 'guitar', 'band', 'concert', 'melody', 'drum', 'album', 'singer'] },
];

/** Words every topic uses alike: they carry no information about the topic. */
export const COMMON_WORDS: readonly string[] = ['today', 'people', 'good', 'time', 'new', 'week'];

/**
 * Share of a document's words drawn from the topic's own words (the rest are common words or stray
 * words of other topics): mixed enough that EM needs a dozen or more iterations to sort them out.
 */
export const TOPIC_SHARE = 0.45;
export const COMMON_SHARE = 0.2;

export interface TopicCorpusOptions {
  readonly documents: number;
  readonly wordsPerDocument: number;
  /** How many of TOPICS to write about (the first ones). */
  readonly topics: number;
  readonly seed: number;
}

export interface TopicCorpus {
  readonly vocabulary: readonly string[];
  /** documents × vocabulary word counts. */
  readonly counts: DenseMatrix;
  /** The topic each document was written on (hidden from EM). */
  readonly labels: Int32Array;
  /** topics × vocabulary: the true word probabilities the documents were drawn from. */
  readonly wordProbabilities: Float64Array;
}

/** The true word distribution of each topic over the whole vocabulary (topic words first, then common words). */
function topicWordProbabilities(topics: number, vocabularySize: number): Float64Array {
  const topicWords = TOPICS[0]?.words.length ?? 0;
  const strayWords = topicWords * (topics - 1);
  const probabilities = new Float64Array(topics * vocabularySize);
  for (let t = 0; t < topics; t++) {
    for (let v = 0; v < vocabularySize; v++) {
      const owner = v < topics * topicWords ? Math.floor(v / topicWords) : -1;
      let p: number;
      if (owner === t) p = TOPIC_SHARE / topicWords;
      else if (owner === -1) p = COMMON_SHARE / COMMON_WORDS.length;
      else p = strayWords === 0 ? 0 : (1 - TOPIC_SHARE - COMMON_SHARE) / strayWords;
      probabilities[t * vocabularySize + v] = p;
    }
  }
  // With one topic there are no stray words: give their share to the topic's own words.
  if (topics === 1) for (let v = 0; v < topicWords; v++) probabilities[v] = (1 - COMMON_SHARE) / topicWords;
  return probabilities;
}

/** A seeded corpus: each document picks a topic uniformly, then draws its words from that topic's distribution. */
export function generateTopicCorpus(options: TopicCorpusOptions): TopicCorpus {
  const random = new Random(options.seed);
  const chosen = TOPICS.slice(0, options.topics);
  const vocabulary = [...chosen.flatMap((topic) => topic.words), ...COMMON_WORDS];
  const v = vocabulary.length;
  const probabilities = topicWordProbabilities(chosen.length, v);
  const counts = new Float64Array(options.documents * v);
  const labels = new Int32Array(options.documents);
  for (let d = 0; d < options.documents; d++) {
    const topic = random.integer(chosen.length);
    labels[d] = topic;
    for (let w = 0; w < options.wordsPerDocument; w++) {
      // Inverse-CDF draw of one word.
      let u = random.next();
      let word = v - 1;
      for (let j = 0; j < v; j++) {
        u -= probabilities[topic * v + j] as number;
        if (u < 0) {
          word = j;
          break;
        }
      }
      counts[d * v + word] = (counts[d * v + word] as number) + 1;
    }
  }
  return { vocabulary, counts: DenseMatrix.fromArray(counts, options.documents, v), labels, wordProbabilities: probabilities };
}

/** The `count` most probable words of component k (K×V row-major probabilities), most probable first. */
export function topWords(probabilities: Float64Array, k: number, vocabulary: readonly string[], count: number): { word: string; probability: number }[] {
  const v = vocabulary.length;
  const order = Array.from({ length: v }, (_, j) => j).sort((a, b) => (probabilities[k * v + b] as number) - (probabilities[k * v + a] as number) || a - b);
  return order.slice(0, count).map((j) => ({ word: vocabulary[j] as string, probability: probabilities[k * v + j] as number }));
}
