/** i18next set-up: zh-CN by default, en on request; the choice is kept in localStorage and on <html lang>. */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import zhCN from './zh-CN.json';
import en from './en.json';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'minqing.lang';

function initialLanguage(): Language {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // storage may be off; fall through to the default
  }
  return 'zh-CN';
}

function applyLanguage(lng: string): void {
  document.documentElement.lang = lng;
  document.title = i18n.t('app.title');
}

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: initialLanguage(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});
applyLanguage(i18n.language);

i18n.on('languageChanged', (lng) => {
  try {
    localStorage.setItem(STORAGE_KEY, lng);
  } catch {
    // not persisted; the switch still works for this page
  }
  applyLanguage(lng);
});

export function toggleLanguage(): void {
  void i18n.changeLanguage(i18n.language === 'en' ? 'zh-CN' : 'en');
}

export default i18n;
