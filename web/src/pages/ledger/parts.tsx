/**
 * Pieces of the ledger screens (民情台帐): the record's fields read from the one
 * schema in shared/ (sections, kinds of field, bounds), shown read-only or as a
 * form, the save with the version it was edited from, the history with what
 * changed between versions, and field errors worded by the record's own labels.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CHANGE_NOTE_MAX, HouseholdLedgerDataSchema, LEDGER_CHOICES, LEDGER_FIELD_CHOICES, NOTES_MAX, SECTION_NOTE_MAX, VillageLedgerDataSchema,
  type LedgerChoiceList, type LedgerData, type LedgerKind, type LedgerVersion,
} from '@minqing/shared/ledger';
import { api, isAbort, problemOf, type Problem } from '../../api';
import { Pager, useCursorList, type CursorPage } from '../../components/Pager';
import { fieldMessage, normalizeField, ProblemBox } from '../../components/ProblemBox';
import { Loading } from '../../components/bits';
import { useFormat } from '../../format';
import { useAction } from '../../useAction';
import './ledger.css';

type Leaf = number | string | string[] | null;
export type FieldKind = 'count' | 'choice' | 'choices' | 'note';
export interface FieldSpec {
  path: string;
  kind: FieldKind;
  list?: LedgerChoiceList;
  max?: number;
}
export interface SectionSpec {
  name: string;
  fields: FieldSpec[];
}

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  type?: string;
  maximum?: number;
  maxLength?: number;
}

const SCHEMAS: Record<LedgerKind, JsonSchema> = { household: HouseholdLedgerDataSchema as JsonSchema, village: VillageLedgerDataSchema as JsonSchema };

function specOf(path: string, s: JsonSchema): FieldSpec {
  const list = LEDGER_FIELD_CHOICES[path];
  if (s.type === 'array') return { path, kind: 'choices', list };
  if (s.type === 'string') return { path, kind: 'note', max: s.maxLength ?? (path === 'notes' ? NOTES_MAX : SECTION_NOTE_MAX) };
  if (list) return { path, kind: 'choice', list };
  const n = s.anyOf?.find((a) => a.type === 'integer');
  return { path, kind: 'count', max: n?.maximum };
}

/** The record's sections and fields, in the schema's order (a top-level text field is a section of its own). */
export function sectionsOf(kind: LedgerKind): SectionSpec[] {
  return Object.entries(SCHEMAS[kind].properties ?? {}).map(([name, s]) =>
    s.properties
      ? { name, fields: Object.entries(s.properties).map(([field, fs]) => specOf(`${name}.${field}`, fs)) }
      : { name, fields: [specOf(name, s)] },
  );
}

export function getLeaf(data: LedgerData | null, path: string): Leaf {
  if (!data) return null;
  const [section, name] = path.split('.') as [string, string | undefined];
  const s = (data as unknown as Record<string, unknown>)[section];
  return (name === undefined ? s : (s as Record<string, unknown> | undefined)?.[name]) as Leaf;
}

export function setLeaf<T extends LedgerData>(data: T, path: string, value: Leaf): T {
  const [section, name] = path.split('.') as [string, string | undefined];
  const copy = { ...(data as unknown as Record<string, unknown>) };
  if (name === undefined) copy[section] = value;
  else copy[section] = { ...(copy[section] as Record<string, unknown>), [name]: value };
  return copy as unknown as T;
}

/** The labels of the ledger's fields, sections and choices, and a value worded for reading. */
/**
 * A ledger record's page data: loaded from `path` (again when it changes, the
 * answer to an older path dropped), and `reload()` after a save. The problem
 * stays beside the last view, so a failed reload keeps the page on screen.
 */
export function useLedgerRecord<T>(path: string): { view: T | null; problem: Problem | null; reload: () => void } {
  const [view, setView] = useState<T | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const load = useCallback(
    (signal?: AbortSignal) =>
      api<T>(path, { signal })
        .then((v) => {
          setView(v);
          setProblem(null);
        })
        .catch((err: unknown) => !isAbort(err) && setProblem(problemOf(err))),
    [path],
  );
  useEffect(() => {
    const ctl = new AbortController();
    void load(ctl.signal);
    return () => ctl.abort();
  }, [load]);
  return { view, problem, reload: () => void load() };
}

export function useLedgerWords() {
  const { t, i18n } = useTranslation();
  const field = (kind: LedgerKind, path: string) => t(`ledger.field.${kind}.${path}`);
  const section = (kind: LedgerKind, name: string) => t(`ledger.section.${kind}.${name}`);
  const choice = (list: LedgerChoiceList | undefined, value: string) => (list ? t(`ledger.choice.${list}.${value}`) : value);
  const value = (path: string, v: Leaf): string => {
    const list = LEDGER_FIELD_CHOICES[path];
    if (v === null || v === '' || (Array.isArray(v) && v.length === 0)) return '';
    if (Array.isArray(v)) return v.map((x) => choice(list, x)).join('、');
    if (typeof v === 'number') return v.toLocaleString(i18n.language);
    return choice(list, v);
  };
  return { field, section, choice, value };
}

