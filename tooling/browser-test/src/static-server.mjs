// A tiny static server on 127.0.0.1 (random port) for the smoke page: serves a fixed table of URL
// paths (files on disk or generated text) and nothing else.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';

const CONTENT_TYPES = { '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.map': 'application/json', '.html': 'text/html; charset=utf-8' };

function contentType(path) {
  const dot = path.lastIndexOf('.');
  return CONTENT_TYPES[dot < 0 ? '' : path.slice(dot)] ?? 'application/octet-stream';
}

/**
 * @param {Map<string, { path?: string, text?: string, type?: string }>} routes  type: an extension such as ".html" when the path has none
 * @param {Record<string, string>} [headers]  sent with every answer (e.g. COOP/COEP for cross-origin isolation)
 * @returns {Promise<{ origin: string, requested: string[], close: () => Promise<void> }>}
 */
export async function startStaticServer(routes, headers = {}) {
  const requested = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requested.push(path);
    const route = routes.get(path);
    if (route === undefined) {
      response.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    const body = route.text !== undefined ? Promise.resolve(route.text) : readFile(route.path);
    body.then(
      (content) => response.writeHead(200, { ...headers, 'content-type': contentType(route.type ?? path), 'cache-control': 'no-store' }).end(content),
      (error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
    );
  });
  await new Promise((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The static server has no TCP address.');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    requested,
    close: () =>
      new Promise((resolveClose) => {
        server.close(() => resolveClose());
        // Browsers keep connections alive; do not wait for them to time out.
        server.closeAllConnections();
      }),
  };
}
