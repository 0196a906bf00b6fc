import config from '@em/eslint-config';

// .generated/ holds scratch packages written by the tests (removed afterwards).
export default [...config, { ignores: ['.generated/**'] }];
