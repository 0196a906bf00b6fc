// One worker, Node thread or Web Worker, behind the few operations the pool needs.
import { nodeBuiltin, type WorkerThreadsModule } from './platform.js';

export type WorkerKind = 'thread' | 'web';

export interface WorkerEvents {
  message(data: unknown): void;
  /** An uncaught error in the worker, a script that failed to load, or a message that failed to arrive. */
  error(error: unknown): void;
  /** The thread ended (Node only; a Web Worker never ends by itself). */
  exit(code: number): void;
}

export interface WorkerHandle {
  post(message: unknown): void;
  /** Stops the worker, even one stuck in a loop. */
  terminate(): Promise<void>;
  /** Node: whether this thread keeps the process alive (an idle pool must not). No-op in browsers. */
  keepAlive(on: boolean): void;
}

/** worker_threads takes a path or a URL object; a "file:" or "data:" string must become a URL. */
function threadTarget(url: string | URL): string | URL {
  if (url instanceof URL) return url;
  return /^(file|data):/i.test(url) ? new URL(url) : url;
}

function spawnThread(threads: WorkerThreadsModule, url: string | URL, events: WorkerEvents): WorkerHandle {
  const worker = new threads.Worker(threadTarget(url));
  worker.on('message', (data: unknown) => events.message(data));
  worker.on('error', (error: unknown) => events.error(error));
  worker.on('messageerror', (error: unknown) => events.error(error));
  worker.on('exit', (code: number) => events.exit(code));
  return {
    post: (message) => worker.postMessage(message),
    terminate: async () => {
      await worker.terminate();
    },
    keepAlive: (on) => {
      if (on) worker.ref();
      else worker.unref();
    },
  };
}

function spawnWeb(url: string | URL, events: WorkerEvents): WorkerHandle {
  const worker = new Worker(url, { type: 'module' });
  worker.addEventListener('message', (event: MessageEvent) => events.message(event.data));
  worker.addEventListener('messageerror', () => events.error(new Error('a message from the worker could not be deserialized')));
  worker.addEventListener('error', (event: ErrorEvent) => {
    // Handled here: do not also report it as an uncaught error of the page.
    event.preventDefault();
    // A module worker that fails to load (404, syntax error) reports a bare Event without a message.
    const message = typeof event.message === 'string' && event.message !== '' ? event.message : `the worker script ${String(url)} failed to load`;
    events.error(event.error instanceof Error ? event.error : new Error(message));
  });
  return {
    post: (message) => worker.postMessage(message),
    terminate: () => {
      worker.terminate();
      return Promise.resolve();
    },
    keepAlive: () => undefined,
  };
}

/** Starts a worker; in Node before 20.16 loading worker_threads is asynchronous, hence the Promise. */
export function spawnWorker(url: string | URL, kind: WorkerKind, events: WorkerEvents): WorkerHandle | Promise<WorkerHandle> {
  if (kind === 'web') return spawnWeb(url, events);
  const threads = nodeBuiltin<WorkerThreadsModule>('node:worker_threads');
  return threads instanceof Promise ? threads.then((loaded) => spawnThread(loaded, url, events)) : spawnThread(threads, url, events);
}
