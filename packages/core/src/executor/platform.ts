// What the host offers for worker threads, found lazily and without a static import of a Node
// built-in: this module is bundled into browser pages and Web Workers too, where "node:os" and
// "node:worker_threads" do not exist and bundlers refuse (esbuild) or stub (Vite) such imports.
import type * as WorkerThreads from 'node:worker_threads';

interface NodeProcessLike {
  readonly versions?: { readonly node?: string };
  getBuiltinModule?(id: string): unknown;
}

function nodeProcess(): NodeProcessLike | undefined {
  const candidate = (globalThis as { process?: NodeProcessLike }).process;
  return candidate?.versions?.node === undefined ? undefined : candidate;
}

/** True in Node (and runtimes that present themselves as Node: Deno, Bun). */
export function isNode(): boolean {
  return nodeProcess() !== undefined;
}

/**
 * A Node built-in, synchronously where the runtime offers `process.getBuiltinModule` (Node ≥ 20.16);
 * otherwise through a dynamic import whose specifier is not a literal, so no bundler follows it.
 */
export function nodeBuiltin<T>(id: string): T | Promise<T> {
  const loaded = nodeProcess()?.getBuiltinModule?.(id);
  if (loaded !== undefined) return loaded as T;
  const specifier = id;
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}

export type WorkerThreadsModule = typeof WorkerThreads;

/**
 * How many threads can run at once: os.availableParallelism() in Node, navigator.hardwareConcurrency
 * in browsers, `undefined` when the runtime does not say (Node before 20.16 has neither synchronously).
 */
export function availableParallelism(): number | undefined {
  const os = nodeProcess()?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
  const fromNode = os?.availableParallelism?.() ?? os?.cpus?.().length;
  if (fromNode !== undefined && fromNode >= 1) return fromNode;
  const fromBrowser = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return fromBrowser !== undefined && fromBrowser >= 1 ? fromBrowser : undefined;
}
