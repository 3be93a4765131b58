/** The audit log over an in-memory store: actors from the session, clean values, opaque cursors, pages. */
import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '@minqing/shared';
import { AuditLog, clean, decodeCursor, encodeCursor } from './audit.service';
import type { AuditEntry, AuditEvent, AuditFilter, AuditStore } from './audit.repository';

class MemoryStore implements AuditStore {
  rows: AuditEvent[] = [];
  failing = false;
  async append(entries: AuditEntry[]) {
    if (this.failing) throw new Error('database gone');
    for (const e of entries) this.rows.push({ ...e, id: String(this.rows.length + 1), at: new Date().toISOString() });
  }
  async list(f: AuditFilter) {
    return this.rows
      .filter((r) => (f.actor === undefined || r.actor === f.actor) && (f.action === undefined || r.action === f.action) && (f.before === undefined || BigInt(r.id) < f.before))
      .sort((a, b) => Number(b.id) - Number(a.id))
      .slice(0, f.limit);
  }
}

const principal = { username: 'head-01', role: 'department_head' } as Principal;
const request = (p: Principal | null, ua = 'Mozilla/5.0') =>
  ({ principal: p, ip: '198.51.100.7', id: 'req-1', headers: { 'user-agent': ua }, log: { error: () => undefined } }) as unknown as FastifyRequest;

describe('AuditLog', () => {
  it('takes the actor from the session, not from the record, and the client from the request (user agent truncated)', async () => {
    const store = new MemoryStore();
    const audit = new AuditLog({ store });
    await audit.record(request(principal, 'x'.repeat(500)), { action: 'case.read', subjectType: 'case', subject: 'c-1', actor: 'someone-else' });
    expect(store.rows[0]).toMatchObject({ actor: 'head-01', actorRole: 'department_head', action: 'case.read', outcome: 'success', subject: 'c-1', clientIp: '198.51.100.7', requestId: 'req-1' });
    expect(store.rows[0]!.userAgent).toHaveLength(200);
  });

  it('records a failed sign-in under the (cleaned) name tried', async () => {
    const store = new MemoryStore();
    await new AuditLog({ store }).record(request(null), { action: 'auth.sign_in', outcome: 'failure', actor: 'ghost\n\u0000<b>' });
    expect(store.rows[0]).toMatchObject({ actor: 'ghost??<b>', actorRole: null, outcome: 'failure' });
    expect(clean('a'.repeat(100))).toHaveLength(64);
  });

  it('a write that fails is logged; only a required one fails the request', async () => {
    const store = new MemoryStore();
    store.failing = true;
    const audit = new AuditLog({ store });
    await expect(audit.record(request(principal), { action: 'case.move' })).resolves.toBeUndefined();
    await expect(audit.record(request(principal), { action: 'case.read' }, { required: true })).rejects.toThrow('database gone');
  });

  it('pages newest first with an opaque cursor and says when there is no next page', async () => {
    const store = new MemoryStore();
    const audit = new AuditLog({ store });
    for (let i = 0; i < 5; i++) await audit.record(request(principal), { action: 'case.read', subject: `c-${i}` });
    const first = await audit.page({ limit: 2 });
    expect(first.items.map((e) => e.subject)).toEqual(['c-4', 'c-3']);
    expect(first.nextCursor).not.toBeNull();
    expect(first.nextCursor).not.toContain('4');
    const second = await audit.page({ limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((e) => e.subject)).toEqual(['c-2', 'c-1']);
    const last = await audit.page({ limit: 2, cursor: second.nextCursor! });
    expect(last.items.map((e) => e.subject)).toEqual(['c-0']);
    expect(last.nextCursor).toBeNull();
  });

  it('refuses a cursor it did not hand out', () => {
    expect(decodeCursor(encodeCursor('42'))).toBe(42n);
    expect(() => decodeCursor('bm90LWEtY3Vyc29y')).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from('a1:1; DROP TABLE').toString('base64url'))).toThrow(/cursor/);
  });
});
