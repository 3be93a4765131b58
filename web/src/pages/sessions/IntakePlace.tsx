/**
 * Where a case is taken in at the hall's intake (双定, issue 13): staff at a
 * community's station may take cases in at that community's market-day session
 * (or one they are on its duty roster for); the session is chosen by default on
 * its market day, so the case is tied to it and counts in its report. The API
 * checks the same (a session of the station's village, or one the clerk is on
 * duty at).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { useMe } from '../../auth';
import { useDirectory } from '../../directory';
import { todayLocal } from '../../format';
import { isoWeekday } from '@minqing/shared/work-kinds';

interface Session { code: string; name: string; villageCode: string; weekday: number; dutyCadreCodes: string[] }

/** The sessions the clerk may take cases in at, and the chosen place (null: their own service point). */
export function useIntakePlace() {
  const me = useMe();
  const dir = useDirectory();
  const [sessions, setSessions] = useState<Session[]>([]);
  const [place, setPlace] = useState<string | null>(null);
  const station = me.servicePoint ? (dir.servicePoints.find((p) => p.code === me.servicePoint!.code) as { villageCode?: string | null } | undefined) : undefined;
  const village = station?.villageCode ?? null;
  useEffect(() => {
    if (!me.servicePoint) return;
    let live = true;
    api<{ items: Session[] }>('/directory/sessions')
      .then((r) => {
        if (!live) return;
        const mine = r.items.filter((s) => (village !== null && s.villageCode === village) || (!!me.cadreCode && s.dutyCadreCodes.includes(me.cadreCode)));
        setSessions(mine);
        // on a market day, the session by default
        setPlace(mine.find((s) => s.weekday === isoWeekday(todayLocal()))?.code ?? null);
      })
      .catch(() => live && setSessions([]));
    return () => {
      live = false;
    };
  }, [me.servicePoint, me.cadreCode, village]);
  return { sessions, place, setPlace };
}

export function IntakePlacePicker({ sessions, place, onChange }: { sessions: Session[]; place: string | null; onChange(code: string | null): void }) {
  const { t } = useTranslation();
  const me = useMe();
  if (!me.servicePoint || sessions.length === 0) return null;
  return (
    <label className="intake-place">
      {t('sessionReport.intakePlace')}
      <select data-testid="intake-place" value={place ?? ''} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">{me.servicePoint.name}</option>
        {sessions.map((s) => <option key={s.code} value={s.code}>{s.name}</option>)}
      </select>
    </label>
  );
}
