/** Several copies of a service starting at once must all get past migrations. */
import { expect, it } from 'vitest';
import { migrate } from '@minqing/shared';
import { CASEWORK_MIGRATIONS_DIR, CASEWORK_SCHEMA } from '../../services/case-worker/src/casework/schema';
import { env } from '../support/helpers';

it('concurrent migrations of the same schema wait for each other instead of failing', async () => {
  const { DATABASE_URL } = env();
  const runs = await Promise.all(
    Array.from({ length: 4 }, () => migrate({ databaseUrl: DATABASE_URL, dir: CASEWORK_MIGRATIONS_DIR, schema: CASEWORK_SCHEMA })),
  );
  // Already applied by the case-worker (the schema's one migrator) at start: nothing new, and no copy failed.
  expect(runs).toEqual([[], [], [], []]);
});
