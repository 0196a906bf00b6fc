import config from '@em/eslint-config';

// Node scripts: Buffer and WebAssembly are globals here. test/.scratch/ holds a package written by
// the tests (removed afterwards).
export default [...config, { languageOptions: { globals: { Buffer: 'readonly', WebAssembly: 'readonly' } } }, { ignores: ['test/.scratch/**'] }];
