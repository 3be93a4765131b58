/**
 * Democratic appraisal (民主评议) scores for a month: the assessment group and
 * administrators enter a score for a cadre or a department from one appraiser
 * group (POST /reports/appraisals; who entered it is the signed-in user, taken
 * from the session by the server); the township-wide roles read what was
 * entered (GET /reports/appraisals). The form comes first, the list after it.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { APPRAISER_GROUPS, mayUse, REPORT_OPERATIONS } from '@minqing/shared/console-access';
import { api, problemOf, withQuery, type Problem } from '../api';
import { useMe } from '../auth';
import { useDirectory } from '../directory';
import { Pager } from '../components/Pager';
import { FieldError, ProblemBox } from '../components/ProblemBox';
import { Loading } from '../components/bits';
import { useAction } from '../useAction';
import { useFormat } from '../format';
import { thisMonth, useLocalList } from '../localList';

type SubjectType = 'cadre' | 'department';

interface Appraisal {
  period: string;
  subjectType: SubjectType;
  subjectCode: string;
  appraiserGroup: string;
  score: number;
  enteredBy: string;
  enteredAt: string;
}

export default function Appraisals() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const dir = useDirectory();
  const f = useFormat();
  const canEnter = mayUse(REPORT_OPERATIONS, 'enterAppraisal', me?.role);
  const [period, setPeriod] = useState(thisMonth());
  const [subjectType, setSubjectType] = useState<SubjectType>('cadre');
  const [subjectCode, setSubjectCode] = useState('');
  const [group, setGroup] = useState<string>(APPRAISER_GROUPS[0]);
  const [score, setScore] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [items, setItems] = useState<Appraisal[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [search, setSearch] = useState('');
  const entry = useAction();

  const load = useCallback(async () => {
    if (!/^\d{4}-\d{2}$/.test(period)) return;
    try {
      setItems((await api<{ items: Appraisal[] }>(withQuery('/reports/appraisals', { period }))).items);
      setProblem(null);
    } catch (err) {
      setProblem(problemOf(err));
    }
  }, [period]);
  useEffect(() => {
    setItems(null);
    void load();
  }, [load]);

  const subjectName = (a: Pick<Appraisal, 'subjectType' | 'subjectCode'>) => (a.subjectType === 'cadre' ? dir.cadre(a.subjectCode) : dir.department(a.subjectCode));
  const enteredByName = (u: string) => (me && u === me.username ? me.name : dir.cadre(u));
  const collator = new Intl.Collator(i18n.language);
  const cadres = [...dir.cadres].filter((c) => c.role !== 'hall_staff').sort((a, b) => collator.compare(dir.department(a.departmentCode), dir.department(b.departmentCode)) || collator.compare(a.name, b.name));
  const list = useLocalList(items, search, (a) => `${subjectName(a)} ${t(`appraisal.group.${a.appraiserGroup}`)}`, 20, `${period}|${dir.cadres.length}`);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(null);
    await entry.run(async () => {
      await api<void>('/reports/appraisals', { body: { period, subjectType, subjectCode, appraiserGroup: group, score: Number(score) } });
      setSaved(subjectName({ subjectType, subjectCode }));
      setScore('');
      await load();
    });
  }

  return (
    <div className="page evaluation appraisals">
      <div className="page-head">
        <h1>{t('appraisal.title')}</h1>
        <label className="inline">
          {t('evaluation.period')}{' '}
          <input type="month" data-testid="appraisal-period" value={period} onChange={(e) => setPeriod(e.target.value)} />
        </label>
      </div>
      {canEnter && (
        <form className="panel form" data-testid="appraisal-form" onSubmit={submit}>
          <h2>{t('appraisal.enter')}</h2>
          <div className="filters">
            <label>
              {t('appraisal.subjectType')}
              <select data-testid="appraisal-subject-type" value={subjectType} onChange={(e) => { setSubjectType(e.target.value as SubjectType); setSubjectCode(''); }}>
                <option value="cadre">{t('appraisal.subject.cadre')}</option>
                <option value="department">{t('appraisal.subject.department')}</option>
              </select>
            </label>
            <label>
              {t('appraisal.subjectLabel')}
              <select data-testid="appraisal-subject" required value={subjectCode} onChange={(e) => setSubjectCode(e.target.value)}>
                <option value="">{t('common.choose')}</option>
                {subjectType === 'department'
                  ? dir.departments.map((d) => <option key={d.code} value={d.code}>{d.name}</option>)
                  : cadres.map((c) => <option key={c.code} value={c.code}>{c.name} · {dir.department(c.departmentCode) || t('common.none')}</option>)}
              </select>
              <FieldError problem={entry.problem} field="subjectCode" />
            </label>
            <label>
              {t('appraisal.groupLabel')}
              <select data-testid="appraisal-group" value={group} onChange={(e) => setGroup(e.target.value)}>
                {APPRAISER_GROUPS.map((g) => <option key={g} value={g}>{t(`appraisal.group.${g}`)}</option>)}
              </select>
            </label>
            <label>
              {t('appraisal.score')}
              <input data-testid="appraisal-score" type="number" inputMode="decimal" min={0} max={100} step="0.1" required value={score} onChange={(e) => setScore(e.target.value)} />
              <FieldError problem={entry.problem} field="score" />
            </label>
          </div>
          <p className="muted small">{t('appraisal.enteredAs', { name: me?.name ?? '' })}</p>
          <ProblemBox problem={entry.problem} />
          {saved && <p className="success" role="status" data-testid="appraisal-saved">{t('appraisal.saved', { name: saved })}</p>}
          <div className="actions">
            <button type="submit" className="primary" data-testid="appraisal-submit" disabled={entry.busy || !subjectCode || score === ''}>
              {entry.busy ? t('common.saving') : t('appraisal.save')}
            </button>
          </div>
        </form>
      )}
      <section className="panel" data-testid="appraisal-list">
        <div className="panel-head">
          <h2>{t('appraisal.entered')}</h2>
          <input type="search" data-testid="appraisal-search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t('evaluation.searchHint')} aria-label={t('evaluation.search')} />
        </div>
        <ProblemBox problem={problem} />
        {!items && !problem && <Loading />}
        {items && list.items.length === 0 && !list.loading && <p className="muted" data-testid="appraisal-empty">{t('appraisal.empty')}</p>}
        {list.items.length > 0 && (
          <div className="table-wrap">
            <table className="table stack">
              <thead>
                <tr>
                  <th>{t('appraisal.subjectLabel')}</th>
                  <th>{t('appraisal.groupLabel')}</th>
                  <th>{t('appraisal.score')}</th>
                  <th>{t('appraisal.enteredBy')}</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((a) => (
                  <tr key={`${a.subjectType}/${a.subjectCode}/${a.appraiserGroup}`} data-testid="appraisal-row" data-subject={a.subjectCode}>
                    <td data-label={t('appraisal.subjectLabel')}><span className="cell">{subjectName(a)} <small className="muted">{t(`appraisal.subject.${a.subjectType}`)}</small></span></td>
                    <td data-label={t('appraisal.groupLabel')}><span className="cell">{t(`appraisal.group.${a.appraiserGroup}`)}</span></td>
                    <td data-label={t('appraisal.score')}><span className="cell">{a.score.toLocaleString(i18n.language, { maximumFractionDigits: 1 })}</span></td>
                    <td data-label={t('appraisal.enteredBy')}><span className="cell">{enteredByName(a.enteredBy)} · {f.dateTime(a.enteredAt)}</span></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager list={list} testid="appraisal-pager" />
      </section>
    </div>
  );
}
