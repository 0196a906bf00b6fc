// Baum–Welch over a row stream cut into blocks of whole sequences (fitHmmStream) against the
// in-memory fit (fitEm) from the same initial parameters: the same trajectory to 1e-10 relative.
import { arraySource, DenseMatrix, fitEm, MemoryBudgetError, Random, Sequences, InvalidDataError, type DataSource } from '@em/core';
import { describe, expect, it } from 'vitest';
import { fitHmmStream, hmmModelFromOptions, planSequenceStream, sequenceBlocks, type SequenceBoundaries, type EmissionSpec } from '../src/index.js';

/** Sequences drawn from a K-state HMM with the given emission spec's fitted-looking parameters. */
function drawSequences(emission: EmissionSpec, lengths: number[], seed: number): { readonly x: DenseMatrix; readonly lengths: number[] } {
  const k = 3;
  const model = hmmModelFromOptions({ states: k, emission, seed });
  const random = new Random(seed);
  // A left-to-right-ish chain with a structural zero (2 → 0).
  const transitionMatrix = Float64Array.from([0.8, 0.15, 0.05, 0.1, 0.8, 0.1, 0, 0.2, 0.8]);
  const startProbabilities = Float64Array.from([0.5, 0.3, 0.2]);
  const columns = emission.type === 'categorical' ? 1 : 2;
  const seedRows = new Float64Array(60 * columns);
  for (let i = 0; i < 60; i++) {
    const state = i % k;
    for (let c = 0; c < columns; c++) {
      seedRows[i * columns + c] = emission.type === 'categorical' ? (state * 2 + (i % 2)) % emission.symbols : emission.type === 'poisson' ? 2 + 5 * state + (i % 3) : 3 * state + random.normal() + c;
    }
  }
  const seedData = new Sequences(new DenseMatrix(seedRows, 60, columns));
  const emissions = model.initialize(seedData, new Random(seed)).emissions;
  const params = { startProbabilities, transitionMatrix, emissions };
  const total = lengths.reduce((a, b) => a + b, 0);
  const out = new Float64Array(total * columns);
  let at = 0;
  for (const length of lengths) {
    const drawn = model.sample(params, length, random);
    out.set(drawn.observations, at * columns);
    at += length;
  }
  return { x: new DenseMatrix(out, total, columns), lengths };
}

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}

const cases: Array<{ readonly name: string; readonly emission: EmissionSpec }> = [
  { name: 'Gaussian full', emission: { type: 'gaussian', covariance: 'full', regCovar: 1e-6 } },
  { name: 'categorical', emission: { type: 'categorical', symbols: 6, pseudocount: 0.1 } },
  { name: 'Poisson', emission: { type: 'poisson' } },
];

