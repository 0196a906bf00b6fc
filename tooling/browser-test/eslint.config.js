import config from '@em/eslint-config';

export default [
  ...config,
  {
    // src/scenarios.mjs, compare.mjs and the page entry also run in the browser.
    files: ['src/**/*.mjs', 'test/**/*.mjs'],
    languageOptions: { globals: { ArrayBuffer: 'readonly', clearInterval: 'readonly', setInterval: 'readonly' } },
  },
];
