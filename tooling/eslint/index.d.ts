import type { Linter } from 'eslint';
export declare const ignores: Linter.Config;
declare const config: Linter.Config[];
export default config;
