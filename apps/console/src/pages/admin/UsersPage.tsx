/**
 * 用户 (admin) and 账号审批 (district staff). Admin lists, creates, edits, deactivates and
 * resets passwords; every account but admin starts `pending_approval`, and a change of role,
 * jurisdiction or password of such an account waits as `pendingChange` — district staff of
 * that district approve or reject it (maker-checker; a rejection needs a reason).
 */
import { useMemo, useState, type ComponentProps } from 'react';
import { useSearchParams } from 'react-router';
import { App, Alert, Button, ConfigProvider, Flex, Form, Input, Modal, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { useUser } from '../../auth/AuthContext';
import { ApiErrorAlert, applyFieldErrors, PageTitle } from '../../components';
import { ROLE_LABELS, type Role } from '../../i18n/labels';
import { formatDateTime } from '../../i18n/time';
import { muted, NativeSelect, type OptionGroup } from '../case/controls';
import { USER_STATUS_LABELS } from '../case/extraLabels';
import { useJurisdictions, type UsersQuery } from '../case/lookups';
import { useAgencies, type Agency } from '../../api/referrals';
import { AGENCY_KIND_LABELS } from '../../i18n/labels';
import type { JurisdictionNode, UserView } from '../case/model';

/** The roles the API accepts (its Role enum), in the order the form offers them, each with the level of jurisdiction it belongs to. */
type ApiRole = components['schemas']['Role'];
const LEVEL_FOR_ROLE: Partial<Record<Role, JurisdictionNode['level']>> = {
  community_director: 'community',
  street_supervisor: 'street',
  district_staff: 'district',
  district_leader: 'district',
  hotline_intake: 'district',
  agency_liaison: 'district',
  admin: 'district',
};
const ROLES = Object.keys(LEVEL_FOR_ROLE) as ApiRole[];

function statusTag(u: UserView) {
  const color = u.status === 'active' ? (u.active ? 'success' : 'default') : u.status === 'pending_approval' ? 'warning' : 'error';
  return (
    <Space size={4} wrap>
      <Tag color={color}>{USER_STATUS_LABELS[u.status] ?? u.status}</Tag>
      {!u.active && <Tag>已停用</Tag>}
    </Space>
  );
}

function pendingText(u: UserView): string | null {
  const p = u.pendingChange;
  if (!p) return null;
  const parts = [
    p.role && `角色改为 ${ROLE_LABELS[p.role] ?? p.role}`,
    p.jurisdiction && `辖区改为 ${p.jurisdiction.path ?? p.jurisdiction.name}`,
    p.password && '重置密码',
  ].filter(Boolean);
  return parts.length ? parts.join('；') : '有待审批的变更';
}

export default function UsersPage() {
  const me = useUser();
  const admin = me.role === 'admin';
  const [sp, setSp] = useSearchParams();
  const role = sp.get('role') ?? '';
  const status = sp.get('status') ?? (admin ? '' : 'pending_approval');
  const [text, setText] = useState('');
  const query: UsersQuery = useMemo(
    () => ({ ...(role ? { role: role as ApiRole } : {}), ...(status ? { status: status as UsersQuery['status'] } : {}) }),
    [role, status],
  );
  const list = useQuery({ queryKey: ['users', 'admin', query], queryFn: () => unwrap<{ items: UserView[] }>(api.GET('/api/users', { params: { query } })) });
  const tree = useJurisdictions();
  const agencies = useAgencies();
  const [dialog, setDialog] = useState<Dialog | null>(null);

  const rows = (list.data?.items ?? []).filter((u) => !text.trim() || `${u.username} ${u.displayName}`.toLowerCase().includes(text.trim().toLowerCase()));

  const set = (k: string, v: string) => {
    const next = new URLSearchParams(sp);
    if (v) next.set(k, v);
    else next.delete(k);
    setSp(next, { replace: true });
  };

  const columns: TableColumnsType<UserView> = [
    { title: '用户名', dataIndex: 'username', key: 'username', width: 140 },
    { title: '姓名', dataIndex: 'displayName', key: 'displayName', width: 200 },
    {
      title: '角色',
      dataIndex: 'role',
      key: 'role',
      width: 150,
      render: (r: string, u) => (
        <>
          {ROLE_LABELS[r as Role] ?? r}
          {agencyOf(u) && <div style={{ ...muted, fontSize: 13 }}>{agencies.byId.get(agencyOf(u) as string)?.name ?? '协同单位'}</div>}
        </>
      ),
    },
    { title: '辖区', key: 'jurisdiction', width: 220, render: (_, u) => u.jurisdiction.path ?? u.jurisdiction.name },
    {
      title: '状态',
      key: 'status',
      width: 230,
      render: (_, u) => (
        <div>
          {statusTag(u)}
          {pendingText(u) && <div style={{ fontSize: 13, color: '#873800' }}>待审批：{pendingText(u)}</div>}
          {u.approvalRequestedAt && (u.status === 'pending_approval' || u.pendingChange) && (
            <div style={{ ...muted, fontSize: 12 }}>提交于 {formatDateTime(u.approvalRequestedAt)}</div>
          )}
        </div>
      ),
    },
    {
      title: '最近登录',
      dataIndex: 'lastLoginAt',
      key: 'lastLoginAt',
      width: 150,
      render: (t: string | null) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(t)}</span>,
    },
    {
      title: '操作',
      key: 'actions',
      width: admin ? 250 : 170,
      render: (_, u) =>
        admin ? (
          <Space wrap size={4}>
            <Button size="small" onClick={() => setDialog({ kind: 'edit', user: u })} aria-label={`编辑 ${u.username}`}>
              编辑
            </Button>
            {u.id !== me.id &&
              (u.active ? (
                <Button size="small" danger onClick={() => setDialog({ kind: 'deactivate', user: u })} aria-label={`停用 ${u.username}`}>
                  停用
                </Button>
              ) : (
                <Button size="small" onClick={() => setDialog({ kind: 'reactivate', user: u })} aria-label={`启用 ${u.username}`}>
                  启用
                </Button>
              ))}
            <Button size="small" onClick={() => setDialog({ kind: 'password', user: u })} aria-label={`重置密码 ${u.username}`}>
              重置密码
            </Button>
          </Space>
        ) : u.status === 'pending_approval' || u.pendingChange ? (
          u.approvalRequestedBy === me.id ? (
            <span style={muted}>本人提出，须由他人审批</span>
          ) : (
            <Space wrap size={4}>
              <Button size="small" type="primary" onClick={() => setDialog({ kind: 'approve', user: u })} aria-label={`批准账号 ${u.username}`}>
                批准
              </Button>
              <Button size="small" danger onClick={() => setDialog({ kind: 'reject', user: u })} aria-label={`驳回账号 ${u.username}`}>
                驳回
              </Button>
            </Space>
          )
        ) : (
          <span style={muted}>—</span>
        ),
    },
  ];

  return (
    <ConfigProvider button={{ autoInsertSpace: false }}>
      <PageTitle
        title={admin ? '用户' : '账号审批'}
        extra={
          admin && (
            <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setDialog({ kind: 'create' })}>
              新建用户
            </Button>
          )
        }
      >
        {admin ? '用户' : '账号审批'}
      </PageTitle>
      {admin ? (
        <Typography.Paragraph style={muted}>
          除系统管理员外，新账号以及角色、辖区、密码的变更，须经本区区级人员审批后生效；审批前账号不能登录（或按原设置工作）。
        </Typography.Paragraph>
      ) : (
        <Typography.Paragraph style={muted}>
          系统管理员新建的账号及其角色、辖区、密码变更，须经区级人员审批（“四眼原则”）。驳回须写明理由。
        </Typography.Paragraph>
      )}
      <div role="search" aria-label="筛选用户" style={{ display: 'flex', gap: 12, flexWrap: 'wrap', alignItems: 'end', marginBottom: 12 }}>
        <div style={{ width: 200 }}>
          <label htmlFor="u-text" style={{ display: 'block', marginBottom: 4 }}>
            查找用户
          </label>
          <Input id="u-text" value={text} onChange={(e) => setText(e.target.value)} placeholder="用户名或姓名" allowClear />
        </div>
        <div style={{ width: 200 }}>
          <label htmlFor="u-role" style={{ display: 'block', marginBottom: 4 }}>
            角色
          </label>
          <NativeSelect
            id="u-role"
            value={role}
            onChange={(v) => set('role', v)}
            placeholder="全部角色"
            options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
          />
        </div>
        <div style={{ width: 200 }}>
          <label htmlFor="u-status" style={{ display: 'block', marginBottom: 4 }}>
            账号状态
          </label>
          <NativeSelect
            id="u-status"
            value={status}
            onChange={(v) => set('status', v || (admin ? '' : 'all'))}
            placeholder="全部状态"
            options={[
              { value: 'pending_approval', label: '待区级审批（含待审批变更）' },
              { value: 'active', label: USER_STATUS_LABELS.active },
              { value: 'rejected', label: USER_STATUS_LABELS.rejected },
            ]}
          />
        </div>
        <div role="status" aria-live="polite" style={{ ...muted, paddingBottom: 8 }}>
          {list.isPending ? '正在加载…' : `共 ${rows.length} 个账号`}
        </div>
      </div>
      {list.error ? <ApiErrorAlert error={list.error} onReload={() => void list.refetch()} /> : null}
      <Table<UserView>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={rows}
        loading={list.isPending}
        pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
        scroll={rows.length ? { x: 1200 } : undefined}
        onRow={(u) => ({ 'data-username': u.username }) as ComponentProps<'tr'>}
        components={{
          table: (props: ComponentProps<'table'>) => (
            <table {...props}>
              <caption className="sr-only">{admin ? '用户列表' : '待审批的账号'}</caption>
              {props.children}
            </table>
          ),
        }}
        locale={{ emptyText: <span style={muted}>{admin ? '没有符合条件的用户' : '没有待审批的账号'}</span> }}
      />
      {dialog && <UserDialog dialog={dialog} tree={tree.data ?? []} agencies={agencies.agencies} onClose={() => setDialog(null)} />}
    </ConfigProvider>
  );
}

