/**
 * 四帮四促 in the console: the four tags as a picker (checkboxes, the help the
 * case's category suggests marked; the person chooses) and as tags, worded
 * from the shared codes (shared four-helps.ts) in zh-CN and en.
 */
import { useTranslation } from 'react-i18next';
import { FOUR_HELPS, type FourHelp } from '@minqing/shared/four-helps';

/** Picks any of the four helps. `suggested` is marked as the category's suggestion. */
export function HelpsPicker({ value, onChange, suggested, testid = 'helps' }: { value: readonly FourHelp[]; onChange: (next: FourHelp[]) => void; suggested?: FourHelp | null; testid?: string }) {
  const { t } = useTranslation();
  return (
    <fieldset className="helps-picker" data-testid={testid}>
      <legend>{t('fourHelps.tags')} <small className="muted">{t('common.optional')}</small></legend>
      {FOUR_HELPS.map((h) => (
        <label key={h} className="check">
          <input
            type="checkbox" data-testid={`${testid}-${h}`} checked={value.includes(h)}
            onChange={(e) => onChange(FOUR_HELPS.filter((x) => (x === h ? e.target.checked : value.includes(x))))}
          />{' '}
          {t(`fourHelps.help.${h}`)}
          {suggested === h && <span className="tag suggested" data-testid={`${testid}-suggested`}>{t('fourHelps.suggested')}</span>}
        </label>
      ))}
    </fieldset>
  );
}

/** The tags a case or record carries (nothing when none). */
export function HelpsTags({ helps, testid = 'helps-tags' }: { helps: readonly string[] | null | undefined; testid?: string }) {
  const { t } = useTranslation();
  if (!helps?.length) return null;
  return (
    <span className="helps-tags" data-testid={testid} data-helps={helps.join(',')}>
      {helps.map((h) => <span key={h} className="tag help" title={t(`fourHelps.full.${h}`, { defaultValue: '' })}>{t(`fourHelps.help.${h}`, { defaultValue: h })}</span>)}
    </span>
  );
}
