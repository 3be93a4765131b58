/**
 * A small township for lifecycle tests, written straight into the directory
 * tables with codes unique to this run (the shared test database may hold
 * other rosters). Two departments, one area, two villages, a judicial office
 * with a routing rule, cadres for every role, and linked households.
 */
import type pg from 'pg';

export function township(run: string) {
  const c = (name: string) => `${name}-${run}`;
  return {
    run,
    dept: c('dept-civil'),
    judicial: c('judicial'),
    area: c('area-east'),
    village: c('wulan'),
    otherVillage: c('galutu'),
    head: c('head-civil'),
    judicialHead: c('head-judicial'),
    leader: c('leader-east'),
    township: c('township-1'),
    cadre1: c('cadre-1'),
    cadre2: c('cadre-2'),
    judge: c('cadre-judicial'),
    hall: c('hall-1'),
    household: c('hh-1'),
    household2: c('hh-2'),
    code: c,
  };
}
export type Township = ReturnType<typeof township>;

export async function loadTownship(db: pg.Client, t: Township): Promise<void> {
  await db.query('BEGIN');
  try {
    await db.query(`INSERT INTO directory.departments (code, name, head_code) VALUES ($1,'社会事务办',$2), ($3,'司法所',$4)`, [t.dept, t.head, t.judicial, t.judicialHead]);
    await db.query(`INSERT INTO directory.areas (code, name, leader_code) VALUES ($1,'东片区',$2)`, [t.area, t.leader]);
    await db.query(
      `INSERT INTO directory.villages (code, name, kind, area_code, department_code) VALUES ($1,'乌兰社区','community',$3,$4), ($2,'嘎鲁图嘎查','gachaa',$3,$4)`,
      [t.village, t.otherVillage, t.area, t.dept],
    );
    const cadres: [string, string, string, string | null][] = [
      [t.head, '张建国', 'department_head', t.dept],
      [t.judicialHead, '刘志强', 'department_head', t.judicial],
      [t.leader, '宝音', 'area_leader', null],
      [t.township, '王书记', 'township_leader', null],
      [t.cadre1, '李海燕', 'staff', t.dept],
      [t.cadre2, '陈永明', 'staff', t.dept],
      [t.judge, '赵淑珍', 'staff', t.judicial],
      [t.hall, '孙丽娟', 'hall_staff', null],
    ];
    for (const [code, name, role, dept] of cadres) {
      await db.query('INSERT INTO directory.cadres (code, name, role, department_code) VALUES ($1,$2,$3,$4)', [code, name, role, dept]);
    }
    await db.query(
      `INSERT INTO directory.households (code, village_code, head_name, phone, members, is_key, is_vulnerable, cadre_code)
       VALUES ($1,$3,'王桂兰','13912345678',3,true,false,$4), ($2,$3,'巴特尔','13812345678',5,false,true,$5)`,
      [t.household, t.household2, t.village, t.cadre1, t.cadre2],
    );
    // Category rules are global (one per category); take over dispute_mediation for this run.
    await db.query(
      `INSERT INTO directory.routing_rules (category, department_code, reason) VALUES ('dispute_mediation', $1, '矛盾纠纷由司法所调解')
       ON CONFLICT (category) DO UPDATE SET department_code = EXCLUDED.department_code, reason = EXCLUDED.reason`,
      [t.judicial],
    );
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK');
    throw err;
  }
}
