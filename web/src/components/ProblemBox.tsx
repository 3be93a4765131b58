/** An RFC 9457 problem shown to the user: title, detail and the field errors. */
import { useTranslation } from 'react-i18next';
import type { FieldError as FieldErrorDoc, Problem } from '../api';
import i18n from '../i18n';

export function ProblemBox({ problem, message }: { problem: Problem | null; message?: string }) {
  const { t, i18n } = useTranslation();
  if (!problem) return null;
  // The title in the user's language, from the problem's stable type (urn:minqing:problem:<kind>);
  // the server's detail stays as it is, below it.
  const kind = problem.type?.startsWith('urn:minqing:problem:') ? problem.type.slice('urn:minqing:problem:'.length) : null;
  const title = problem.status === 0 && problem.title === 'network'
    ? t('problem.network')
    : kind ? t(`problemType.${kind}`, { defaultValue: untitled(problem) }) : untitled(problem);
  // Field errors with codes are worded here, in the user's language; the server's English detail then adds nothing.
  const worded = !!problem.errors?.length && problem.errors.every((e) => e.code);
  // A refusal with a code is worded from it; the server's English detail is shown only in English (its codes say nothing else).
  const coded = problemCodeText(t, problem);
  const detail = coded ?? (i18n.language.startsWith('en') ? problem.detail : undefined);
  return (
    <div className="problem" role="alert" data-testid="problem" data-status={problem.status}>
      {message && <p className="problem-message">{message}</p>}
      <strong className="problem-title">{title}</strong>
      {detail && !worded && <p className="problem-detail" data-code={problem.code ?? ''}>{detail}</p>}
      {problem.errors && problem.errors.length > 0 && (
        <ul className="problem-errors">
          {problem.errors.map((e, i) => (
            <li key={i} data-code={e.code ?? ''} data-field={normalizeField(e.field)}>
              <strong>{fieldLabel(t, e.field)}</strong> {fieldMessage(t, e)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A problem of a kind the console has no words for: the server's title in English, a general one otherwise. */
function untitled(problem: Problem): string {
  return i18n.language?.startsWith('en') ? problem.title : i18n.t('problem.generic');
}

/** 'body/resident/name', '/resident/name' or 'resident.name' → 'resident.name' */
export function normalizeField(field: string): string {
  return field.replace(/^(body|querystring|params)(?=[/.]|$)/, '').replace(/^[/.]+/, '').replace(/\//g, '.');
}

type T = ReturnType<typeof useTranslation>['t'];

/** A coded refusal (`problem.code`, e.g. a lifecycle rejection) in the user's language; a status param is worded too. Undefined for a code the console does not know. */
export function problemCodeText(t: T, problem: Problem): string | undefined {
  if (!problem.code) return undefined;
  const params: Record<string, unknown> = { ...(problem.params ?? {}) };
  if (typeof params.status === 'string') params.status = t(`status.${params.status}`, { defaultValue: params.status });
  const text = t(`problemCode.${problem.code}`, { ...params, defaultValue: '' });
  return text || undefined;
}

/**
 * A field error in the user's language, from its code and params. An error without a code (a
 * check outside the schema) says only that the field is not valid, except in English, where the
 * server's own message is already in the user's language.
 */
export function fieldMessage(t: T, e: FieldErrorDoc): string {
  if (e.code) return t(`fieldError.${e.code}`, { ...(e.params ?? {}), defaultValue: t('fieldError.invalid') });
  return i18n.language?.startsWith('en') ? e.message : t('fieldError.invalid');
}

/** The field's label (`field.<name>`, by its last path segment), else its path. */
export function fieldLabel(t: T, field: string): string {
  const path = normalizeField(field);
  const last = path.split('.').pop() ?? path;
  const camel = path.replace(/\.(\w)/g, (_m, c: string) => c.toUpperCase());
  return t(`field.${camel}`, { defaultValue: t(`field.${last}`, { defaultValue: path }) });
}

/** The field error for one field (or a field under it), if any. */
function findFieldError(problem: Problem | null, field: string): FieldErrorDoc | undefined {
  return problem?.errors?.find((e) => {
    const f = normalizeField(e.field);
    return f === field || f.startsWith(`${field}.`);
  });
}

/** The message of the field error for one field (or a field under it), in the user's language, if any. */
export function fieldError(problem: Problem | null, field: string, t: T = i18n.t.bind(i18n) as T): string | undefined {
  const e = findFieldError(problem, field);
  return e ? fieldMessage(t, e) : undefined;
}

export function FieldError({ problem, field }: { problem: Problem | null; field: string }) {
  const { t } = useTranslation();
  const msg = fieldError(problem, field, t);
  return msg ? <span className="field-error" role="alert" data-code={findFieldError(problem, field)?.code ?? ''}>{msg}</span> : null;
}
