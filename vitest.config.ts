import { defineConfig } from 'vitest/config';

// Two projects: unit tests (pure logic, fakes by injection, no stack) next to
// the code, and integration tests in tests/ that run against the real stack the
// global setup starts on free ports (or the endpoints given in the environment).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/**/*.test.ts', 'workflows/**/*.test.ts', 'services/**/*.test.ts', 'infra/**/*.test.ts', 'tests/contract/**/*.test.ts', 'web/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts', 'tests/browser/**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['tests/setup/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 300_000,
          // One stack, shared: files run one at a time so figures compared before/after are not disturbed.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
