/** Who is acting: staff members come from the directory's cadres. */
import type { AssigneeFacts, Pool } from '@minqing/shared';
import type { Actor } from '@minqing/workflows';

export class ActorRepository {
  constructor(private readonly pool: Pool) {}

  async find(code: string): Promise<Actor | null> {
    const { rows } = await this.pool.query<{ code: string; role: string }>('SELECT code, role FROM directory.cadres WHERE code = $1', [code]);
    return rows[0] ?? null;
  }

  /** A staff member a case may be given to, with their department and its head (the case's attribution follows them). */
  async assigneeFacts(code: string): Promise<AssigneeFacts | null> {
    const { rows } = await this.pool.query<{ code: string; department_code: string | null; head_code: string | null }>(
      `SELECT c.code, c.department_code, d.head_code
         FROM directory.cadres c LEFT JOIN directory.departments d ON d.code = c.department_code
        WHERE c.code = $1`,
      [code],
    );
    const r = rows[0];
    return r ? { code: r.code, departmentCode: r.department_code, departmentHead: r.head_code } : null;
  }
}
