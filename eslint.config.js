// Lint: typescript-eslint's recommended rules everywhere, plus the rule that
// keeps workflow code deterministic: no Node built-ins or I/O clients in workflows/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const ioModules = ['pg', 'kafkajs', 'fastify', 'pino', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'node-pg-migrate'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'test-results/**', '.minqing/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', AbortSignal: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['workflows/src/**/*.ts'],
    ignores: ['workflows/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...ioModules].map((name) => ({
            name,
            message: 'Workflow code must be deterministic and free of I/O: call an activity instead.',
          })),
          patterns: [{ regex: '^@minqing/shared(/(http|events))?$', message: 'Import only @minqing/shared/domain (pure) from workflow code.' }],
        },
      ],
    },
  },
);
