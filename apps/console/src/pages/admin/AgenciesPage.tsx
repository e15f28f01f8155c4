/**
 * 协同单位 (admin): the district's agency registry (domain.md §11) — police stations, schools,
 * hospitals, the court, the women's federation … that cases are referred to. The admin adds,
 * renames and deactivates them; an agency is never deleted (its referrals and liaison
 * accounts keep pointing at it), and a deactivated one is no longer offered for referrals.
 */
import { useState, type ComponentProps } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, ConfigProvider, Button, Form, Input, Modal, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { ApiErrorAlert, applyFieldErrors, PageTitle } from '../../components';
import { AGENCY_KIND_LABELS } from '../../i18n/labels';
import { AGENCY_KINDS, createAgency, referralKeys, updateAgency, useAgencies, type Agency, type AgencyKind } from '../../api/referrals';
import { muted, NativeSelect } from '../case/controls';
import { DialogFooter } from '../liaison/shared';

type Dialog = { kind: 'create' } | { kind: 'edit' | 'deactivate' | 'reactivate'; agency: Agency };
const TITLES: Record<Dialog['kind'], string> = { create: '新增协同单位', edit: '修改协同单位', deactivate: '停用协同单位', reactivate: '启用协同单位' };
const KIND_OPTIONS = AGENCY_KINDS.map((k) => ({ value: k, label: AGENCY_KIND_LABELS[k] ?? k }));

export default function AgenciesPage() {
  const q = useAgencies();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const rows = [...q.agencies].sort((a, b) => Number(b.active) - Number(a.active) || AGENCY_KINDS.indexOf(a.kind) - AGENCY_KINDS.indexOf(b.kind));

  const columns: TableColumnsType<Agency> = [
    { title: '名称', dataIndex: 'name', key: 'name' },
    { title: '类别', dataIndex: 'kind', key: 'kind', width: 150, render: (k: string) => AGENCY_KIND_LABELS[k] ?? k },
    {
      title: '状态',
      dataIndex: 'active',
      key: 'active',
      width: 90,
      render: (active: boolean) => (active ? <Tag color="success">启用</Tag> : <Tag>已停用</Tag>),
    },
    {
      title: '操作',
      key: 'actions',
      width: 150,
      render: (_, a) => (
        <Space wrap size={4}>
          <Button size="small" onClick={() => setDialog({ kind: 'edit', agency: a })} aria-label={`修改 ${a.name}`}>
            修改
          </Button>
          {a.active ? (
            <Button size="small" danger onClick={() => setDialog({ kind: 'deactivate', agency: a })} aria-label={`停用 ${a.name}`}>
              停用
            </Button>
          ) : (
            <Button size="small" onClick={() => setDialog({ kind: 'reactivate', agency: a })} aria-label={`启用 ${a.name}`}>
              启用
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <ConfigProvider button={{ autoInsertSpace: false }}>
      <PageTitle
        title="协同单位"
        extra={
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setDialog({ kind: 'create' })}>
            新增协同单位
          </Button>
        }
      >
        协同单位
      </PageTitle>
      <Typography.Paragraph style={muted}>
        本区可转介的单位（公安、检察院、法院、学校、医院、妇联等）。停用后不再出现在转介的单位列表中，已有的转介和联络员账号不受影响。联络员账号在“用户”中创建。
      </Typography.Paragraph>
      {q.error ? <ApiErrorAlert error={q.error} onReload={() => void q.refetch()} /> : null}
      <Table<Agency>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={rows}
        loading={q.isPending}
        pagination={false}
        scroll={rows.length ? { x: 560 } : undefined}
        onRow={(a) => ({ 'data-agency-name': a.name, 'data-agency-kind': a.kind, 'data-active': String(a.active) }) as ComponentProps<'tr'>}
        components={{
          table: (props: ComponentProps<'table'>) => (
            <table {...props}>
              <caption className="sr-only">协同单位列表</caption>
              {props.children}
            </table>
          ),
        }}
        locale={{ emptyText: <span style={muted}>尚无协同单位</span> }}
      />
      {dialog && <AgencyDialog dialog={dialog} onClose={() => setDialog(null)} />}
    </ConfigProvider>
  );
}

function AgencyDialog({ dialog, onClose }: { dialog: Dialog; onClose: () => void }) {
  const [form] = Form.useForm<{ name: string; kind: AgencyKind }>();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const agency = dialog.kind === 'create' ? null : dialog.agency;
  const save = useMutation({
    mutationFn: (v: { name: string; kind: AgencyKind } | null) => {
      if (dialog.kind === 'deactivate' || dialog.kind === 'reactivate') return updateAgency(dialog.agency.id, { active: dialog.kind === 'reactivate' });
      const body = { name: (v?.name ?? '').trim(), kind: v?.kind ?? 'other' };
      return dialog.kind === 'create' ? createAgency(body) : updateAgency(dialog.agency.id, body);
    },
    onSuccess: async () => {
      void message.success({ create: '已新增', edit: '已保存', deactivate: '已停用', reactivate: '已启用' }[dialog.kind]);
      await qc.invalidateQueries({ queryKey: referralKeys.agencies });
      onClose();
    },
    onError: (e) => applyFieldErrors(form, e, (f) => (f === 'name' || f === 'kind' ? [f] : null)),
  });
  const showForm = dialog.kind === 'create' || dialog.kind === 'edit';
  return (
    <Modal
      open
      title={`${TITLES[dialog.kind]}${agency ? `：${agency.name}` : ''}`}
      onCancel={onClose}
      mask={{ closable: false }}
      destroyOnHidden
      footer={
        <DialogFooter
          ok="确定"
          danger={dialog.kind === 'deactivate'}
          busy={save.isPending}
          onCancel={onClose}
          onOk={() =>
            showForm
              ? void form.validateFields().then(
                  (v) => save.mutate(v),
                  () => undefined,
                )
              : save.mutate(null)
          }
        />
      }
    >
      {showForm && (
        <Form
          form={form}
          layout="vertical"
          name={`agency-${dialog.kind}`}
          initialValues={agency ? { name: agency.name, kind: agency.kind } : { kind: 'police' }}
        >
          <Form.Item name="kind" label="类别" rules={[{ required: true, message: '请选择类别' }]}>
            <NativeSelect options={KIND_OPTIONS} />
          </Form.Item>
          <Form.Item name="name" label="单位名称" rules={[{ required: true, whitespace: true, message: '请填写单位名称' }]}>
            <Input maxLength={100} placeholder="如：新安派出所" />
          </Form.Item>
        </Form>
      )}
      {dialog.kind === 'deactivate' && (
        <Typography.Paragraph>停用后，{agency?.name} 不再出现在转介的单位列表中；已有的转介照常办理，其联络员账号不受影响。</Typography.Paragraph>
      )}
      {dialog.kind === 'reactivate' && <Typography.Paragraph>启用后，{agency?.name} 可以再次接收转介。</Typography.Paragraph>}
      {save.error ? <ApiErrorAlert error={save.error} /> : null}
    </Modal>
  );
}
