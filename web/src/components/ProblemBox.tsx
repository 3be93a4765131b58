/** An RFC 9457 problem shown to the user: title, detail and the field errors. */
import { useTranslation } from 'react-i18next';
import type { Problem } from '../api';

export function ProblemBox({ problem, message }: { problem: Problem | null; message?: string }) {
  const { t } = useTranslation();
  if (!problem) return null;
  // The title in the user's language, from the problem's stable type (urn:minqing:problem:<kind>);
  // the server's detail stays as it is, below it.
  const kind = problem.type?.startsWith('urn:minqing:problem:') ? problem.type.slice('urn:minqing:problem:'.length) : null;
  const title = problem.status === 0 && problem.title === 'network'
    ? t('problem.network')
    : kind ? t(`problemType.${kind}`, { defaultValue: problem.title }) : problem.title;
  return (
    <div className="problem" role="alert" data-testid="problem" data-status={problem.status}>
      {message && <p className="problem-message">{message}</p>}
      <strong className="problem-title">{title}</strong>
      {problem.detail && <p className="problem-detail">{problem.detail}</p>}
      {problem.errors && problem.errors.length > 0 && (
        <ul className="problem-errors">
          {problem.errors.map((e, i) => (
            <li key={i}>
              <code>{normalizeField(e.field)}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** 'body/resident/name', '/resident/name' or 'resident.name' → 'resident.name' */
export function normalizeField(field: string): string {
  return field.replace(/^(body|querystring|params)(?=[/.]|$)/, '').replace(/^[/.]+/, '').replace(/\//g, '.');
}

/** The message of the field error for one field (or a field under it), if any. */
export function fieldError(problem: Problem | null, field: string): string | undefined {
  return problem?.errors?.find((e) => {
    const f = normalizeField(e.field);
    return f === field || f.startsWith(`${field}.`);
  })?.message;
}

export function FieldError({ problem, field }: { problem: Problem | null; field: string }) {
  const msg = fieldError(problem, field);
  return msg ? <span className="field-error" role="alert">{msg}</span> : null;
}