type Dialog = { kind: 'create' } | { kind: 'edit' | 'deactivate' | 'reactivate' | 'password' | 'approve' | 'reject'; user: UserView };

const TITLES: Record<Dialog['kind'], string> = {
  create: '新建用户',
  edit: '编辑用户',
  deactivate: '停用账号',
  reactivate: '启用账号',
  password: '重置密码',
  approve: '批准账号',
  reject: '驳回账号',
};

function jurisdictionGroups(tree: JurisdictionNode[], level: JurisdictionNode['level']): OptionGroup[] {
  const districts = tree.filter((n) => n.level === 'district');
  if (level === 'district') return [{ label: '区', options: districts.map((d) => ({ value: d.id, label: d.name })) }];
  const streets = districts.flatMap((d) => d.children.filter((c) => c.level === 'street'));
  if (level === 'street') return [{ label: '街道', options: streets.map((s) => ({ value: s.id, label: s.name })) }];
  return streets.map((s) => ({ label: s.name, options: s.children.filter((c) => c.level === 'community').map((c) => ({ value: c.id, label: c.name })) }));
}

/** The agency of a liaison (UserView.agencyId once the API sends it). */
const agencyOf = (u: UserView): string | null => (u as UserView & { agencyId?: string | null }).agencyId ?? null;

