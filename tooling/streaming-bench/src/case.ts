// One measured case, run in its own process so that its peak RSS (process.resourceUsage().maxRSS) is
// the fit's alone. Prints one JSON line on stdout. Called by bench.ts; not a public entry.
import { readFileSync } from 'node:fs';
import { CsrMatrix, DenseMatrix, fitEm, fitStream, parseByteSize, Random, type DataSource, type FitResult } from '@em/core';
import { createWorkerExecutor } from '@em/core/parallel';
import { gaussianMixtureModel } from '@em/gaussian-mixture';
import { createMultinomialMixtureModel } from '@em/multinomial-mixture';
import { openDataSource } from '@em/sources/node';

interface CaseRequest {
  readonly model: 'gmm' | 'multinomial';
  readonly mode: 'stream' | 'memory';
  /** Worker threads for the streamed E-steps (0: in process). */
  readonly workers?: number;
  readonly path: string;
  readonly iterations: number;
  readonly memoryBudget: string;
}

/** Rows the start is computed from (the file's first rows, so both modes start from the same θ_0). */
const START_ROWS = 20_000;

const request = JSON.parse(process.argv[2] ?? '{}') as CaseRequest;
const budget = parseByteSize(request.memoryBudget);

async function firstBlock<B>(source: DataSource<B>): Promise<B> {
  for await (const block of source.pass({ blockRows: START_ROWS })) return copy(block.data);
  throw new Error('empty source');
}

function copy<B>(data: B): B {
  if (data instanceof DenseMatrix) return new DenseMatrix(data.data.slice(), data.rows, data.cols) as B;
  const csr = data as unknown as CsrMatrix;
  const base = csr.indptr[0] as number;
  const end = csr.indptr[csr.rows] as number;
  return new CsrMatrix(Int32Array.from(csr.indptr, (v) => v - base), csr.indices.slice(base, end), csr.values.slice(base, end), csr.cols) as B;
}

/** All blocks of a sparse source in one CSR matrix (the in-memory multinomial fit). */
async function collectSparse(source: DataSource<CsrMatrix>): Promise<CsrMatrix> {
  const indptr: number[] = [0];
  const indices: Int32Array[] = [];
  const values: Float64Array[] = [];
  let total = 0;
  for await (const block of source.pass()) {
    const m = block.data;
    const base = m.indptr[0] as number;
    for (let i = 1; i <= m.rows; i++) indptr.push(total + (m.indptr[i] as number) - base);
    const end = m.indptr[m.rows] as number;
    indices.push(m.indices.slice(base, end));
    values.push(m.values.slice(base, end));
    total += end - base;
  }
  const allIndices = new Int32Array(total);
  const allValues = new Float64Array(total);
  let offset = 0;
  for (let b = 0; b < indices.length; b++) {
    allIndices.set(indices[b] as Int32Array, offset);
    allValues.set(values[b] as Float64Array, offset);
    offset += (values[b] as Float64Array).length;
  }
  return new CsrMatrix(Int32Array.from(indptr), allIndices, allValues, source.columns);
}

/** The whole .npy file as a matrix over its own buffer (the in-memory Gaussian fit). */
function loadNpy(path: string): DenseMatrix {
  const bytes = readFileSync(path);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const shape = /'shape': \((\d+), (\d+)\)/.exec(header);
  if (shape === null) throw new Error(`no shape in ${header}`);
  const rows = Number(shape[1]);
  const cols = Number(shape[2]);
  const start = bytes.byteOffset + 10 + headerLength;
  // Aligned for a Float64Array view when the file's buffer is (a large read gets its own ArrayBuffer).
  const data = start % 8 === 0 ? new Float64Array(bytes.buffer, start, rows * cols) : new Float64Array(bytes.buffer.slice(start, start + rows * cols * 8));
  return new DenseMatrix(data, rows, cols);
}

/** CPU seconds (user + system, every thread of this process) since `since`. */
function cpuSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

async function run(): Promise<Record<string, unknown>> {
  const started = performance.now();
  let cpuSeconds = 0;
  const options = { maxIterations: request.iterations, tolerance: 0 };
  let result: FitResult<unknown>;
  let rows: number;
  let loadSeconds = 0;
  let fitSeconds: number;
  if (request.model === 'gmm') {
    const model = gaussianMixtureModel({ components: 3, covariance: 'full' });
    const source = (await openDataSource(request.path, { memoryBudget: budget })) as DataSource<DenseMatrix>;
    const initialParameters = model.initialize({ observations: await firstBlock(source) }, new Random(1));
    if (request.mode === 'stream') {
      // Worker threads run the built worker (dist/; `pnpm build` first).
      const executor =
        (request.workers ?? 0) > 0 ? createWorkerExecutor({ workerUrl: new URL('../../../packages/gaussian-mixture/dist/worker.js', import.meta.url), workers: request.workers ?? 1, memoryBudget: budget }) : undefined;
      const t = performance.now();
      const cpu = process.cpuUsage();
      try {
        result = (await fitStream(model, source, { ...options, initialParameters, memoryBudget: budget, ...(executor === undefined ? {} : { executor }) })) as FitResult<unknown>;
      } finally {
        await executor?.close();
      }
      fitSeconds = (performance.now() - t) / 1000;
      cpuSeconds = cpuSince(cpu);
      rows = result.observations;
    } else {
      await source.close();
      const t0 = performance.now();
      const observations = loadNpy(request.path);
      loadSeconds = (performance.now() - t0) / 1000;
      const t = performance.now();
      const cpu = process.cpuUsage();
      result = fitEm(model, { observations }, { ...options, initialParameters }) as FitResult<unknown>;
      fitSeconds = (performance.now() - t) / 1000;
      cpuSeconds = cpuSince(cpu);
      rows = observations.rows;
    }
    await source.close();
  } else {
    const model = createMultinomialMixtureModel({ components: 4 });
    const source = (await openDataSource(request.path, { memoryBudget: budget })) as DataSource<CsrMatrix>;
    const initialParameters = model.initialize({ observations: await firstBlock(source) }, new Random(1));
    if (request.mode === 'stream') {
      const t = performance.now();
      const cpu = process.cpuUsage();
      result = (await fitStream(model, source, { ...options, initialParameters, memoryBudget: budget })) as FitResult<unknown>;
      fitSeconds = (performance.now() - t) / 1000;
      cpuSeconds = cpuSince(cpu);
      rows = result.observations;
    } else {
      const t0 = performance.now();
      const observations = await collectSparse(source);
      loadSeconds = (performance.now() - t0) / 1000;
      const t = performance.now();
      const cpu = process.cpuUsage();
      result = fitEm(model, { observations }, { ...options, initialParameters }) as FitResult<unknown>;
      fitSeconds = (performance.now() - t) / 1000;
      cpuSeconds = cpuSince(cpu);
      rows = observations.rows;
    }
    await source.close();
  }
  return {
    ...request,
    rows,
    logLikelihoodHistory: result.logLikelihoodHistory,
    eSteps: result.eSteps,
    loadSeconds,
    fitSeconds,
    rowsPerSecond: (rows * result.eSteps) / fitSeconds,
    // CPU time is less at the mercy of other processes on a shared machine than wall-clock time.
    cpuSeconds,
    rowsPerCpuSecond: (rows * result.eSteps) / cpuSeconds,
    totalSeconds: (performance.now() - started) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

run().then(
  (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
