// planWorkers: where fitAsync runs its E-steps under `workers: 'auto' | N`, and why.
import { describe, expect, it } from 'vitest';
import { InvalidOptionsError, planWorkers, unsharedBytes, WORKER_THREAD_BYTES, WORKERS_MIN_WORK, type EStepWork, type WorkerPlanInput } from '../src/index.js';

const MiB = 1024 * 1024;

function work(value: number, maxChunks = 1e6): EStepWork {
  return { work: value, formula: `W = ${value.toExponential(1)}`, maxChunks };
}

function input(overrides: Partial<WorkerPlanInput>): WorkerPlanInput {
  return { workers: 'auto', work: work(WORKERS_MIN_WORK), memoryBudget: 256 * MiB, sharedCopyBytes: 0, parallelism: 8, ...overrides };
}

describe('planWorkers', () => {
  it('auto: in process below the threshold, saying the work and the threshold', () => {
    const plan = planWorkers(input({ work: work(WORKERS_MIN_WORK / 2) }));
    expect(plan).toMatchObject({ mode: 'in-process', workers: 1 });
    expect(plan.reason).toMatch(/data too small for workers to pay \(W = 1\.0e\+8 < 2e\+8\)/);
  });

  it('auto: at the threshold, as many workers as the machine runs', () => {
    expect(planWorkers(input({}))).toMatchObject({ mode: 'workers', workers: 8 });
    expect(planWorkers(input({})).reason).toMatch(/^8 workers \(auto: .*the machine allows\)$/);
  });

  it('auto: capped by the memory budget (threads of WORKER_THREAD_BYTES after the shared copy) and by the chunks the data splits into', () => {
    const budget = 3 * WORKER_THREAD_BYTES + 10 * MiB;
    expect(planWorkers(input({ memoryBudget: budget, sharedCopyBytes: 10 * MiB }))).toMatchObject({ mode: 'workers', workers: 3 });
    expect(planWorkers(input({ memoryBudget: budget, sharedCopyBytes: 10 * MiB + 1 }))).toMatchObject({ mode: 'workers', workers: 2 });
    const tight = planWorkers(input({ memoryBudget: WORKER_THREAD_BYTES + 5 * MiB }));
    expect(tight).toMatchObject({ mode: 'in-process', workers: 1 });
    expect(tight.reason).toMatch(/memory budget .* room for 1 worker thread/);
    expect(planWorkers(input({ work: work(WORKERS_MIN_WORK, 3) }))).toMatchObject({ mode: 'workers', workers: 3 });
    // One long HMM sequence: nothing to split.
    expect(planWorkers(input({ work: work(1e12, 1) })).reason).toMatch(/splits into 1 chunk/);
  });

  it('auto: in process on one core, and without a worker entry (browsers without workerUrl, unbuilt sources)', () => {
    expect(planWorkers(input({ parallelism: 1 }))).toMatchObject({ mode: 'in-process' });
    expect(planWorkers(input({ parallelism: undefined })).mode).toBe('in-process');
    const browser = planWorkers(input({ noWorkerEntry: 'no bundled worker in this browser' }));
    expect(browser).toMatchObject({ mode: 'in-process', reason: 'in process: no bundled worker in this browser' });
  });

  it('a number is taken as asked (1 = in process), capped only by the chunks', () => {
    expect(planWorkers(input({ workers: 1 })).mode).toBe('in-process');
    expect(planWorkers(input({ workers: 3, work: work(10) }))).toMatchObject({ mode: 'workers', workers: 3 });
    expect(planWorkers(input({ workers: 4, work: work(10, 2) }))).toMatchObject({ mode: 'workers', workers: 2 });
    expect(planWorkers(input({ workers: 4, work: work(10, 1) })).mode).toBe('in-process');
  });

  it('refuses anything but auto or an integer ≥ 1', () => {
    for (const bad of [0, -1, 1.5, 'all', Number.NaN, null]) {
      expect(() => planWorkers(input({ workers: bad as never }))).toThrow(InvalidOptionsError);
    }
  });

  it('unsharedBytes counts only arrays not on a SharedArrayBuffer', () => {
    const plain = new Float64Array(10);
    const shared = new Float64Array(new SharedArrayBuffer(80));
    expect(unsharedBytes(plain, shared, undefined)).toBe(80);
  });
});
