import { useState } from 'react';
import { Link } from 'react-router';
import { Button, Card, Segmented, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { useNotifications } from '../../api/hooks';
import { useAuth } from '../../auth/AuthContext';
import { casePathFor } from '../../routes';
import { notificationKindText } from '../../i18n/labels';
import { formatDateTime } from '../../i18n/time';
import { ErrorPage, PageLoading, PageTitle, useApiErrorNotice } from '../../components';

/**
 * 通知: deadline reminders, breaches, returns and decisions, newest first. The server
 * writes them with masked names only; opening one marks it read.
 */
export default function NotificationsPage() {
  const [filter, setFilter] = useState<'unread' | 'all'>('unread');
  const q = useNotifications(filter === 'unread');
  const { role } = useAuth();
  const queryClient = useQueryClient();
  const notify = useApiErrorNotice();
  const markRead = useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/notifications/{id}/read', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['notifications'] }),
    onError: (e) => notify(e),
  });

  return (
    <>
      <PageTitle
        extra={
          <Segmented
            aria-label="显示哪些通知"
            value={filter}
            onChange={(v) => setFilter(v as 'unread' | 'all')}
            options={[
              { label: '未读', value: 'unread' },
              { label: '全部', value: 'all' },
            ]}
          />
        }
      >
        通知
      </PageTitle>
      {q.isPending ? (
        <PageLoading />
      ) : q.isError ? (
        <ErrorPage error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <Card styles={{ body: { padding: '4px 16px' } }}>
          {q.data.items.length === 0 ? (
            <p className="muted" style={{ padding: '24px 0', textAlign: 'center' }}>
              {filter === 'unread' ? '没有未读通知' : '暂无通知'}
            </p>
          ) : (
            <ul className="plain-list" aria-label="通知列表">
              {q.data.items.map((n) => {
                const breach = n.kind.includes('breach') || n.kind.includes('escalat');
                return (
                  <li key={n.id} data-testid="notification" data-read={n.read ? 'true' : 'false'}>
                    <div style={{ display: 'flex', gap: 8, alignItems: 'flex-start', flexWrap: 'wrap' }}>
                      <Tag
                        style={
                          breach
                            ? { color: '#a8071a', borderColor: '#ffa39e', background: '#fff1f0' }
                            : { color: '#003eb3', borderColor: '#91caff', background: '#e6f4ff' }
                        }
                      >
                        {notificationKindText(n.kind)}
                      </Tag>
                      <span style={{ fontWeight: n.read ? 400 : 600, flex: 1, minWidth: 200 }}>
                        {!n.read && <span className="sr-only">未读：</span>}
                        {n.title}
                      </span>
                    </div>
                    <div style={{ display: 'flex', gap: 16, alignItems: 'center', flexWrap: 'wrap', marginTop: 4 }}>
                      <span className="muted">{formatDateTime(n.createdAt)}</span>
                      {n.caseId && (
                        <Link
                          to={casePathFor(role, n.caseId)}
                          onClick={() => !n.read && markRead.mutate(n.id)}
                          style={{ minHeight: 44, display: 'inline-flex', alignItems: 'center' }}
                        >
                          查看案件
                        </Link>
                      )}
                      {!n.read && (
                        <Button type="link" style={{ padding: 0, height: 44 }} onClick={() => markRead.mutate(n.id)} aria-label={`标为已读：${n.title}`}>
                          标为已读
                        </Button>
                      )}
                    </div>
                  </li>
                );
              })}
            </ul>
          )}
        </Card>
      )}
    </>
  );
}