/** A record read-only: every section, its fields with their values ("未填" for none). */
export function LedgerView({ kind, data }: { kind: LedgerKind; data: LedgerData }) {
  const { t } = useTranslation();
  const w = useLedgerWords();
  return (
    <div className="ledger-view" data-testid="ledger-view">
      {sectionsOf(kind).map((s) => (
        <section key={s.name} className="ledger-section">
          <h3>{w.section(kind, s.name)}</h3>
          <dl className="details">
            {s.fields.map((f) => {
              const v = getLeaf(data, f.path);
              const text = w.value(f.path, v);
              return (
                <div key={f.path} className="ledger-pair" data-testid={`ledger-value-${f.path}`}>
                  <dt>{w.field(kind, f.path)}</dt>
                  <dd className={f.kind === 'note' ? 'prewrap' : undefined}>
                    {f.kind === 'choices' && Array.isArray(v) && v.length ? (
                      <span className="ledger-tags">{v.map((x) => <span key={x} className="tag">{w.choice(f.list, x)}</span>)}</span>
                    ) : (
                      text || <span className="muted">{t('ledger.unknown')}</span>
                    )}
                  </dd>
                </div>
              );
            })}
          </dl>
        </section>
      ))}
    </div>
  );
}

/** Field errors of a save, each under the record's own label. */
function LedgerProblem({ kind, problem }: { kind: LedgerKind; problem: Problem | null }) {
  const { t } = useTranslation();
  const w = useLedgerWords();
  if (!problem) return null;
  const fieldErrors = (problem.errors ?? []).filter((e) => normalizeField(e.field).startsWith('data.'));
  if (!fieldErrors.length) return <ProblemBox problem={problem} />;
  return (
    <div className="problem" role="alert" data-testid="problem" data-status={problem.status}>
      <strong className="problem-title">{t('problemType.validation-error')}</strong>
      <ul className="problem-errors">
        {fieldErrors.map((e, i) => {
          const path = normalizeField(e.field).slice('data.'.length);
          return (
            <li key={i} data-code={e.code ?? ''} data-field={path}>
              <strong>{w.field(kind, path)}</strong> {fieldMessage(t, e)}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export interface SaveAnswer {
  changed: boolean;
  workRecord: 'logged' | 'pending' | null;
  record: { version: number };
}

/**
 * The record as a form: counts as number fields, a choice as a list, several
 * choices as ticks, text with its limit. Saves the whole record with the
 * version it was edited from; a conflict says so and nothing is lost on screen.
 */
export function LedgerForm<T extends LedgerData>({ kind, code, initial, baseVersion, onSaved, onCancel }: {
  kind: LedgerKind;
  code: string;
  initial: T;
  baseVersion: number;
  onSaved(answer: SaveAnswer): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const w = useLedgerWords();
  const [draft, setDraft] = useState<T>(initial);
  const [changeNote, setChangeNote] = useState('');
  const { busy, problem, run } = useAction();
  const set = (path: string, v: Leaf) => setDraft((d) => setLeaf(d, path, v));
  const errorOf = (path: string) => problem?.errors?.find((e) => normalizeField(e.field) === `data.${path}`);

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const answer = await api<SaveAnswer>(`/ledger/${kind}s/${encodeURIComponent(code)}`, {
        method: 'PUT',
        body: { baseVersion, data: draft, ...(changeNote.trim() ? { changeNote: changeNote.trim() } : {}) },
      });
      onSaved(answer);
    });
  }

  const input = (f: FieldSpec) => {
    const v = getLeaf(draft, f.path);
    const id = `ledger-field-${f.path}`;
    switch (f.kind) {
      case 'count':
        return (
          <input
            id={id} data-testid={id} type="number" inputMode="numeric" min={0} max={f.max} step={1}
            value={typeof v === 'number' ? v : ''}
            onChange={(e) => set(f.path, e.target.value === '' ? null : Math.max(0, Math.trunc(Number(e.target.value))))}
          />
        );
      case 'choice':
        return (
          <select id={id} data-testid={id} value={typeof v === 'string' ? v : ''} onChange={(e) => set(f.path, e.target.value || null)}>
            <option value="">{t('ledger.choose')}</option>
            {(f.list ? LEDGER_CHOICES[f.list] : []).map((c) => <option key={c} value={c}>{w.choice(f.list, c)}</option>)}
          </select>
        );
      case 'choices': {
        const chosen = Array.isArray(v) ? v : [];
        return (
          <div className="ledger-checks" id={id} data-testid={id} role="group">
            {(f.list ? LEDGER_CHOICES[f.list] : []).map((c) => (
              <label key={c} className="check">
                <input
                  type="checkbox" data-testid={`ledger-choice-${f.path}-${c}`} checked={chosen.includes(c)}
                  onChange={(e) => set(f.path, e.target.checked ? [...chosen, c] : chosen.filter((x) => x !== c))}
                />{' '}
                {w.choice(f.list, c)}
              </label>
            ))}
          </div>
        );
      }
      case 'note':
        return <textarea id={id} data-testid={id} rows={f.path === 'notes' ? 4 : 3} maxLength={f.max} value={typeof v === 'string' ? v : ''} onChange={(e) => set(f.path, e.target.value)} />;
    }
  };

  return (
    <form className="ledger-form form" data-testid="ledger-form" onSubmit={submit} noValidate>
      {sectionsOf(kind).map((s) => (
        <fieldset key={s.name} className="ledger-section">
          <legend>{w.section(kind, s.name)}</legend>
          <div className={s.fields.every((f) => f.kind === 'count' || f.kind === 'choice') ? 'ledger-grid' : 'ledger-stack'}>
            {s.fields.map((f) => {
              const err = errorOf(f.path);
              return (
                <div key={f.path} className="field ledger-field">
                  <label htmlFor={`ledger-field-${f.path}`}>{w.field(kind, f.path)}</label>
                  {input(f)}
                  {err && <span className="field-error" role="alert" data-code={err.code ?? ''}>{fieldMessage(t, err)}</span>}
                </div>
              );
            })}
          </div>
        </fieldset>
      ))}
      <label>
        {t('ledger.changeNote')}
        <input type="text" data-testid="ledger-change-note" maxLength={CHANGE_NOTE_MAX} value={changeNote} onChange={(e) => setChangeNote(e.target.value)} />
      </label>
      <LedgerProblem kind={kind} problem={problem} />
      <div className="actions">
        <button type="submit" className="primary big" data-testid="ledger-save" disabled={busy}>
          {busy ? t('common.saving') : t('ledger.save')}
        </button>
        <button type="button" className="secondary" data-testid="ledger-cancel" onClick={onCancel} disabled={busy}>
          {t('ledger.cancel')}
        </button>
      </div>
    </form>
  );
}

/** What one change was, worded: set, changed from … to …, or cleared. */
function ChangeLine({ kind, change }: { kind: LedgerKind; change: LedgerVersion['changes'][number] }) {
  const { t } = useTranslation();
  const w = useLedgerWords();
  const before = w.value(change.field, change.before);
  const after = w.value(change.field, change.after);
  const what = !before ? t('ledger.setTo', { after }) : !after ? t('ledger.cleared', { before }) : t('ledger.changedFrom', { before, after });
  return (
    <li data-testid="ledger-change" data-field={change.field}>
      <strong>{w.field(kind, change.field)}</strong> <span className="ledger-change-text">{what}</span>
    </li>
  );
}

/** Every version, newest first: who, when, the reason given, what changed; paged. */
export function LedgerHistory({ kind, code, reloadKey }: { kind: LedgerKind; code: string; reloadKey: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const load = useCallback(
    (cursor: string | undefined, signal: AbortSignal) =>
      api<CursorPage<LedgerVersion>>(`/ledger/${kind}s/${encodeURIComponent(code)}/history?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { signal }),
    [kind, code],
  );
  const list = useCursorList(load, `${kind}|${code}|${reloadKey}`);
  return (
    <section className="panel" data-testid="ledger-history">
      <h2>{t('ledger.history')}</h2>
      <ProblemBox problem={list.problem} />
      {list.loading && !list.problem && <Loading />}
      {!list.loading && list.items.length === 0 && !list.problem && <p className="muted">{t('ledger.historyNone')}</p>}
      <ol className="ledger-versions">
        {list.items.map((v) => (
          <li key={v.version} className="ledger-version" data-testid="ledger-version" data-version={v.version}>
            <div className="ledger-version-head">
              <strong>{t('ledger.version', { version: v.version })}</strong>
              <span className="muted small">{t('ledger.historyBy', { who: v.changedBy.name, when: f.dateTime(v.changedAt) })}</span>
              {v.workRecord && (
                <span className={`tag ${v.workRecord === 'logged' ? 'ok' : ''}`} data-testid="ledger-version-work" data-state={v.workRecord}>
                  {v.workRecord === 'logged' ? t('ledger.workLogged') : t('ledger.workPending')}
                </span>
              )}
            </div>
            {v.changeNote && <p className="small prewrap">{t('ledger.historyNote', { note: v.changeNote })}</p>}
            {v.version === 1 && <p className="muted small">{t('ledger.firstVersion')}</p>}
            <ul className="ledger-changes">
              {v.changes.map((c) => <ChangeLine key={c.field} kind={kind} change={c} />)}
            </ul>
          </li>
        ))}
      </ol>
      <Pager list={list} testid="ledger-history-pager" />
    </section>
  );
}

/** "第 3 版 · 2026-11-20 10:05 由 李海燕 更新", or "未建档". */
export function VersionLine({ version, updatedAt, updatedBy }: { version: number; updatedAt: string | null; updatedBy: { name: string } | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!version) return <span className="tag" data-testid="ledger-version-line" data-version={0}>{t('ledger.notRecorded')}</span>;
  const who = updatedBy?.name ?? '';
  return (
    <span className="muted small" data-testid="ledger-version-line" data-version={version}>
      {t('ledger.version', { version })} · {t('ledger.updated', { when: f.dateTime(updatedAt), who })}
    </span>
  );
}
