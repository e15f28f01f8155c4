import { useEffect, useState } from 'react';
import { ClockCircleOutlined, WarningFilled } from '@ant-design/icons';
import { deadlineText } from '../i18n/labels';
import { countdownText, formatDateTime } from '../i18n/time';

/** Re-renders every 30 s so countdowns stay current on a screen left open. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(t);
  }, [intervalMs]);
  return now;
}

/**
 * "受理或退回 · 还剩 3 小时 20 分" — red and bold once overdue, orange within 4 hours.
 * The due time itself is in the title (and the accessible name).
 */
export function DeadlineCountdown({
  deadline,
  showKind = true,
}: {
  deadline: { kind: string; dueAt: string; overdue?: boolean; refKey?: string | null } | null | undefined;
  showKind?: boolean;
}) {
  const now = useNow();
  if (!deadline) return <span style={{ color: 'rgba(0,0,0,0.65)' }}>无待办期限</span>;
  const c = countdownText(deadline.dueAt, now);
  const overdue = c.overdue || deadline.overdue === true;
  const color = overdue ? '#a8071a' : c.urgent ? '#873800' : 'rgba(0,0,0,0.75)';
  const kind = showKind ? `${deadlineText(deadline)} · ` : '';
  return (
    <span
      style={{ color, fontWeight: overdue || c.urgent ? 600 : 400, whiteSpace: 'nowrap' }}
      title={`截止 ${formatDateTime(deadline.dueAt)}`}
      data-overdue={overdue ? 'true' : 'false'}
    >
      {overdue ? <WarningFilled aria-hidden /> : <ClockCircleOutlined aria-hidden />} {kind}
      {c.text}
      <span className="sr-only">（截止 {formatDateTime(deadline.dueAt)}）</span>
    </span>
  );
}
