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
    // The web console (React, browser): .ts and .tsx under web/, with the browser's globals.
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: { ecmaFeatures: { jsx: true } },
      globals: {
        window: 'readonly', document: 'readonly', localStorage: 'readonly', sessionStorage: 'readonly', navigator: 'readonly',
        location: 'readonly', history: 'readonly', fetch: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly',
        URL: 'readonly', URLSearchParams: 'readonly', EventSource: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly',
        Intl: 'readonly', crypto: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly', requestAnimationFrame: 'readonly', HTMLElement: 'readonly',
        HTMLInputElement: 'readonly', HTMLTextAreaElement: 'readonly', HTMLUListElement: 'readonly', HTMLDivElement: 'readonly',
        KeyboardEvent: 'readonly', Event: 'readonly', FormData: 'readonly', Blob: 'readonly',
      },
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
