import config from '@em/eslint-config';

export default [...config];
