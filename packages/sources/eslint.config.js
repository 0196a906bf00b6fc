export { default } from '@em/eslint-config';
