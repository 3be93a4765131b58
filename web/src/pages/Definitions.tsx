/**
 * The figure definitions (考评指标口径): every version the reporting service
 * computes, current first — each rate as numerator over denominator, what each
 * count counts, and the choices they embody. The server sends codes only
 * (GET /api/v1/reports/definitions, from shared/src/domain/figures.ts); every
 * word here is the console's (definitions.* in web/src/i18n).
 */
import { useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, problemOf, type Problem } from '../api';
import { ProblemBox } from '../components/ProblemBox';

interface Published {
  version: string;
  adoptedOn: string;
  supersedes: string | null;
  current: boolean;
  satisfactionWeights: { satisfied: number; basically_satisfied: number; dissatisfied: number };
  counts: { name: string; rule: string; unit: 'case' | 'callback' }[];
  rates: { name: string; numerator: string; denominator: string }[];
  choices: { code: string; params: Record<string, number> }[];
}

function Version({ d }: { d: Published }) {
  const { t, i18n } = useTranslation();
  // a calendar date, not an instant: shown as that date in every timezone
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${d.adoptedOn}T00:00:00Z`));
  const ruleOf = (name: string) => d.counts.find((c) => c.name === name);
  const countText = (name: string) => {
    if (name === 'weightedSatisfaction') {
      const w = d.satisfactionWeights;
      return t('definitions.weighted', { satisfied: w.satisfied, basically: w.basically_satisfied, dissatisfied: w.dissatisfied });
    }
    const c = ruleOf(name);
    return c ? `${t(`definitions.count.${name}`)}: ${t(`definitions.rule.${c.rule}`)}` : t(`definitions.count.${name}`);
  };
  return (
    <section className="panel definitions-version" data-testid="definitions-version" data-version={d.version} id={d.version}>
      <h2>
        {d.version} {d.current && <span className="badge" data-testid="definitions-current">{t('definitions.current')}</span>}
      </h2>
      <p className="muted small">
        {t('definitions.adoptedOn', { date })}
        {d.supersedes && ` · ${t('definitions.supersedes', { version: d.supersedes })}`}
        {!d.current && ` · ${t('definitions.previous')}`}
      </p>

      <h3>{t('definitions.rates')}</h3>
      <div className="table-wrap">
        <table className="definitions-rates">
          <thead>
            <tr>
              <th>{t('definitions.figure')}</th>
              <th>{t('definitions.numerator')}</th>
              <th>{t('definitions.denominator')}</th>
            </tr>
          </thead>
          <tbody>
            {d.rates.map((r) => (
              <tr key={r.name} id={`${d.version}-${r.name}`} data-testid="definitions-rate" data-rate={r.name}>
                <th scope="row">{t(`figure.${r.name}`)}</th>
                <td>{countText(r.numerator)}</td>
                <td>{countText(r.denominator)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3>{t('definitions.counts')}</h3>
      <dl className="definitions-counts">
        {d.counts.map((c) => (
          <div key={c.name} data-testid="definitions-count" data-count={c.name}>
            <dt>
              {t(`definitions.count.${c.name}`)} <span className="muted small">({t(`definitions.unit.${c.unit}`)})</span>
            </dt>
            <dd>{t(`definitions.rule.${c.rule}`)}</dd>
          </div>
        ))}
      </dl>

      <h3>{t('definitions.choices')}</h3>
      <ul className="definitions-choices">
        {d.choices.map((c) => (
          <li key={c.code} data-testid="definitions-choice" data-choice={c.code}>
            {t(`definitions.choice.${c.code}`, c.params)}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function Definitions() {
  const { t } = useTranslation();
  const [data, setData] = useState<{ current: string; items: Published[] } | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    api<{ current: string; items: Published[] }>('/reports/definitions')
      .then(setData)
      .catch((err) => setProblem(problemOf(err)));
  }, []);
  // A link to one figure (the dashboard's satisfaction card) lands on it once the page is drawn.
  const { hash } = useLocation();
  useEffect(() => {
    if (data && hash) document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView();
  }, [data, hash]);
  // The current version first, then the older ones, newest first.
  const versions = data ? [...data.items].reverse() : [];
  return (
    <div className="page definitions">
      <div className="page-head">
        <h1>{t('definitions.title')}</h1>
        <Link to="/dashboard" className="button secondary">{t('definitions.back')}</Link>
      </div>
      <p>{t('definitions.intro')}</p>
      <ProblemBox problem={problem} />
      {!data && !problem && <p className="muted">{t('common.loading')}</p>}
      {versions.map((d) => (
        <Version key={d.version} d={d} />
      ))}
    </div>
  );
}
