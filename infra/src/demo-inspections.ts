/**
 * Demo inspections (一听二看三查, issue 13) and a signed-off evaluation sheet
 * (评先选优): the assessment group inspects every fourth cadre with linked
 * households — once in the previous quarter and, for every other one, once
 * this month — looking at their households' ledger and their diary entries and
 * visiting two households; then signs off the previous quarter's sheet. All
 * through the API, deterministic, and resumable: a cadre inspected on the day is
 * left alone (and the Idempotency-Key is the cadre and period), and a quarter
 * already signed off is left.
 */
import type { DirectoryDocument } from '@minqing/shared';

type Call = (method: string, url: string, body: unknown, headers?: Record<string, string>) => Promise<{ status: number; json: any }>;

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The quarter before the one `today` is in: its period and first day. */
export function previousQuarter(today: string): { period: string; first: string } {
  const y = Number(today.slice(0, 4));
  const q = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;
  const [py, pq] = q === 1 ? [y - 1, 4] : [y, q - 1];
  return { period: `${py}-Q${pq}`, first: `${py}-${String((pq - 1) * 3 + 1).padStart(2, '0')}-01` };
}

export interface DemoInspection {
  key: string;
  body: {
    cadreCode: string;
    date: string;
    listen: { date: string; notes: string; score: number };
    look: { ledgerHouseholds: string[]; diaryRecords: string[]; findings: string; score: number };
    check: { households: string[]; findings: string; score: number };
  };
}

const NOTES = ['汇报了联系户走访和民情日记情况', '汇报了代办事项的跟踪和办结情况', '汇报了矛盾纠纷排查调解情况', '汇报了重点户帮扶措施落实情况'];
const LOOK = ['台帐信息完整，日记记录及时', '台帐个别户需求未更新', '日记内容具体，问题有跟进', '台帐与实际基本相符'];
const CHECK = ['走访户对干部评价较好', '走访户反映问题已解决', '一户反映的问题尚在办理', '群众知晓联系干部'];

/** The planned inspections: every fourth linked cadre, in the previous quarter, and every other of them this month too. */
export function demoInspections(township: Pick<DirectoryDocument, 'households'>, today: string): DemoInspection[] {
  const linked = [...new Set(township.households.map((h) => h.cadreCode).filter((c): c is string => !!c))].sort();
  const prev = previousQuarter(today);
  const monthFirst = `${today.slice(0, 7)}-01`;
  const out: DemoInspection[] = [];
  linked.filter((_, i) => i % 4 === 0).forEach((cadre, i) => {
    const own = township.households.filter((h) => h.cadreCode === cadre).map((h) => h.code).sort();
    const scores = (k: number) => [70 + ((i * 7 + k) % 28), 66 + ((i * 5 + k * 3) % 32), 72 + ((i * 3 + k * 7) % 26)];
    const inspection = (period: string, date: string, k: number): DemoInspection => {
      const [listen, look, check] = scores(k);
      return {
        key: `demo-inspection-${cadre}-${period}`,
        body: {
          cadreCode: cadre, date,
          listen: { date, notes: NOTES[(i + k) % NOTES.length]!, score: listen! },
          look: { ledgerHouseholds: own.slice(0, 3), diaryRecords: [], findings: LOOK[(i + k) % LOOK.length]!, score: look! },
          check: { households: own.slice(k, k + 2), findings: CHECK[(i + k) % CHECK.length]!, score: check! },
        },
      };
    };
    out.push(inspection(prev.period, iso(Date.parse(`${prev.first}T00:00:00Z`) + ((i * 11) % 80) * DAY), 0));
    if (i % 2 === 0) {
      const day = iso(Math.max(Date.parse(`${monthFirst}T00:00:00Z`), Date.parse(`${today}T00:00:00Z`) - ((i * 3) % 20) * DAY));
      out.push(inspection(today.slice(0, 7), day, 1));
    }
  });
  return out;
}

/** Records the planned inspections (the cadre's latest diary entries linked where there are some), then signs off the previous quarter. */
export async function loadDemoInspections(
  apiUrl: string, township: Pick<DirectoryDocument, 'households'>, today: string, as: (u: string) => Promise<Record<string, string>>, assessorCode: string, call: Call,
): Promise<{ inspections: number; signed: string | null }> {
  const assessor = await as(assessorCode);
  let n = 0;
  for (const { key, body } of demoInspections(township, today)) {
    const there = await call('GET', `${apiUrl}/api/v1/inspections?cadre=${encodeURIComponent(body.cadreCode)}&from=${body.date}&to=${body.date}&limit=1`, undefined, assessor);
    if (there.status === 200 && there.json.items.length > 0) continue;
    const diary = await call('GET', `${apiUrl}/api/v1/work-records?cadre=${encodeURIComponent(body.cadreCode)}&kind=diary&limit=2`, undefined, assessor);
    const diaryRecords = diary.status === 200 ? (diary.json.items as { id: string; date: string }[]).filter((d) => d.date <= body.date).map((d) => d.id) : [];
    const res = await call('POST', `${apiUrl}/api/v1/inspections`, { ...body, look: { ...body.look, diaryRecords } }, { ...assessor, 'idempotency-key': key });
    if (res.status === 201) n++;
    else if (res.status !== 200) throw new Error(`demo inspection ${key}: ${res.status} ${JSON.stringify(res.json)}`);
  }
  const { period } = previousQuarter(today);
  const signed = await call('GET', `${apiUrl}/api/v1/reports/evaluation/sheets?period=${period}&limit=1`, undefined, assessor);
  if (signed.status === 200 && signed.json.items.length === 0) {
    const res = await call('POST', `${apiUrl}/api/v1/reports/evaluation/sign-off`, { period, note: `${period} 季度考核表（演示数据）` }, assessor);
    if (res.status !== 201) throw new Error(`demo evaluation sheet ${period}: ${res.status} ${JSON.stringify(res.json)}`);
    return { inspections: n, signed: period };
  }
  return { inspections: n, signed: null };
}
