// Lint: TypeScript's recommended rules everywhere, plus the workflow sandbox rules of STYLE.md:
// workflow code imports no Node built-ins and imports activity code as types only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'stream', 'util', 'url', 'events', 'timers', 'worker_threads'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', fetch: 'readonly', NodeJS: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.flatMap((m) => [
            { name: m, message: 'Workflow code runs in a deterministic sandbox: no Node built-ins.' },
            { name: `node:${m}`, message: 'Workflow code runs in a deterministic sandbox: no Node built-ins.' },
          ]),
          patterns: [
            { group: ['**/activities', '**/activities/*'], allowTypeImports: true, message: 'Import activities as types only (import type) and call them through proxyActivities.' },
            { group: ['mongoose', 'nodemailer', 'handlebars', 'express', '@temporalio/client', '@temporalio/worker', '**/db/*', '**/api/*'], message: 'Workflow code does no I/O: side effects belong in activities.' },
          ],
        },
      ],
    },
  },
);
