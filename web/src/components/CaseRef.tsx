/** Another case, by its title and tracking code, as a link (one a user may not see: just "another case"). */
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import type { CaseDetail } from '../types';

type Ref = { title: string; trackingCode: string } | null;
/** one look-up per case and page load, however many rows name it */
const cache = new Map<string, Promise<Ref>>();
const lookUp = (id: string): Promise<Ref> => {
  let p = cache.get(id);
  if (!p) {
    p = api<CaseDetail>(`/cases/${encodeURIComponent(id)}`).then((x) => ({ title: x.title, trackingCode: x.trackingCode }), () => null);
    cache.set(id, p);
  }
  return p;
};

export function CaseRef({ id }: { id: string }) {
  const { t } = useTranslation();
  const [target, setTarget] = useState<Ref | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void lookUp(id).then((r) => live && setTarget(r));
    return () => {
      live = false;
    };
  }, [id]);
  return (
    <Link to={`/cases/${id}`} data-testid="case-ref">
      {target ? t('case.ref', { title: target.title, code: target.trackingCode }) : target === null ? t('case.otherCase') : t('common.loading')}
    </Link>
  );
}
