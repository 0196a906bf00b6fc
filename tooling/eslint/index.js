// Shared lint preset. Type-aware rules are left out on purpose: they double lint time and
// `tsc --noEmit` (the typecheck task) already enforces the strict compiler flags.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// assembly/ holds AssemblyScript (decorators on functions, v128 types: not TypeScript for the parser);
// src/generated/ its compiled output (tooling/kernels).
export const ignores = { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/.turbo/**', '**/assembly/**', '**/src/generated/**'] };

export default tseslint.config(ignores, js.configs.recommended, ...tseslint.configs.recommended, {
  rules: {
    // The public surface must not leak `any`.
    '@typescript-eslint/no-explicit-any': 'error',
    '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    'no-constant-condition': ['error', { checkLoops: false }],
    eqeqeq: ['error', 'always'],
    'prefer-const': 'error',
    // No code generated at run time: it breaks under a Content-Security-Policy without
    // 'unsafe-eval' (kernels are AssemblyScript compiled at build time, or ordinary functions).
    'no-new-func': 'error',
    'no-eval': 'error',
    'no-implied-eval': 'error',
  },
}, {
  files: ['**/*.mjs', '**/*.js'],
  languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', performance: 'readonly', globalThis: 'readonly' } },
});
