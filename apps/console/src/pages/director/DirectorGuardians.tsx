/**
 * 监护人与家庭成员 on the director's case page (domain.md §13), phone first: each person as a
 * card with big buttons; adding and changing one opens the case page's own dialog
 * (ActionDialog `add_guardian` / `update_guardian`), so the form and its checks are the same
 * everywhere. Identity is shown only here, as on the case page (each read is logged).
 */
import { useState } from 'react';
import { Button, Card, Flex, Tag, Typography } from 'antd';
import { UserAddOutlined } from '@ant-design/icons';
import type { CaseDetail } from '../../api/types';
import { GUARDIAN_RELATION_LABELS } from '../../i18n/labels';
import { ActionDialog, type DialogSpec } from '../case/ActionDialog';
import type { CaseFull, GuardianView } from '../case/model';

export function DirectorGuardians({ c }: { c: CaseDetail }) {
  const full = c as unknown as CaseFull;
  const [dialog, setDialog] = useState<DialogSpec | null>(null);
  const allowed = new Set((c.allowedActions ?? []) as readonly string[]);
  const guardians: GuardianView[] = full.guardians ?? [];
  const canAdd = allowed.has('add_guardian');
  const canUpdate = allowed.has('update_guardian');

  return (
    <Card
      title={<h2 style={{ fontSize: 17, margin: 0 }}>监护人与家庭成员（{guardians.length}）</h2>}
      size="small"
      style={{ marginBottom: 16 }}
      data-testid="director-guardians"
    >
      {guardians.length === 0 && <p className="muted">尚未登记监护人或家庭成员。</p>}
      <ul className="plain-list" aria-label="监护人与家庭成员">
        {guardians.map((g) => (
          <li key={g.id} data-guardian-relation={g.relation} data-suspected-perpetrator={g.suspectedPerpetrator ? 'true' : 'false'}>
            <Flex justify="space-between" align="center" gap={8} wrap style={{ width: '100%' }}>
              <div style={{ minWidth: 0 }}>
                <Typography.Text strong>{g.name}</Typography.Text>（{GUARDIAN_RELATION_LABELS[g.relation] ?? g.relation}）
                {g.livesWithChild && <Tag style={{ marginInlineStart: 6 }}>与儿童同住</Tag>}
                {g.suspectedPerpetrator && (
                  <Tag style={{ marginInlineStart: 6, color: '#a8071a', borderColor: '#ffa39e', background: '#fff1f0' }}>疑似施害人</Tag>
                )}
                <div style={{ color: 'rgba(0,0,0,0.68)', fontSize: 13 }}>
                  电话：{g.phone || '—'} · 身份证号：{g.idNumber || '—'}
                </div>
              </div>
              {canUpdate && (
                <Button size="large" onClick={() => setDialog({ kind: 'update_guardian', guardian: g })} aria-label={`修改监护人/家庭成员：${g.name}`}>
                  修改
                </Button>
              )}
            </Flex>
          </li>
        ))}
      </ul>
      {canAdd && (
        <Button size="large" block icon={<UserAddOutlined aria-hidden />} onClick={() => setDialog({ kind: 'add_guardian' })} style={{ marginTop: 8 }}>
          添加监护人/家庭成员
        </Button>
      )}
      <p style={{ margin: '8px 0 0', fontSize: 12, color: 'rgba(0,0,0,0.68)' }}>监护人不会收到系统的任何通知；疑似施害人看不到报告人信息。</p>
      {dialog && <ActionDialog c={full} spec={dialog} onClose={() => setDialog(null)} />}
    </Card>
  );
}
