/**
 * Times the sparse E-step loops (assembly/sparse.ts via simd-arena.ts: row products, then weighted
 * sums) on topic documents, N = 2e4, V = 2000, K = 10 by default, in blocks of 1024 rows, against
 * the TypeScript loops — or, with `--against=<module>`, against another implementation of
 * simd-arena.ts (an A/B comparison: both in this process, interleaved, so a shared machine's load
 * falls on both alike). Prints the median CPU seconds per pass and the median per-repetition ratio.
 *
 *   node --conditions=@em/source --import tsx bench/sparse-kernels.ts [--n=2e4] [--v=2000] [--k=10] [--repeats=21] [--inner=10] [--only=products|weighted] [--against=./src/old-arena.ts]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Random } from '@em/core';
import * as current from '../src/simd-arena.js';
import { topicDocuments } from './topic-documents.js';

interface Arena {
  simdSparseRowProducts: typeof current.simdSparseRowProducts;
  simdWeightedSparseRows: typeof current.simdWeightedSparseRows;
  useSimdKernels: typeof current.useSimdKernels;
}

const option = (name: string, fallback: number): number => {
  const found = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return found === undefined ? fallback : Number(found.slice(name.length + 3));
};
const n = option('n', 2e4);
const v = option('v', 2000);
const k = option('k', 10);
const repeats = option('repeats', 21);
/** Passes per timed sample (a pass takes about 20 ms: too short to time alone on a loaded machine). */
const inner = option('inner', 10);
const BLOCK = 1024;
/** --only=products or --only=weighted times one of the two loops. */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const againstPath = process.argv.find((arg) => arg.startsWith('--against='))?.slice('--against='.length);
const against = againstPath === undefined ? undefined : ((await import(pathToFileURL(resolve(againstPath)).href)) as Arena);

const random = new Random(5);
const x = topicDocuments(n, v, k, 100, 0.65, random);
const table = Float64Array.from({ length: v * k }, () => Math.log(random.next() / v));
// Posterior weights as after a few iterations: 60 % of the rows one-hot, the rest spread out.
const weights = new Float64Array(n * k);
for (let i = 0; i < n; i++) {
  if (random.next() < 0.6) weights[i * k + Math.floor(random.next() * k)] = 1;
  else for (let j = 0; j < k; j++) weights[i * k + j] = random.next() / k;
}
const out = new Float64Array(n * k);
const statistics = new Float64Array(v * k);

/** One E-step's two loops over every block; returns a checksum (the same for every implementation). */
function pass(arena: Arena): number {
  out.fill(0);
  statistics.fill(0);
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    if (only !== 'weighted' && arena.simdSparseRowProducts(table, k, x, start, end, out.subarray(start * k)) !== end) throw new Error('the SIMD kernels did not run');
    if (only !== 'products' && arena.simdWeightedSparseRows(statistics, k, x, start, end, weights.subarray(start * k)) !== end) throw new Error('the SIMD kernels did not run');
  }
  let sum = 0;
  for (let i = 0; i < out.length; i += 97) sum += out[i] as number;
  for (let i = 0; i < statistics.length; i += 13) sum += statistics[i] as number;
  return sum;
}

const cases: Array<[string, Arena]> = [['this tree', current]];
if (against !== undefined) cases.push([againstPath as string, against]);
/** CPU seconds of this process (one thread here): robust to other jobs on a shared machine, unlike wall-clock time. */
const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
const checks = new Map<string, number>();
for (let repeat = 0; repeat <= repeats; repeat++) {
  // The order alternates (ABBA…), so neither always runs first; the first round warms up.
  for (const [name, arena] of repeat % 2 === 0 ? cases : [...cases].reverse()) {
    const began = cpuSeconds();
    for (let i = 0; i < inner; i++) checks.set(name, pass(arena));
    if (repeat > 0) times.get(name)?.push((cpuSeconds() - began) / inner);
  }
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] as number;
console.log(`sparse E-step loops, N = ${n}, V = ${v}, K = ${k}, nnz = ${x.nonZeros}, median of ${repeats} interleaved runs:`);
for (const [name] of cases) console.log(`  ${name.padEnd(40)} ${median(times.get(name) ?? []).toFixed(5)} s   (checksum ${checks.get(name)})`);
if (against !== undefined) {
  const mine = times.get('this tree') ?? [];
  const theirs = times.get(againstPath as string) ?? [];
  const ratios = mine.map((seconds, i) => seconds / (theirs[i] as number));
  console.log(`  this tree / ${againstPath}, median of the per-repetition ratios: ${median(ratios).toFixed(3)} (quartiles ${[...ratios].sort((a, b) => a - b).filter((_, i, all) => i === all.length >> 2 || i === (3 * all.length) >> 2).map((r) => r.toFixed(3)).join(", ")})`);
}
