import type { DataSource, DenseMatrix } from '@em/core';
import type { ByteInput } from '../src/input.js';

/** An input whose stream delivers `bytes` in chunks of `chunk` bytes (1: every byte boundary is a chunk boundary). */
export function chunkedInput(bytes: Uint8Array | string, name: string, chunk = 7, reiterable = true): ByteInput {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return {
    name,
    bytes: data.byteLength,
    reiterable,
    open: () => {
      let at = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= data.length) controller.close();
          else {
            controller.enqueue(data.slice(at, at + chunk));
            at += chunk;
          }
        },
      });
    },
    read: (start, end) => Promise.resolve(data.slice(start, end)),
  };
}

/** An endless stream of one byte value (like /dev/zero); counts the bytes it delivered. */
export function endlessInput(byte: number, name: string): ByteInput & { delivered: () => number } {
  let delivered = 0;
  return {
    name,
    reiterable: true,
    delivered: () => delivered,
    open: () =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          delivered += 65536;
          controller.enqueue(new Uint8Array(65536).fill(byte));
        },
      }),
  };
}

/** Every row of one pass, concatenated, with the largest block seen. */
export async function collect(source: DataSource<DenseMatrix>, blockRows?: number): Promise<{ values: number[]; rows: number; blocks: number; largestBlock: number; firstRows: number[] }> {
  const values: number[] = [];
  let rows = 0;
  let blocks = 0;
  let largestBlock = 0;
  const firstRows: number[] = [];
  for await (const block of source.pass(blockRows === undefined ? {} : { blockRows })) {
    firstRows.push(block.firstRow);
    values.push(...block.data.data);
    rows += block.data.rows;
    blocks++;
    largestBlock = Math.max(largestBlock, block.data.rows);
  }
  return { values, rows, blocks, largestBlock, firstRows };
}

/** Mulberry32: a small seeded generator, so that a failing case can be replayed from its seed. */
export function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of a property test: `envVariable` when set (to replay a failure), else random; printed with how to replay it. */
export function propertySeed(envVariable: string, label: string): number {
  const seed = Number(process.env[envVariable] ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`${label}: seed ${seed} (replay with ${envVariable}=${seed})`);
  return seed;
}
