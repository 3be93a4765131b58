/** The signed-in user's own account: who the console thinks they are, and a password change. */
import { useTranslation } from 'react-i18next';
import { useMe } from '../auth';
import { useDirectory } from '../directory';
import { useEnum } from '../components/bits';
import { PasswordForm } from '../components/PasswordForm';

export default function Account() {
  const { t } = useTranslation();
  const me = useMe();
  const dir = useDirectory();
  const label = useEnum();
  return (
    <div className="page account">
      <h1>{t('account.title')}</h1>
      <div className="account-grid">
        <section className="panel" data-testid="profile">
          <h2>{t('account.profile')}</h2>
          <dl className="details">
            <dt>{t('account.name')}</dt>
            <dd data-testid="profile-name">{me.name}</dd>
            <dt>{t('account.username')}</dt>
            <dd className="mono" translate="no">{me.username}</dd>
            <dt>{t('account.role')}</dt>
            <dd data-testid="profile-role" data-role={me.role}>
              {label('role', me.role)}
              {me.cadreRole && me.cadreRole !== me.role && <small className="muted"> · {label('cadreRole', me.cadreRole)}</small>}
            </dd>
            <dt>{t('account.department')}</dt>
            <dd data-testid="profile-department">{dir.department(me.departmentCode) || t('common.none')}</dd>
            <dt>{t('account.servicePoint')}</dt>
            <dd data-testid="profile-service-point">
              {me.servicePoint ? me.servicePoint.name : t('common.none')}
              {me.channel && <small className="muted"> · {label('channel', me.channel)}</small>}
            </dd>
          </dl>
        </section>
        <PasswordForm />
      </div>
    </div>
  );
}
