import { createRequire } from 'node:module';

/** The package version, read from package.json (one level above both src/ and dist/). */
export const version: string = (() => {
  try {
    const manifest = createRequire(import.meta.url)('../package.json') as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
