// Where the browser is and how it is started: Debian's Chromium, headless, with everything that
// would reach the network switched off.
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.EM_CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** EM_SKIP_BROWSER=1 skips the smoke test (loudly); anything else runs it. */
export const SKIP_BROWSER = process.env.EM_SKIP_BROWSER === '1';

export function chromiumInstalled() {
  return existsSync(CHROMIUM_PATH);
}

export const MISSING_CHROMIUM_MESSAGE =
  `Chromium was not found at ${CHROMIUM_PATH}, so the browser smoke test cannot run. ` +
  'Install it (Debian: apt-get install -y chromium), or point EM_CHROMIUM_PATH at a Chromium binary, ' +
  'or set EM_SKIP_BROWSER=1 to skip this test explicitly.';
