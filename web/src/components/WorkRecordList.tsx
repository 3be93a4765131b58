/**
 * A cadre's work records for a period (GET /work-records), newest first, each
 * with its kind and its role (六个角色) and the kind's own fields worded —
 * filtered by role and kind, paged with "显示更多". Whose records may be read
 * is the API's rule (own; a department head's cadres; township-wide).
 */
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DETAIL_FIELDS, KINDS_BY_ROLE, WORK_FIELDS, WORK_ROLES, type DetailField, type WorkKind, type WorkRole } from '@minqing/shared/work-kinds';
import { api, withQuery } from '../api';
import { useDirectory } from '../directory';
import { useFormat } from '../format';
import { Pager, useCursorList, type CursorPage } from './Pager';
import { ProblemBox } from './ProblemBox';
import { Loading, useEnum } from './bits';
import { HelpsTags } from './FourHelps';

export interface WorkRecordItem {
  id: string;
  kind: WorkKind;
  role: WorkRole;
  date: string;
  householdCode: string | null;
  villageCode: string | null;
  caseId: string | null;
  note: string;
  details: Partial<Record<DetailField, string | number>>;
  /** 四帮四促 tags */
  helps?: string[];
  recordedAt: string;
}

/** One detail of a record in words: "30 人", "90 分钟", "春节", the place. */
function useDetailText() {
  const { t } = useTranslation();
  return (f: DetailField, v: string | number): string => {
    const spec = WORK_FIELDS[f];
    if (spec.type === 'choice') return t(`workChoice.${f}.${v}`, { defaultValue: String(v) });
    if (spec.type === 'count') return t(`workRecords.unit.${f}`, { count: Number(v) });
    return String(v);
  };
}

export function WorkRecordList({ cadreCode, from, to, testid = 'work-records' }: { cadreCode: string; from: string; to: string; testid?: string }) {
  const { t } = useTranslation();
  const label = useEnum();
  const dir = useDirectory();
  const f = useFormat();
  const detail = useDetailText();
  const [role, setRole] = useState<WorkRole | ''>('');
  const [kind, setKind] = useState<WorkKind | ''>('');
  const kinds = role ? KINDS_BY_ROLE.find((r) => r.role === role)!.kinds : KINDS_BY_ROLE.flatMap((r) => r.kinds);
  const load = useCallback(
    (cursor: string | undefined, signal: AbortSignal) =>
      api<CursorPage<WorkRecordItem>>(withQuery('/work-records', { cadre: cadreCode, from, to, role, kind, limit: 20, cursor }), { signal }),
    [cadreCode, from, to, role, kind],
  );
  const list = useCursorList(load, `${cadreCode}|${from}|${to}|${role}|${kind}`);

  return (
    <section className="panel work-records" data-testid={testid} data-cadre={cadreCode}>
      <div className="panel-head">
        <h2>{t('workRecords.title', { name: dir.cadre(cadreCode) })}</h2>
      </div>
      <div className="filters">
        <label>
          {t('workRecords.role')}
          <select data-testid={`${testid}-role`} value={role} onChange={(e) => { setRole(e.target.value as WorkRole | ''); setKind(''); }}>
            <option value="">{t('common.all')}</option>
            {WORK_ROLES.map((r) => <option key={r} value={r}>{label('workRole', r)}</option>)}
          </select>
        </label>
        <label>
          {t('field.kind')}
          <select data-testid={`${testid}-kind`} value={kind} onChange={(e) => setKind(e.target.value as WorkKind | '')}>
            <option value="">{t('common.all')}</option>
            {kinds.map((k) => <option key={k} value={k}>{label('workKind', k)}</option>)}
          </select>
        </label>
      </div>
      <ProblemBox problem={list.problem} />
      {list.loading && !list.problem && <Loading />}
      {!list.loading && list.items.length === 0 && <p className="muted" data-testid={`${testid}-empty`}>{t('workRecords.empty')}</p>}
      <ul className="work-record-list">
        {list.items.map((r) => (
          <li key={r.id} className="work-record" data-testid="work-record" data-kind={r.kind} data-role={r.role}>
            <div className="work-record-head">
              <strong>{label('workKind', r.kind)}</strong>
              <span className={`tag role role-${r.role}`} data-testid="work-record-item-role">{label('workRole', r.role)}</span>
              <time className="muted small" dateTime={r.date}>{f.date(`${r.date}T12:00:00`)}</time>
            </div>
            <div className="meta">
              {r.villageCode && <span>{dir.village(r.villageCode)}</span>}
              {DETAIL_FIELDS.filter((d) => r.details[d] !== undefined).map((d) => (
                <span key={d} data-detail={d}>{detail(d, r.details[d]!)}</span>
              ))}
              <HelpsTags helps={r.helps} testid="work-record-helps" />
            </div>
            <p className="note">{r.note}</p>
          </li>
        ))}
      </ul>
      <Pager list={list} testid={`${testid}-pager`} />
    </section>
  );
}
