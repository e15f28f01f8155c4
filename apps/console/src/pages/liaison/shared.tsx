/**
 * Pieces the liaison's pages and the case page's referral section share: the state tag and
 * the deadline that matters in each state (回应期限 while pending, 办结期限 once accepted).
 */
import { Button, Flex, Tag } from 'antd';
import { DeadlineCountdown } from '../../components';
import { REFERRAL_STATUS_COLORS, REFERRAL_STATUS_LABELS } from '../../i18n/labels';
import type { Referral } from '../../api/referrals';

export function ReferralStatusTag({ status }: { status: string }) {
  return (
    <Tag color={REFERRAL_STATUS_COLORS[status] ?? 'default'} data-referral-status={status}>
      {REFERRAL_STATUS_LABELS[status] ?? status}
    </Tag>
  );
}

/** The running deadline of a referral, as a countdown; null when none runs (answered, finished). */
export function ReferralCountdown({ r }: { r: Pick<Referral, 'status' | 'respondBy' | 'dueAt'> }) {
  if (r.status === 'pending' && r.respondBy) return <DeadlineCountdown deadline={{ kind: 'referral_response', dueAt: r.respondBy }} />;
  if (r.status === 'accepted' && r.dueAt) return <DeadlineCountdown deadline={{ kind: 'referral_completion', dueAt: r.dueAt }} />;
  return null;
}

/** A dialog's buttons: cancel, then the action (data-testid="dialog-submit", as the case page's dialogs). */
export function DialogFooter({ ok, onOk, onCancel, busy, danger }: { ok: string; onOk: () => void; onCancel: () => void; busy: boolean; danger?: boolean }) {
  return (
    <Flex justify="end" gap={8}>
      <Button onClick={onCancel}>取消</Button>
      <Button type="primary" danger={danger} loading={busy} onClick={onOk} data-testid="dialog-submit">
        {ok}
      </Button>
    </Flex>
  );
}