describe('fitHmmStream', () => {
  for (const { name, emission } of cases) {
    it(`${name}: the streamed trajectory equals the in-memory fit to 1e-10 relative (lengths; blocks of several sequences, reader blocks cutting sequences)`, async () => {
      const lengths = [40, 7, 120, 1, 33, 64, 90, 2, 55];
      const { x } = drawSequences(emission, lengths, 7);
      const model = hmmModelFromOptions({ states: 3, emission, seed: 3, init: { transitionMatrix: [[0.6, 0.3, 0.1], [0.2, 0.6, 0.2], [0, 0.3, 0.7]] } });
      const data = new Sequences(x, lengths);
      const initialParameters = model.initialize(data, new Random(11));
      const memory = fitEm(model, data, { initialParameters, maxIterations: 15, tolerance: 0 });
      const blocks: number[] = [];
      const streamed = await fitHmmStream(model, arraySource(x, { blockRows: 13 }), {
        boundaries: { kind: 'lengths', lengths },
        initialParameters,
        blockRows: 100,
        maxIterations: 15,
        tolerance: 0,
        onProgress: (p) => {
          if (p.done && p.purpose === 'e-step') blocks.push(p.rowsRead);
        },
      });
      expect(streamed.history.length).toBe(memory.history.length);
      expect(streamed.history.length).toBeGreaterThan(10);
      for (let i = 0; i < memory.history.length; i++) expect(relative(streamed.history[i] as number, memory.history[i] as number)).toBeLessThan(1e-10);
      const a = streamed.parameters.transitionMatrix;
      const b = memory.parameters.transitionMatrix;
      for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThan(1e-9);
      // The structural zero stays zero.
      expect(a[6]).toBe(0);
      expect(streamed.observations).toBe(x.rows);
      expect(blocks.every((rows) => rows === x.rows)).toBe(true);
    });
  }

  it('sequences longer than a block of tables allows run checkpointed: still the in-memory trajectory to 1e-10; longer than their rows allow: refused', async () => {
    const emission: EmissionSpec = { type: 'gaussian', covariance: 'full', regCovar: 1e-6 };
    // 1 MiB: blocks of at most 4681 rows with tables; one sequence alone up to ~9360 rows, checkpointed in segments of 1170.
    const memoryBudget = 1024 * 1024;
    const lengths = [30, 6000, 20, 5000, 40];
    const { x } = drawSequences(emission, lengths, 13);
    const model = hmmModelFromOptions({ states: 3, emission, seed: 3, init: { transitionMatrix: [[0.6, 0.3, 0.1], [0.2, 0.6, 0.2], [0, 0.3, 0.7]] } });
    const data = new Sequences(x, lengths);
    const initialParameters = model.initialize(data, new Random(11));
    const memory = fitEm(model, data, { initialParameters, maxIterations: 10, tolerance: 0 });
    const streamed = await fitHmmStream(model, arraySource(x, { blockRows: 64 }), { boundaries: { kind: 'lengths', lengths }, initialParameters, memoryBudget, blockRows: 100, maxIterations: 10, tolerance: 0 });
    const plan = planSequenceStream(3, 2, 2, { memoryBudget });
    expect(plan.maxRows).toBeLessThan(5000);
    expect(plan.maxSequenceRows).toBeGreaterThanOrEqual(6000);
    for (let i = 0; i < memory.history.length; i++) expect(relative(streamed.history[i] as number, memory.history[i] as number)).toBeLessThan(1e-10);
    expect(streamed.history.length).toBe(memory.history.length);
    const tooLong = drawSequences(emission, [10, 12_000], 2);
    await expect(
      fitHmmStream(model, arraySource(tooLong.x), { boundaries: { kind: 'lengths', lengths: [10, 12_000] }, initialParameters, memoryBudget, maxIterations: 1 }),
    ).rejects.toThrow(/sequence 2 \(from row 11\) is longer than \d+ rows, the most one block may hold: its rows alone \(forward–backward checkpointed\)/);
  });

  it('without initial parameters, a first sequence longer than initRows is initialised on its prefix (one long sequence, checkpointed, within a 1 MiB budget)', async () => {
    const emission: EmissionSpec = { type: 'gaussian', covariance: 'spherical' };
    const { x } = drawSequences(emission, [15_000], 4);
    const x1 = new DenseMatrix(x.data.filter((_, i) => i % 2 === 0), x.rows, 1);
    const model = hmmModelFromOptions({ states: 2, emission, seed: 1 });
    const plan = planSequenceStream(2, 1, 1, { memoryBudget: 1024 * 1024 });
    expect(plan.initRows).toBeLessThan(x1.rows);
    expect(plan.maxRows).toBeLessThan(x1.rows);
    expect(plan.maxSequenceRows).toBeGreaterThanOrEqual(x1.rows);
    const result = await fitHmmStream(model, arraySource(x1, { blockRows: 4096 }), { memoryBudget: 1024 * 1024, maxIterations: 5, seed: 2 });
    expect(result.observations).toBe(x1.rows);
    for (let i = 1; i < result.history.length; i++) expect(result.history[i] as number).toBeGreaterThanOrEqual((result.history[i - 1] as number) - 1e-9 * Math.abs(result.history[i - 1] as number));
  });

  it("acceleration 'squarem': every E-step the cycle asks for is a pass; the in-memory SQUAREM trajectory to 1e-10", async () => {
    const emission: EmissionSpec = { type: 'gaussian', covariance: 'diagonal' };
    const lengths = [60, 45, 80, 30];
    const { x } = drawSequences(emission, lengths, 17);
    const model = hmmModelFromOptions({ states: 3, emission, seed: 3 });
    const data = new Sequences(x, lengths);
    const initialParameters = model.initialize(data, new Random(5));
    const memory = fitEm(model, data, { initialParameters, maxIterations: 8, tolerance: 0, acceleration: 'squarem' });
    const streamed = await fitHmmStream(model, arraySource(x, { blockRows: 11 }), { boundaries: { kind: 'lengths', lengths }, initialParameters, blockRows: 70, maxIterations: 8, tolerance: 0, acceleration: 'squarem' });
    expect(streamed.acceleration).toBe('squarem');
    expect(streamed.eSteps).toBe(memory.eSteps);
    expect(streamed.history.length).toBe(memory.history.length);
    for (let i = 0; i < memory.history.length; i++) expect(relative(streamed.history[i] as number, memory.history[i] as number)).toBeLessThan(1e-10);
  });

  it('a sequence-id column gives the same fit as the lengths (the id column is not an observation)', async () => {
    const emission: EmissionSpec = { type: 'gaussian', covariance: 'diagonal' };
    const lengths = [30, 50, 5, 70];
    const { x } = drawSequences(emission, lengths, 5);
    const withId = new Float64Array(x.rows * 3);
    let row = 0;
    const ids = [17, 3, 250, 4];
    lengths.forEach((length, s) => {
      for (let t = 0; t < length; t++, row++) {
        withId[row * 3] = x.data[row * 2] as number;
        withId[row * 3 + 1] = ids[s] as number;
        withId[row * 3 + 2] = x.data[row * 2 + 1] as number;
      }
    });
    const model = hmmModelFromOptions({ states: 3, emission, seed: 3 });
    const data = new Sequences(x, lengths);
    const initialParameters = model.initialize(data, new Random(2));
    const options = { initialParameters, maxIterations: 8, tolerance: 0, blockRows: 60 };
    const byLengths = await fitHmmStream(model, arraySource(x, { blockRows: 9 }), { ...options, boundaries: { kind: 'lengths', lengths } });
    const byColumn = await fitHmmStream(model, arraySource(new DenseMatrix(withId, x.rows, 3), { blockRows: 9 }), { ...options, boundaries: { kind: 'column', column: 1 } });
    expect(byColumn.history).toEqual(byLengths.history);
  });

  it('without initial parameters, restarts initialise on the first block (seeded, reproducible)', async () => {
    const emission: EmissionSpec = { type: 'categorical', symbols: 6 };
    const lengths = [50, 50, 50];
    const { x } = drawSequences(emission, lengths, 9);
    const model = hmmModelFromOptions({ states: 2, emission, seed: 1 });
    const run = (): ReturnType<typeof fitHmmStream<unknown, never, unknown>> =>
      fitHmmStream(model as never, arraySource(x), { boundaries: { kind: 'lengths', lengths }, blockRows: 60, nInit: 2, seed: 4, maxIterations: 5 });
    const first = await run();
    const second = await run();
    expect(first.history).toEqual(second.history);
    expect(first.runs.length).toBe(2);
  });
});

