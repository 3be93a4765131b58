/** The console's answer when a role opens a screen that is not for it (as the API's 403 would read). */
import { useTranslation } from 'react-i18next';
import { ProblemBox } from './ProblemBox';

export function NotAllowed() {
  const { t } = useTranslation();
  return (
    <section className="panel" data-testid="not-allowed">
      <h1>{t('notAllowed.title')}</h1>
      <ProblemBox problem={{ title: t('notAllowed.body'), status: 403 }} />
    </section>
  );
}
