/**
 * 辖区: the jurisdiction tree (district → street → community) in the caller's scope, as a
 * nested list (a screen reader hears its structure), with each node's code and, for the
 * administrator, how many accounts belong to it.
 */
import { useMemo } from 'react';
import { Card, ConfigProvider, Tag, Typography } from 'antd';
import { useUser } from '../../auth/AuthContext';
import { ApiErrorAlert, PageLoading, PageTitle } from '../../components';
import { JURISDICTION_LEVEL_LABELS } from '../../i18n/labels';
import { muted } from '../case/controls';
import { useJurisdictions, useUsers } from '../case/lookups';
import type { JurisdictionNode } from '../case/model';

export default function JurisdictionsPage() {
  const me = useUser();
  const tree = useJurisdictions();
  const users = useUsers({}, me.role === 'admin' || me.role === 'district_staff');
  const counts = useMemo(() => {
    const m = new Map<string, number>();
    for (const u of users.users) m.set(u.jurisdiction.id, (m.get(u.jurisdiction.id) ?? 0) + 1);
    return m;
  }, [users.users]);

  if (tree.isPending) return <PageLoading />;
  const roots = tree.data ?? [];
  const streets = tree.streets.length;
  const communities = tree.communities.length;

  const node = (n: JurisdictionNode, depth: number) => (
    <li key={n.id} data-jurisdiction-code={n.code}>
      {n.children.length > 0 ? (
        <details open={depth < 1}>
          <summary className="jur-row">
            <Label n={n} count={counts.get(n.id)} />
          </summary>
          <ul className="jur-list">{n.children.map((c) => node(c, depth + 1))}</ul>
        </details>
      ) : (
        <div className="jur-row jur-leaf">
          <Label n={n} count={counts.get(n.id)} />
        </div>
      )}
    </li>
  );

  return (
    <ConfigProvider button={{ autoInsertSpace: false }}>
      <PageTitle>辖区</PageTitle>
      <Typography.Paragraph style={muted}>
        区 → 街道 → 社区三级。每个案件属于一个社区；用户只能看到本辖区及下级辖区的案件。本区共 {streets} 个街道、{communities} 个社区。
      </Typography.Paragraph>
      {tree.error ? <ApiErrorAlert error={tree.error} onReload={() => void tree.refetch()} /> : null}
      <Card size="small">
        <ul className="jur-list jur-root" aria-label="辖区树">
          {roots.map((r) => node(r, 0))}
        </ul>
      </Card>
      <style>{`
        .jur-list { list-style: none; margin: 0; padding-inline-start: 24px; }
        .jur-root { padding-inline-start: 0; }
        .jur-row { display: flex; align-items: center; gap: 8px; min-height: 40px; padding: 2px 0; cursor: default; }
        details > summary.jur-row { cursor: pointer; list-style-position: outside; display: list-item; }
        .jur-leaf { padding-inline-start: 16px; }
      `}</style>
    </ConfigProvider>
  );
}

function Label({ n, count }: { n: JurisdictionNode; count?: number }) {
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 8, flexWrap: 'wrap' }}>
      <Tag style={{ color: '#262626' }}>{JURISDICTION_LEVEL_LABELS[n.level] ?? n.level}</Tag>
      <strong>{n.name}</strong>
      <span style={{ color: 'rgba(0,0,0,0.65)', fontSize: 13 }}>{n.code}</span>
      {count ? <span style={{ color: 'rgba(0,0,0,0.65)', fontSize: 13 }}>· {count} 个账号</span> : null}
    </span>
  );
}