async function collect(source: DataSource<DenseMatrix>, boundaries: SequenceBoundaries, targetRows: number, maxRows = 1000): Promise<Array<{ firstRow: number; firstSequence: number; lengths: number[]; values: number[] }>> {
  const out: Array<{ firstRow: number; firstSequence: number; lengths: number[]; values: number[] }> = [];
  for await (const block of sequenceBlocks(source, boundaries, { targetRows, maxRows, bytesPerRow: 100, memoryBudget: 100 * maxRows })) {
    out.push({ firstRow: block.firstRow, firstSequence: block.firstSequence, lengths: Array.from(block.sequences.lengths), values: Array.from(block.sequences.observations.data) });
  }
  return out;
}

/** Rows [id, value] with value = row index. */
function idRows(ids: number[]): DenseMatrix {
  return new DenseMatrix(Float64Array.from(ids.flatMap((id, i) => [id, i])), ids.length, 2);
}

describe('sequenceBlocks', () => {
  it('cuts on id changes, keeps whole sequences per block, hands each block out once it reaches the target', async () => {
    const blocks = await collect(arraySource(idRows([5, 5, 5, 2, 2, 9, 9, 9, 9, 1]), { blockRows: 3 }), { kind: 'column', column: 0 }, 4);
    expect(blocks).toEqual([
      { firstRow: 0, firstSequence: 0, lengths: [3, 2], values: [0, 1, 2, 3, 4] },
      { firstRow: 5, firstSequence: 2, lengths: [4], values: [5, 6, 7, 8] },
      { firstRow: 9, firstSequence: 3, lengths: [1], values: [9] },
    ]);
  });

  it('a sequence longer than the target grows the block; the buffer full moves the current sequence to the front', async () => {
    const blocks = await collect(arraySource(idRows([1, 2, 2, 2, 2, 2, 2, 3]), { blockRows: 2 }), { kind: 'column', column: 0 }, 2);
    expect(blocks.map((b) => b.lengths)).toEqual([[1], [6], [1]]);
    expect(blocks[1]?.values).toEqual([1, 2, 3, 4, 5, 6]);
    expect(blocks[1]?.firstRow).toBe(1);
  });

  it('an id that comes back after another is an InvalidDataError naming the row', async () => {
    await expect(collect(arraySource(idRows([1, 1, 2, 2, 1])), { kind: 'column', column: 0 }, 100)).rejects.toThrow(/row 5: sequence id 1 appears again/);
    await expect(collect(arraySource(idRows([1, 1, 2, 2, 1])), { kind: 'column', column: 0 }, 100)).rejects.toBeInstanceOf(InvalidDataError);
  });

  it('a NaN id is refused naming the row', async () => {
    await expect(collect(arraySource(idRows([1, 1, NaN])), { kind: 'column', column: 0 }, 100)).rejects.toThrow(/row 3: the sequence id is NaN/);
  });

  it('lengths that do not cover the rows, or cover more, are refused', async () => {
    const x = new DenseMatrix(Float64Array.from([0, 1, 2, 3, 4]), 5, 1);
    await expect(collect(arraySource(x), { kind: 'lengths', lengths: [2, 2] }, 100)).rejects.toThrow(/row 5: the 2 sequence lengths cover only 4 rows/);
    await expect(collect(arraySource(x), { kind: 'lengths', lengths: [2, 4] }, 100)).rejects.toThrow(/sum to 6 but .* has 5 rows/);
    const blocks = await collect(arraySource(x, { blockRows: 2 }), { kind: 'lengths', lengths: [2, 1, 2] }, 2);
    expect(blocks.map((b) => b.lengths)).toEqual([[2], [1, 2]]);
  });

  it('a sequence longer than the budget allows is a MemoryBudgetError naming it and its first row', async () => {
    const x = new DenseMatrix(new Float64Array(20), 20, 1);
    const run = collect(arraySource(x, { blockRows: 3 }), { kind: 'lengths', lengths: [4, 16] }, 2, 8);
    await expect(run).rejects.toBeInstanceOf(MemoryBudgetError);
    await expect(collect(arraySource(x, { blockRows: 3 }), { kind: 'lengths', lengths: [4, 16] }, 2, 8)).rejects.toThrow(/sequence 2 \(from row 5\) is longer than 8 rows/);
  });

  it('more distinct ids than the budget allows is a MemoryBudgetError that suggests lengths', async () => {
    const source = arraySource(idRows([1, 2, 3, 4, 5]));
    const run = async (): Promise<void> => {
      for await (const block of sequenceBlocks(source, { kind: 'column', column: 0 }, { targetRows: 100, maxRows: 100, bytesPerRow: 8, memoryBudget: 800, maxIds: 3 })) void block;
    };
    await expect(run()).rejects.toBeInstanceOf(MemoryBudgetError);
    await expect(run()).rejects.toThrow(/row 4: more than 3 distinct sequence ids.*--lengths/);
  });

  it('seeded random files, reader blocks and targets: the blocks are the sequences in order, whole, with their rows (ids and lengths alike)', async () => {
    const seed = 20261206;
    console.log(`sequenceBlocks property seed ${seed}`);
    const random = new Random(seed);
    for (let trial = 0; trial < 60; trial++) {
      const count = 1 + random.integer(12);
      const lengths = Array.from({ length: count }, () => 1 + random.integer(random.next() < 0.2 ? 40 : 6));
      const rows = lengths.reduce((a, b) => a + b, 0);
      // ids: distinct per sequence, arbitrary order and values (negative, fractional).
      const ids = lengths.map((_, s) => (s * 7919) % 1000 - 500 + (s % 3) * 0.25);
      const rowIds = lengths.flatMap((length, s) => Array.from({ length }, () => ids[s] as number));
      const x = idRows(rowIds);
      const target = 1 + random.integer(30);
      const readerRows = 1 + random.integer(20);
      const longest = Math.max(...lengths);
      const maxRows = Math.max(target, 1 + random.integer(50));
      const options = { targetRows: target, maxRows, maxSequenceRows: Math.max(maxRows, longest), bytesPerRow: 8, memoryBudget: 1 << 20 };
      for (const boundaries of [{ kind: 'column', column: 0 }, { kind: 'lengths', lengths }] as const) {
        const seen: number[] = [];
        const values: number[] = [];
        let nextRow = 0;
        for await (const block of sequenceBlocks(arraySource(x, { blockRows: readerRows }), boundaries, options)) {
          expect(block.firstRow, `trial ${trial}`).toBe(nextRow);
          expect(block.firstSequence, `trial ${trial}`).toBe(seen.length);
          seen.push(...block.sequences.lengths);
          // Observations are column 1 (the row index) for the id column, and both columns for lengths.
          const data = block.sequences.observations;
          for (let r = 0; r < data.rows; r++) values.push(data.data[r * data.cols + data.cols - 1] as number);
          nextRow += data.rows;
        }
        expect(seen, `trial ${trial}`).toEqual(lengths);
        expect(values, `trial ${trial}`).toEqual(Array.from({ length: rows }, (_, i) => i));
      }
    }
  });

  it('a single sequence is the whole source', async () => {
    const x = new DenseMatrix(Float64Array.from([1, 2, 3]), 3, 1);
    expect((await collect(arraySource(x, { blockRows: 1 }), { kind: 'single' }, 1)).map((b) => b.lengths)).toEqual([[3]]);
  });
});