interface UserForm {
  agencyId?: string;
  username?: string;
  displayName?: string;
  role?: ApiRole;
  jurisdictionId?: string;
  password?: string;
  reason?: string;
}

function UserDialog({ dialog, tree, agencies, onClose }: { dialog: Dialog; tree: JurisdictionNode[]; agencies: Agency[]; onClose: () => void }) {
  const [form] = Form.useForm<UserForm>();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const user = dialog.kind === 'create' ? null : dialog.user;
  const role = Form.useWatch('role', form) ?? user?.role;
  const needsApproval = role !== 'admin';

  const submit = async () => {
    let v: UserForm;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      switch (dialog.kind) {
        case 'create':
          await unwrap(
            api.POST('/api/users', {
              body: {
                username: v.username!.trim(),
                displayName: v.displayName!.trim(),
                role: v.role!,
                jurisdictionId: v.jurisdictionId!,
                password: v.password!,
                active: true,
                // A liaison belongs to one agency of its district (domain.md §1).
                ...(v.role === 'agency_liaison' ? { agencyId: v.agencyId! } : {}),
              },
            }),
          );
          void message.success(needsApproval ? '已创建，等待区级审批后可登录' : '已创建');
          break;
        case 'edit': {
          const body: { displayName?: string; role?: ApiRole; jurisdictionId?: string } = {};
          if (v.displayName && v.displayName.trim() !== dialog.user.displayName) body.displayName = v.displayName.trim();
          if (v.role && v.role !== dialog.user.role) body.role = v.role;
          if (v.jurisdictionId && v.jurisdictionId !== dialog.user.jurisdiction.id) body.jurisdictionId = v.jurisdictionId;
          await unwrap(api.PATCH('/api/users/{id}', { params: { path: { id: dialog.user.id } }, body }));
          void message.success(
            body.role || body.jurisdictionId ? (dialog.user.role === 'admin' && !needsApproval ? '已保存' : '已保存；角色/辖区变更待区级审批') : '已保存',
          );
          break;
        }
        case 'deactivate':
        case 'reactivate':
          await unwrap(api.PATCH('/api/users/{id}', { params: { path: { id: dialog.user.id } }, body: { active: dialog.kind === 'reactivate' } }));
          void message.success(dialog.kind === 'deactivate' ? '已停用，该账号的登录会话已失效' : '已启用');
          break;
        case 'password':
          await unwrap(api.PATCH('/api/users/{id}', { params: { path: { id: dialog.user.id } }, body: { password: v.password! } }));
          void message.success(dialog.user.role === 'admin' ? '密码已重置' : '新密码待区级审批后生效');
          break;
        case 'approve':
        case 'reject':
          await unwrap(
            api.POST('/api/users/{id}/approval', {
              params: { path: { id: dialog.user.id } },
              body: { decision: dialog.kind, reason: v.reason?.trim() || undefined },
            }),
          );
          void message.success(dialog.kind === 'approve' ? '已批准' : '已驳回');
          break;
      }
      await qc.invalidateQueries({ queryKey: ['users'] });
      onClose();
    } catch (e) {
      setError(e);
      applyFieldErrors(form, e, (f) => (['username', 'displayName', 'role', 'jurisdictionId', 'password', 'reason', 'agencyId'].includes(f) ? [f] : null));
    } finally {
      setBusy(false);
    }
  };

  const initial: UserForm = user ? { displayName: user.displayName, role: user.role, jurisdictionId: user.jurisdiction.id } : { role: 'community_director' };
  const showIdentity = dialog.kind === 'create' || dialog.kind === 'edit';
  const level = (role && LEVEL_FOR_ROLE[role]) || 'community';

  return (
    <Modal
      open
      title={`${TITLES[dialog.kind]}${user ? `：${user.username}` : ''}`}
      onCancel={onClose}
      mask={{ closable: false }}
      destroyOnHidden
      footer={
        <Flex justify="end" gap={8}>
          <Button onClick={onClose}>取消</Button>
          <Button
            type="primary"
            danger={dialog.kind === 'deactivate' || dialog.kind === 'reject'}
            loading={busy}
            onClick={() => void submit()}
            data-testid="dialog-submit"
          >
            确定
          </Button>
        </Flex>
      }
    >
      <Form form={form} name={`user-${dialog.kind}`} layout="vertical" initialValues={initial}>
        {dialog.kind === 'create' && (
          <Form.Item
            name="username"
            label="用户名"
            rules={[
              { required: true, message: '请填写用户名' },
              { pattern: /^[a-z0-9._-]{3,64}$/i, message: '3–64 个字符：字母、数字、“.”“_”“-”' },
            ]}
          >
            <Input autoComplete="off" />
          </Form.Item>
        )}
        {showIdentity && (
          <>
            <Form.Item name="displayName" label="姓名（显示名）" rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}>
              <Input maxLength={100} />
            </Form.Item>
            <Form.Item name="role" label="角色" rules={[{ required: true, message: '请选择角色' }]}>
              <NativeSelect
                // A liaison belongs to its agency: it is made as one and stays one (another account serves another agency).
                options={ROLES.filter((r) => !user || (r === 'agency_liaison') === (user.role === 'agency_liaison')).map((r) => ({
                  value: r,
                  label: ROLE_LABELS[r],
                }))}
                disabled={user?.role === 'agency_liaison'}
                onChange={(v) => form.setFieldsValue({ role: v as ApiRole, jurisdictionId: undefined })}
              />
            </Form.Item>
            <Form.Item
              name="jurisdictionId"
              label="所属辖区"
              rules={[{ required: true, message: '请选择辖区' }]}
              extra="社区儿童主任选社区，街道督导员选街道，区级人员、区分管领导、热线接报员、协同单位联络员和管理员选区。"
            >
              <NativeSelect placeholder="请选择" groups={jurisdictionGroups(tree, level)} />
            </Form.Item>
            {dialog.kind === 'create' && role === 'agency_liaison' && (
              <Form.Item
                name="agencyId"
                label="所属协同单位"
                rules={[{ required: true, message: '请选择联络员所属的协同单位' }]}
                extra="联络员只能看到转介给本单位的事项。"
              >
                <NativeSelect
                  placeholder="请选择"
                  options={agencies.filter((a) => a.active).map((a) => ({ value: a.id, label: `${a.name}（${AGENCY_KIND_LABELS[a.kind] ?? a.kind}）` }))}
                />
              </Form.Item>
            )}
          </>
        )}
        {(dialog.kind === 'create' || dialog.kind === 'password') && (
          <Form.Item
            name="password"
            label={dialog.kind === 'create' ? '初始密码' : '新密码'}
            rules={[
              { required: true, message: '请填写密码' },
              { min: 10, message: '至少 10 个字符' },
            ]}
          >
            <Input.Password autoComplete="new-password" maxLength={128} />
          </Form.Item>
        )}
        {dialog.kind === 'deactivate' && (
          <Typography.Paragraph>停用后，{user?.displayName} 立即退出登录且不能再登录；其负责的案件需重新分派。</Typography.Paragraph>
        )}
        {dialog.kind === 'reactivate' && <Typography.Paragraph>启用后，{user?.displayName} 可以重新登录。</Typography.Paragraph>}
        {(dialog.kind === 'approve' || dialog.kind === 'reject') && user && (
          <>
            <Typography.Paragraph>
              {user.displayName}（{user.username}）· {ROLE_LABELS[user.role] ?? user.role} · {user.jurisdiction.path ?? user.jurisdiction.name}
              <br />
              {user.status === 'pending_approval' ? '新账号，批准后可以登录。' : `待审批的变更：${pendingText(user) ?? '—'}`}
            </Typography.Paragraph>
            <Form.Item
              name="reason"
              label={dialog.kind === 'reject' ? '驳回理由' : '审批意见'}
              rules={dialog.kind === 'reject' ? [{ required: true, whitespace: true, message: '驳回须填写理由' }] : []}
            >
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={500} />
            </Form.Item>
          </>
        )}
        {needsApproval && (dialog.kind === 'create' || dialog.kind === 'edit' || dialog.kind === 'password') && (
          <Alert
            type="info"
            showIcon
            title={
              dialog.kind === 'create'
                ? '该账号可以查看案件内容：创建后为“待区级审批”，批准前不能登录。'
                : '角色、辖区和密码的变更须经区级审批后生效；在此之前账号按原设置工作。'
            }
          />
        )}
      </Form>
      {error ? (
        <div style={{ marginTop: 12 }}>
          <ApiErrorAlert error={error} />
        </div>
      ) : null}
    </Modal>
  );
}
