import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// Worker threads cannot load .ts: the fixture workers import the built dist/ (build @em/core first).
import { createWorkerExecutor, type WorkerExecutor } from '../src/parallel.js';
import { ImpossibleObservationError, InvalidOptionsError, MemoryBudgetError, WORKER_THREAD_BYTES, WorkerError } from '../src/index.js';
// @ts-expect-error -- plain JS fixture without declarations
import { poissonMixture, poissonData } from './fixtures/poisson-family.mjs';

const fixture = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);
const servingWorker = fixture('parallel-worker.mjs');

/** Resolves with what `promise` settled to, or 'still pending' after `ms` (the timer does not keep the process alive). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still pending'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'still pending'>((resolve) => {
    timer = setTimeout(() => resolve('still pending'), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function failureOf(executor: WorkerExecutor, chunks: unknown[] = [{}]): Promise<unknown> {
  return executor.run(poissonMixture(2), {}, chunks).then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

describe('createWorkerExecutor validates every option before starting a thread', () => {
  it('leaves nothing running when an option is refused (the process exits by itself)', () => {
    const started = Date.now();
    const child = spawnSync(process.execPath, [fileURLToPath(fixture('invalid-options-exit.mjs'))], { encoding: 'utf8', timeout: 15_000 });
    expect(child.signal, `the child was still running after 15 s: threads were left behind\n${child.stderr}`).toBeNull();
    expect(child.status).toBe(0);
    expect(child.stdout.trim().split('\n')).toEqual(['InvalidOptionsError', 'InvalidOptionsError', 'MemoryBudgetError']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('does not keep the process alive with idle workers when close() is forgotten', () => {
    const child = spawnSync(process.execPath, [fileURLToPath(fixture('forgotten-close.mjs'))], { encoding: 'utf8', timeout: 15_000 });
    expect(child.signal, `the child was still running after 15 s: idle workers held it\n${child.stderr}`).toBeNull();
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('answered');
  });

  it.each([
    ['taskTimeoutMs', { taskTimeoutMs: -1 }],
    ['taskTimeoutMs', { taskTimeoutMs: Number.NaN }],
    ['taskTimeoutMs', { taskTimeoutMs: 2 ** 40 }],
    ['startTimeoutMs', { startTimeoutMs: 0 }],
    ['workers', { workers: 0 }],
    ['workers', { workers: 1.5 }],
    ['workerType', { workerType: 'process' }],
    ['oversubscribe', { oversubscribe: 'yes' }],
    ['memoryBudget', { memoryBudget: -1 }],
    ['workerUrl', { workerUrl: '' }],
    ['wokers', { wokers: 2 }],
  ])('refuses a bad %s with InvalidOptionsError naming it', (option, bad) => {
    const error = (() => {
      try {
        createWorkerExecutor({ workerUrl: servingWorker, ...(bad as object) } as Parameters<typeof createWorkerExecutor>[0]);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as InvalidOptionsError).details['option']).toBe(option);
  });
});

describe('createWorkerExecutor caps workers and checks the memory budget first', () => {
  it('caps workers at the available parallelism unless oversubscribe is set', async () => {
    const capped = createWorkerExecutor({ workerUrl: servingWorker, workers: 1000 });
    const over = createWorkerExecutor({ workerUrl: servingWorker, workers: availableParallelism() + 1, oversubscribe: true });
    try {
      expect(capped.concurrency).toBe(Math.min(1000, availableParallelism()));
      expect(over.concurrency).toBe(availableParallelism() + 1);
    } finally {
      await Promise.all([capped.close(), over.close()]);
    }
  });

  it('refuses more workers than the memory budget holds, before starting any', () => {
    expect(() => createWorkerExecutor({ workerUrl: servingWorker, workers: 1000, oversubscribe: true })).toThrow(MemoryBudgetError);
    expect(() => createWorkerExecutor({ workerUrl: servingWorker, workers: 2, memoryBudget: 2 * WORKER_THREAD_BYTES - 1 })).toThrow(/memory budget/);
  });

  it('counts data that will be copied to the workers (not on a SharedArrayBuffer) against the budget', async () => {
    const budget = 2 * WORKER_THREAD_BYTES + 4 * 1024 * 1024;
    const executor = createWorkerExecutor({ workerUrl: servingWorker, workers: 2, memoryBudget: budget });
    try {
      const model = poissonMixture(2);
      const params = { weights: Float64Array.of(0.5, 0.5), components: { rates: Float64Array.of(1, 20) } };
      const rows = 600_000; // 4.6 MiB of float64
      const copied = { observations: poissonData(rows) };
      const refused = await executor.run(model, params, [copied]).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(MemoryBudgetError);
      expect(executor.tasksSent).toBe(0);
      const shared = { observations: copied.observations.toShared() };
      const [result] = await executor.run(model, params, [shared]);
      expect(Number.isFinite(result?.logLikelihood)).toBe(true);
      // Rows of the big non-shared matrix: only those rows are copied (postMessage alone would
      // clone the whole buffer), so they fit the budget, and the worker computes on exactly them.
      const few = { observations: copied.observations.sliceRows(1000, 3000) };
      const [onWorker] = await executor.run(model, params, [few]);
      const inProcess = model.eStep(params, few);
      expect(Math.abs((onWorker?.logLikelihood as number) - inProcess.logLikelihood)).toBeLessThanOrEqual(1e-12 * Math.abs(inProcess.logLikelihood));
    } finally {
      await executor.close();
    }
  });
});

describe('worker faults end in a typed error and leave nothing running', () => {
  it('terminates a worker stuck in an infinite loop after taskTimeoutMs, and close() resolves promptly', async () => {
    const executor = createWorkerExecutor({ workerUrl: fixture('stuck-worker.mjs'), workers: 1, taskTimeoutMs: 300 });
    const error = await within(failureOf(executor), 10_000);
    const closing = Date.now();
    const closed = await within(executor.close().then(() => 'closed'), 2000);
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as Error).message).toMatch(/within 300 ms/);
    expect(closed).toBe('closed');
    expect(Date.now() - closing).toBeLessThan(2000);
  });

  it('close() resolves promptly while a worker is stuck mid-task, and the pending task fails', async () => {
    const executor = createWorkerExecutor({ workerUrl: fixture('stuck-worker.mjs'), workers: 1 });
    const pending = failureOf(executor);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closed = await within(executor.close().then(() => 'closed'), 2000);
    expect(closed).toBe('closed');
    expect(await within(pending, 1000)).toBeInstanceOf(WorkerError);
  });

  it('wraps a worker thread that exits mid-task in a one-line WorkerError', async () => {
    const executor = createWorkerExecutor({ workerUrl: fixture('exiting-worker.mjs'), workers: 1 });
    try {
      const error = await within(failureOf(executor), 10_000);
      expect(error).toBeInstanceOf(WorkerError);
      expect((error as WorkerError).code).toBe('WORKER');
      expect((error as Error).message).toMatch(/exited with code 3/);
      expect((error as Error).message).not.toContain('\n');
    } finally {
      await executor.close();
    }
  });

  it('wraps a worker entry that throws while loading in a WorkerError with the cause, quickly', async () => {
    const executor = createWorkerExecutor({ workerUrl: fixture('throwing-worker.mjs'), workers: 2 });
    try {
      const started = Date.now();
      const error = await within(failureOf(executor), 10_000);
      expect(error).toBeInstanceOf(WorkerError);
      expect(((error as WorkerError).cause as Error).message).toContain('this worker entry is broken');
      expect((error as Error).message).not.toContain('\n');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await executor.close();
    }
  });

  it('fails fast with a WorkerError when the worker entry never serves (e.g. a bundler dropped it)', async () => {
    const executor = createWorkerExecutor({ workerUrl: fixture('empty-worker.mjs'), workers: 1 });
    try {
      const error = await within(failureOf(executor), 5000);
      expect(error).toBeInstanceOf(WorkerError);
      expect((error as Error).message).toMatch(/serveModels/);
      expect((error as WorkerError).remedy).toMatch(/sideEffects/);
    } finally {
      await executor.close();
    }
  });

  it('wraps a plain error thrown by model code in a WorkerError whose cause keeps the original', async () => {
    const executor = createWorkerExecutor({ workerUrl: fixture('failing-worker.mjs'), workers: 1 });
    try {
      const error = await within(failureOf(executor), 10_000);
      expect(error).toBeInstanceOf(WorkerError);
      expect((error as WorkerError).cause).toBeInstanceOf(Error);
      expect(((error as WorkerError).cause as Error).name).toBe('TypeError');
      expect((error as Error).message).toMatch(/TypeError/);
      expect((error as Error).message).not.toContain('\n');
    } finally {
      await executor.close();
    }
  });

  // Regression (issue #12): fitAsync starts its pool, then initialises synchronously (k-means on
  // 1e6 rows took > 30 s on a loaded machine); the start timer then fired before the ready message
  // that had long been waiting was read, and `em fit gmm` with the default --workers auto failed.
  it('serves a worker that started while this thread was busy past startTimeoutMs', async () => {
    const executor = createWorkerExecutor({ workerUrl: servingWorker, workers: 1, startTimeoutMs: 300 });
    try {
      // Long enough for the thread to start and say it is ready meanwhile (a few hundred ms under load).
      const until = Date.now() + 3000;
      while (Date.now() < until) {
        // Busy, as a synchronous initialisation would be.
      }
      const params = { weights: Float64Array.of(0.5, 0.5), components: { rates: Float64Array.of(3, 12) } };
      const outcome = await executor.run(poissonMixture(2), params, [{ observations: poissonData(50) }]).then(
        () => 'served',
        (error: unknown) => error,
      );
      expect(outcome).toBe('served');
    } finally {
      await executor.close();
    }
  });

  // fitAsync's own pool (issue #12, second half): threads start with the first task, after the
  // caller's synchronous initialisation, so none waits behind it and the start timer counts from the wait.
  it("start: 'first-task' starts no thread until the first task, then serves it; close() before any task is a no-op", async () => {
    const executor = createWorkerExecutor({ workerUrl: servingWorker, workers: 2, oversubscribe: true, start: 'first-task' });
    const unused = createWorkerExecutor({ workerUrl: servingWorker, workers: 2, oversubscribe: true, start: 'first-task' });
    try {
      expect(executor.liveThreads).toBe(0);
      expect(unused.liveThreads).toBe(0);
      const params = { weights: Float64Array.of(0.5, 0.5), components: { rates: Float64Array.of(3, 12) } };
      const running = executor.run(poissonMixture(2), params, [{ observations: poissonData(50) }, { observations: poissonData(50) }]);
      expect(executor.liveThreads).toBe(2);
      const outcome = await running.then(
        (results) => results.length,
        (error: unknown) => error,
      );
      expect(outcome).toBe(2);
    } finally {
      await executor.close();
      await unused.close();
    }
    expect(executor.liveThreads).toBe(0);
    expect(unused.liveThreads).toBe(0);
  });

  it("start: 'first-task' still fails with a WorkerError when the entry never serves, counted from the first task", async () => {
    const executor = createWorkerExecutor({ workerUrl: fixture('silent-worker.mjs'), workers: 1, startTimeoutMs: 500, start: 'first-task' });
    try {
      // Longer than startTimeoutMs with no task: no timer runs yet.
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(executor.liveThreads).toBe(0);
      const error = await within(failureOf(executor), 5000);
      expect(error).toBeInstanceOf(WorkerError);
      expect((error as Error).message).toMatch(/serveModels within 500 ms/);
    } finally {
      await executor.close();
    }
  });

  it("refuses a start other than 'now' or 'first-task'", () => {
    expect(() => createWorkerExecutor({ workerUrl: servingWorker, start: 'later' as 'now' })).toThrow(InvalidOptionsError);
  });

  it('still delivers typed errors raised by model code as their own class', async () => {
    const executor = createWorkerExecutor({ workerUrl: servingWorker, workers: 1 });
    try {
      const params = { weights: Float64Array.of(0, 1), components: { rates: Float64Array.of(1, 0) } };
      const error = await executor.run(poissonMixture(2), params, [{ observations: poissonData(50) }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImpossibleObservationError);
    } finally {
      await executor.close();
    }
  });
});