describe('fitHmmStream errors', () => {
  it('initialised on the first block, the first E-step pass still validates every later block (a NaN is an InvalidDataError naming its row)', async () => {
    const values = Float64Array.from({ length: 40 }, (_, i) => (i % 7) * 0.5);
    values[33] = NaN;
    const model = hmmModelFromOptions({ states: 2, emission: { type: 'gaussian', covariance: 'spherical' }, seed: 1 });
    const run = fitHmmStream(model, arraySource(new DenseMatrix(values, 40, 1), { blockRows: 8 }), { boundaries: { kind: 'lengths', lengths: [10, 10, 10, 10] }, blockRows: 10, maxIterations: 2 });
    await expect(run).rejects.toBeInstanceOf(InvalidDataError);
    await expect(
      fitHmmStream(model, arraySource(new DenseMatrix(values, 40, 1), { blockRows: 8 }), { boundaries: { kind: 'lengths', lengths: [10, 10, 10, 10] }, blockRows: 10, maxIterations: 2 }),
    ).rejects.toThrow(/row 34/);
  });

  it('a model error on a block names the source row (1-based)', async () => {
    const emission: EmissionSpec = { type: 'categorical', symbols: 3 };
    const x = new DenseMatrix(Float64Array.from([0, 1, 2, 1, 0, 7, 1]), 7, 1);
    const model = hmmModelFromOptions({ states: 2, emission, seed: 1 });
    await expect(fitHmmStream(model, arraySource(x, { blockRows: 2 }), { boundaries: { kind: 'lengths', lengths: [3, 4] }, blockRows: 2, maxIterations: 2 })).rejects.toThrow(/row 6/);
  });
});
