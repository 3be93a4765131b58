/** A case in a list (inbox, queue): title, village, status, due time. */
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useDirectory } from '../directory';
import { dueState } from '../format';
import type { CaseListItem } from '../types';
import { DueTime, StatusBadge, useEnum } from './bits';

export function TaskItem({ c }: { c: CaseListItem }) {
  const dir = useDirectory();
  const label = useEnum();
  const { t } = useTranslation();
  return (
    <li className={`task-item due-${dueState(c.dueAt, c.paused)}`} data-testid="task-item" data-case-id={c.id} data-status={c.status}>
      <Link to={`/cases/${c.id}`}>
        <span className="task-title">{c.title}</span>
        <span className="meta">
          <StatusBadge status={c.status} />
          {c.priority === 'urgent' && <span className="tag urgent">{label('priority', c.priority)}</span>}
          {c.escalationLevel > 0 && <span className={`tag esc esc-${c.escalationLevel}`}>{label('escalation', String(c.escalationLevel))}</span>}
          <span>{dir.village(c.villageCode) || t('common.noVillage')}</span>
          <span className="muted">{label('category', c.category)}</span>
        </span>
        <DueTime dueAt={c.dueAt} paused={c.paused} />
      </Link>
    </li>
  );
}
