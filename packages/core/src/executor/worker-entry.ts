// Where a model package's own worker entry is, and whether it can be started: what `workers:
// 'auto'` needs to know before it decides for worker threads.
import { isNode, nodeBuiltin } from './platform.js';

/** A variable, not a literal: bundlers must not follow `new URL('./worker.js', import.meta.url)` as an asset. */
const WORKER_FILE = './worker.js';

/**
 * The built `worker.js` next to a package's module (pass the module's `import.meta.url`): in a
 * package's dist/ it is the package's worker entry. Undefined outside Node: a browser page needs a
 * bundled worker, whose URL only the app knows (`workerUrl`).
 */
export function packageWorkerEntry(moduleUrl: string): URL | undefined {
  if (!isNode()) return undefined;
  try {
    return new URL(WORKER_FILE, moduleUrl);
  } catch {
    return undefined;
  }
}

interface FsLike {
  existsSync(path: URL): boolean;
}

/**
 * Why a worker entry cannot be started, or undefined when it can (as far as can be told before
 * starting it): no URL at all, or a local file that does not exist (running from TypeScript
 * sources, where only the built package has a worker.js).
 */
export function workerEntryProblem(url: string | URL | undefined): string | undefined {
  if (url === undefined) return isNode() ? 'no worker entry for this model' : 'no bundled worker in this browser (pass workerUrl or an executor to use Web Workers)';
  const fileUrl = url instanceof URL ? url : /^file:/i.test(url) ? new URL(url) : undefined;
  if (fileUrl === undefined || fileUrl.protocol !== 'file:' || !isNode()) return undefined;
  const fs = nodeBuiltin<FsLike>('node:fs');
  if (fs instanceof Promise) return undefined;
  return fs.existsSync(fileUrl) ? undefined : `the worker entry ${fileUrl.pathname} is not built (TypeScript sources run in process; build the package for worker threads)`;
}
