/**
 * 证据附件 (evidence): the case's attachments, an upload (on a phone the file input offers
 * the camera), a download (logged by the server as an identity read) and a retraction with
 * a reason. Nothing is deleted: a retracted attachment stays listed, struck through, with
 * its reason. Mounted by the case page (CaseView) with whether the caller may change the case.
 */
import { muted } from './controls';
import { DownloadOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, List, Modal, Select, Space, Tag, Typography } from 'antd';
import { useRef, useState } from 'react';
import {
  ATTACHMENT_ACCEPT,
  ATTACHMENT_KIND_LABELS,
  ATTACHMENT_MAX_BYTES,
  attachmentContent,
  type AttachmentKind,
  type AttachmentView,
  listAttachments,
  retractAttachment,
  uploadAttachment,
} from '../../api/attachments';
import { isApiError } from '../../api/client';
import { caseKeys } from '../../api/hooks';
import { saveDownload } from './download';

export const attachmentKeys = { list: (caseId: string) => ['cases', 'attachments', caseId] as const };

const KIND_OPTIONS = (Object.keys(ATTACHMENT_KIND_LABELS) as AttachmentKind[]).map((k) => ({ value: k, label: ATTACHMENT_KIND_LABELS[k] }));

function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

const timeText = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

function errorText(e: unknown): string {
  if (!isApiError(e)) return '操作失败，请稍后重试。';
  if (e.status === 413) return '文件超过 20 MB，未保存。';
  if (e.status === 415) return '文件类型不支持：只接受 JPEG、PNG、HEIC 照片，PDF 或 Word (DOCX) 文档（按内容检查）。';
  return [e.message, ...e.detailTexts].join(' ');
}

export function EvidenceSection({ caseId, canEdit }: { caseId: string; canEdit: boolean }) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const list = useQuery({ queryKey: attachmentKeys.list(caseId), queryFn: () => listAttachments(caseId) });
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<AttachmentKind>('photo');
  const [note, setNote] = useState('');
  const [retracting, setRetracting] = useState<AttachmentView | null>(null);
  const [reason, setReason] = useState('');

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: attachmentKeys.list(caseId) });
    void qc.invalidateQueries({ queryKey: caseKeys.timeline(caseId) });
  };

  const upload = useMutation({
    mutationFn: () => uploadAttachment(caseId, { file: file as File, kind, note }),
    onSuccess: () => {
      void message.success('附件已上传（照片的位置等元数据已去除）。');
      setFile(null);
      setNote('');
      if (fileInput.current) fileInput.current.value = '';
      refresh();
    },
  });

  const retract = useMutation({
    mutationFn: (a: AttachmentView) => retractAttachment(caseId, a.id, reason.trim()),
    onSuccess: () => {
      void message.success('附件已撤回（文件仍保留，不再提供下载）。');
      setRetracting(null);
      setReason('');
      refresh();
    },
  });

  const download = async (a: AttachmentView) => {
    try {
      await saveDownload(attachmentContent(caseId, a.id), a.fileName);
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  const tooBig = file !== null && file.size > ATTACHMENT_MAX_BYTES;
  const items = list.data?.items ?? [];

  return (
    <Card title="证据附件 (evidence)" size="small" data-testid="evidence-section">
      {list.isError && <Alert type="error" showIcon message={errorText(list.error)} style={{ marginBottom: 12 }} />}
      <List
        aria-label="证据附件列表"
        loading={list.isLoading}
        dataSource={items}
        locale={{ emptyText: <span style={muted}>暂无附件。</span> }}
        renderItem={(a) => (
          <List.Item
            data-attachment={a.id}
            data-retracted={a.retracted !== null}
            actions={
              a.retracted
                ? []
                : [
                    <Button key="download" size="small" icon={<DownloadOutlined />} onClick={() => void download(a)}>
                      下载
                    </Button>,
                    ...(canEdit
                      ? [
                          <Button key="retract" size="small" danger onClick={() => setRetracting(a)}>
                            撤回
                          </Button>,
                        ]
                      : []),
                  ]
            }
          >
            <List.Item.Meta
              avatar={<PaperClipOutlined aria-hidden />}
              title={
                <Space wrap>
                  <Typography.Text delete={a.retracted !== null}>{a.fileName}</Typography.Text>
                  <Tag>{ATTACHMENT_KIND_LABELS[a.kind] ?? a.kind}</Tag>
                  {a.retracted && <Tag color="default">已撤回</Tag>}
                </Space>
              }
              description={
                <>
                  <span>
                    {sizeText(a.size)} · {timeText(a.uploadedAt)}
                  </span>
                  {a.note && <span style={{ display: 'block' }}>备注：{a.note}</span>}
                  {a.retracted && (
                    <span style={{ display: 'block' }}>
                      撤回原因：{a.retracted.reason}（{timeText(a.retracted.at)}）
                    </span>
                  )}
                </>
              }
            />
          </List.Item>
        )}
      />

      {canEdit && (
        <Form layout="vertical" style={{ marginTop: 16 }} onFinish={() => upload.mutate()} aria-label="上传附件">
          <Form.Item label="文件 (file)：照片、PDF 或 Word，最大 20 MB" required>
            <input
              ref={fileInput}
              type="file"
              accept={`image/*,${ATTACHMENT_ACCEPT}`}
              capture="environment"
              aria-label="选择文件或拍照"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </Form.Item>
          {tooBig && <Alert type="warning" showIcon message="文件超过 20 MB，无法上传。" style={{ marginBottom: 12 }} />}
          <Form.Item label="类别 (kind)" required>
            <Select aria-label="附件类别" value={kind} options={KIND_OPTIONS} onChange={(v: AttachmentKind) => setKind(v)} style={{ maxWidth: 240 }} />
          </Form.Item>
          <Form.Item label="备注 (note)">
            <Input.TextArea aria-label="附件备注" value={note} maxLength={1000} rows={2} onChange={(e) => setNote(e.target.value)} />
          </Form.Item>
          {upload.isError && <Alert type="error" showIcon message={errorText(upload.error)} style={{ marginBottom: 12 }} />}
          <Button type="primary" htmlType="submit" icon={<UploadOutlined />} loading={upload.isPending} disabled={!file || tooBig}>
            上传
          </Button>
        </Form>
      )}

      <Modal
        open={retracting !== null}
        title="撤回附件 (retract)"
        okText="撤回"
        okButtonProps={{ danger: true, disabled: reason.trim().length === 0, loading: retract.isPending }}
        cancelText="取消"
        onOk={() => retracting && retract.mutate(retracting)}
        onCancel={() => {
          setRetracting(null);
          setReason('');
          retract.reset();
        }}
      >
        <Typography.Paragraph>撤回后附件不再提供下载，但不会被删除；撤回原因记入时间线。</Typography.Paragraph>
        <Form layout="vertical">
          <Form.Item label="撤回原因 (reason)" required>
            <Input.TextArea aria-label="撤回原因" value={reason} maxLength={1000} rows={3} onChange={(e) => setReason(e.target.value)} />
          </Form.Item>
        </Form>
        {retract.isError && <Alert type="error" showIcon message={errorText(retract.error)} />}
      </Modal>
    </Card>
  );
}
