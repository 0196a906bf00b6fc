export { default } from '@em/vitest-config';
