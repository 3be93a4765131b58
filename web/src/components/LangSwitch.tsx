import { useTranslation } from 'react-i18next';
import { toggleLanguage } from '../i18n';

/** Toggles zh-CN ⇄ en; the label names the language it switches to. */
export function LangSwitch() {
  const { t } = useTranslation();
  return (
    <button type="button" className="lang-switch" data-testid="lang-switch" onClick={toggleLanguage} aria-label={t('lang.switchLabel')}>
      {t('lang.other')}
    </button>
  );
}
