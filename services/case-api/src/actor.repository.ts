/** Who is acting: staff members come from the directory's cadres. */
import type { Pool } from '@minqing/shared';
import type { Actor } from '@minqing/workflows';

export class ActorRepository {
  constructor(private readonly pool: Pool) {}

  async find(code: string): Promise<Actor | null> {
    const { rows } = await this.pool.query<{ code: string; role: string }>('SELECT code, role FROM directory.cadres WHERE code = $1', [code]);
    return rows[0] ?? null;
  }
}
