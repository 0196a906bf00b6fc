import type { UserConfig } from 'vitest/config';
export declare function emVitestConfig(overrides?: NonNullable<UserConfig['test']>): UserConfig;
declare const config: UserConfig;
export default config;
