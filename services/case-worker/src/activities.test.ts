/**
 * Permanent data errors in activities: recorded for the operators and not
 * retried; anything else still retried (thrown as is). Fakes by injection.
 */
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/activity';
import pino from 'pino';
import type { ActivityFailureRecord } from './casework/index';
import { permanentDataError, redact } from './casework/failure.writer';
import { createActivities, PERMANENT_DATA_ERROR } from './activities';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

function activities(fail: Error) {
  const recorded: ActivityFailureRecord[] = [];
  const acts = createActivities({
    pool: {} as never,
    logger: pino({ level: 'silent' }),
    routing: { route: async () => { throw fail; } },
    casework: {
      recordCaseOpened: async () => { throw fail; },
      recordTransition: async () => { throw fail; },
      recordWorkRecord: async () => { throw fail; },
      recordInspection: async () => { throw fail; },
      recordSessionAttendance: async () => { throw fail; },
      recordCaseHelps: async () => { throw fail; },
      recordPlanItemEvent: async () => { throw fail; },
      recordActivityFailure: async (f) => { recorded.push(f); },
    },
  });
  return { acts, recorded };
}

describe('permanent data errors', () => {
  it('a NUL the database refuses (22021) fails the activity for good, recorded without the data', async () => {
    const { acts, recorded } = activities(pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'));
    const err = await acts.recordCaseOpened({} as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ nonRetryable: true, type: PERMANENT_DATA_ERROR });
    expect(recorded).toEqual([expect.objectContaining({ activityType: 'recordCaseOpened', sqlstate: '22021', message: 'invalid byte sequence for encoding "…": 0x00' })]);
  });

  it.each(['22P02', '22007', '22003', '23502', '23514'])('%s is permanent', (code) => {
    expect(permanentDataError(pgError(code, 'x'))).toMatchObject({ sqlstate: code });
  });

  it.each(['08006', '40001', '40P01', '23505', '57P01', undefined])('%s is retried (thrown as it was)', async (code) => {
    const fail = code ? pgError(code, 'transient') : new Error('connect ECONNREFUSED');
    const { acts, recorded } = activities(fail);
    await expect(acts.recordTransition({} as never)).rejects.toBe(fail);
    await expect(acts.routeCase({} as never)).rejects.toBe(fail);
    expect(recorded).toEqual([]);
  });

  it('quoted values in the message are blanked (they may be a resident\'s text)', () => {
    expect(redact('invalid input syntax for type date: "王桂兰 13800000000"')).toBe('invalid input syntax for type date: "…"');
  });
});
