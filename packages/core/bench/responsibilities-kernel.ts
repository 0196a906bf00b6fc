/**
 * Times the responsibilities kernel (assembly/responsibilities.ts) on N rows × K components in
 * blocks of 1024 rows, both layouts, against the TypeScript loops of the same pass — or, with
 * `--against=<module>`, against another implementation of responsibilities-simd.ts's arena (an
 * A/B comparison: both run in this process, interleaved, so a shared machine's load falls on both
 * alike). Prints the median CPU seconds per pass of each over the repetitions.
 *
 *   node --conditions=@em/source --import tsx bench/responsibilities-kernel.ts [--n=1e6] [--k=10] [--repeats=7] [--spread=80] [--against=./src/mixture/old.ts]
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { negligibleLogRatio, responsibilityTerm } from '../src/mixture/exponential.js';
import * as current from '../src/mixture/responsibilities-simd.js';
import { Random } from '../src/index.js';

interface Arena {
  block: Float64Array;
  prepare(k: number, capacity: number, logWeights: Float64Array, byComponent?: boolean): void;
  normalize(rows: number, sampleWeights: Float64Array | undefined, offset: number): void;
  addLogLikelihood(): number;
  total(): number;
  addWeightSums(weightSums: Float64Array): void;
}
interface ArenaModule {
  acquireResponsibilityArena(): Arena | undefined;
  releaseResponsibilityArena(arena: never): void;
}

const option = (name: string, fallback: number): number => {
  const found = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return found === undefined ? fallback : Number(found.slice(name.length + 3));
};
const n = option('n', 1e6);
const k = option('k', 10);
const repeats = option('repeats', 7);
/** How far (nats) below a row's own component the others lie: 80 puts about half under the negligible threshold, 10 none. */
const spread = option('spread', 80);
const BLOCK = 1024;
const againstPath = process.argv.find((arg) => arg.startsWith('--against='))?.slice('--against='.length);
const against = againstPath === undefined ? undefined : ((await import(pathToFileURL(resolve(againstPath)).href)) as ArenaModule);

// Log-densities of separated clusters: each row near one component, the others 0–spread nats below.
const random = new Random(12);
const data = new Float64Array(n * k);
for (let i = 0; i < n; i++) {
  const own = Math.floor(random.next() * k);
  for (let j = 0; j < k; j++) data[i * k + j] = -5 - random.next() * (j === own ? 2 : spread);
}
const byComponentData = new Float64Array(n * k);
for (let start = 0; start < n; start += BLOCK) {
  const rows = Math.min(BLOCK, n - start);
  for (let i = 0; i < rows; i++) for (let j = 0; j < k; j++) byComponentData[start * k + j * rows + i] = data[(start + i) * k + j] as number;
}
const logWeights = Float64Array.from({ length: k }, () => Math.log(1 / k));

function simdPass(module: ArenaModule, byComponent: boolean): number {
  const arena = module.acquireResponsibilityArena();
  if (arena === undefined) throw new Error('WebAssembly SIMD is unavailable here');
  arena.prepare(k, BLOCK, logWeights, byComponent);
  const source = byComponent ? byComponentData : data;
  for (let start = 0; start < n; start += BLOCK) {
    const rows = Math.min(BLOCK, n - start);
    arena.block.set(source.subarray(start * k, (start + rows) * k));
    arena.normalize(rows, undefined, start);
    arena.addLogLikelihood();
  }
  const sums = new Float64Array(k);
  arena.addWeightSums(sums);
  const total = arena.total();
  module.releaseResponsibilityArena(arena as never);
  return total;
}

const blockCopy = new Float64Array(BLOCK * k);
function typeScriptPass(): number {
  const threshold = negligibleLogRatio(k);
  const sums = new Float64Array(k);
  let total = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const rows = Math.min(BLOCK, n - start);
    blockCopy.set(data.subarray(start * k, (start + rows) * k));
    for (let i = 0; i < rows; i++) {
      const base = i * k;
      let max = -Infinity;
      for (let j = 0; j < k; j++) {
        const v = (blockCopy[base + j] as number) + (logWeights[j] as number);
        blockCopy[base + j] = v;
        if (v > max) max = v;
      }
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const e = responsibilityTerm((blockCopy[base + j] as number) - max, threshold);
        blockCopy[base + j] = e;
        sum += e;
      }
      const scale = 1 / sum;
      for (let j = 0; j < k; j++) sums[j] = (sums[j] as number) + (blockCopy[base + j] as number) * scale;
      total += max + Math.log(sum);
    }
  }
  return total;
}

const cases: Array<[string, () => number]> = [];
for (const byComponent of [false, true]) {
  const layout = byComponent ? 'component-major' : 'row-major';
  cases.push([`${layout} (this tree)`, () => simdPass(current as unknown as ArenaModule, byComponent)]);
  if (against !== undefined) cases.push([`${layout} (${againstPath})`, () => simdPass(against, byComponent)]);
}
if (against === undefined) cases.push(['TypeScript loops', typeScriptPass]);

/** CPU seconds of this process (one thread here): robust to other jobs on a shared machine, unlike wall-clock time. */
const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const times = new Map<string, number[]>(cases.map(([name]) => [name, []]));
const totals = new Map<string, number>();
for (let repeat = 0; repeat <= repeats; repeat++) {
  // Interleaved, the order alternating (ABBA…) so neither always runs first; the first round warms up.
  for (const [name, run] of repeat % 2 === 0 ? cases : [...cases].reverse()) {
    const began = cpuSeconds();
    totals.set(name, run());
    const seconds = cpuSeconds() - began;
    if (repeat > 0) times.get(name)?.push(seconds);
  }
}
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
};
console.log(`responsibilities pass, N = ${n}, K = ${k}, blocks of ${BLOCK} rows, median of ${repeats} interleaved runs:`);
for (const [name] of cases) console.log(`  ${name.padEnd(48)} ${median(times.get(name) ?? []).toFixed(4)} s   (log-likelihood ${totals.get(name)?.toFixed(6)})`);
if (against !== undefined) {
  // Paired: each repetition's ratio of the two, then the median (robust to a load change between repetitions).
  for (const layout of ['row-major', 'component-major']) {
    const mine = times.get(`${layout} (this tree)`) ?? [];
    const theirs = times.get(`${layout} (${againstPath})`) ?? [];
    const ratios = mine.map((seconds, i) => seconds / (theirs[i] as number));
    console.log(`  ${layout}: this tree / ${againstPath}, median of the per-repetition ratios: ${median(ratios).toFixed(3)}`);
  }
}
