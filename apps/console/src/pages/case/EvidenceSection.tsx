/**
 * 证据附件 (evidence): the case's attachments, an upload, a download (logged by the server as
 * an identity read) and a retraction with a reason. Nothing is deleted: a retracted attachment
 * stays listed, struck through, with its reason. Mounted by the case page (CaseView) and the
 * director's case page with whether the caller may change the case.
 *
 * On a phone: "选择文件" offers the camera, the gallery and files (accept image/*, PDF, DOCX);
 * "拍照" opens the rear camera straight away (capture="environment"). A file over 20 MB or of
 * a type the server refuses is stopped here, before any byte is sent; while sending, the
 * progress shows and the upload can be cancelled.
 */
import { muted, NativeSelect } from './controls';
import { CameraOutlined, DownloadOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, List, Modal, Progress, Space, Tag, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import {
  ATTACHMENT_ACCEPT,
  ATTACHMENT_KIND_LABELS,
  attachmentContent,
  attachmentProblem,
  type AttachmentKind,
  type AttachmentView,
  listAttachments,
  retractAttachment,
  uploadAttachment,
  type UploadProgress,
} from '../../api/attachments';
import { isApiError } from '../../api/client';
import { caseKeys } from '../../api/hooks';
import { saveDownload } from './download';

export const attachmentKeys = { list: (caseId: string) => ['cases', 'attachments', caseId] as const };

const KIND_OPTIONS = (Object.keys(ATTACHMENT_KIND_LABELS) as AttachmentKind[]).map((k) => ({ value: k, label: ATTACHMENT_KIND_LABELS[k] }));

export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

const timeText = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

function errorText(e: unknown): string {
  if (!isApiError(e)) return '操作失败，请稍后重试。';
  if (e.status === 413) return '文件超过 20 MB，未保存。';
  if (e.status === 415) return '文件类型不支持：只接受 JPEG、PNG、HEIC 照片，PDF 或 Word (DOCX) 文档（按文件内容检查，改扩展名无效）。';
  if (e.status === 0) return '网络中断，附件未上传。恢复网络后请再次点击“上传”。';
  return [e.message, ...e.detailTexts].join(' ');
}

export function EvidenceSection({ caseId, canEdit }: { caseId: string; canEdit: boolean }) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const list = useQuery({ queryKey: attachmentKeys.list(caseId), queryFn: () => listAttachments(caseId) });
  const fileInput = useRef<HTMLInputElement>(null);
  const cameraInput = useRef<HTMLInputElement>(null);
  const abort = useRef<AbortController | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<AttachmentKind>('photo');
  const [note, setNote] = useState('');
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [retracting, setRetracting] = useState<AttachmentView | null>(null);
  const [reason, setReason] = useState('');

  // Leaving the page stops an upload still running.
  useEffect(() => () => abort.current?.abort(), []);

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: attachmentKeys.list(caseId) });
    void qc.invalidateQueries({ queryKey: caseKeys.timeline(caseId) });
  };

  const clearFile = () => {
    setFile(null);
    if (fileInput.current) fileInput.current.value = '';
    if (cameraInput.current) cameraInput.current.value = '';
  };

  const upload = useMutation({
    mutationFn: (f: File) => {
      abort.current = new AbortController();
      setProgress({ loaded: 0, total: f.size });
      return uploadAttachment(caseId, { file: f, kind, note }, setProgress, abort.current.signal);
    },
    onSuccess: (a) => {
      void message.success(`附件已上传：${a.fileName}${a.contentType.startsWith('image/') ? '（照片的位置等元数据已去除）' : ''}`);
      clearFile();
      setNote('');
      refresh();
    },
    onSettled: () => {
      abort.current = null;
      setProgress(null);
    },
  });

  const choose = (f: File | null) => {
    upload.reset();
    setFile(f);
    // A photo from the camera is a photo; anything else keeps the kind chosen.
    if (f && f.type.startsWith('image/') && kind === 'other') setKind('photo');
  };

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

  const problem = file ? attachmentProblem(file) : null;
  const items = list.data?.items ?? [];
  const percent = progress && progress.total > 0 ? Math.min(100, Math.floor((progress.loaded / progress.total) * 100)) : 0;

  return (
    <Card title={<h2 style={{ fontSize: 17, margin: 0 }}>证据附件 (evidence)</h2>} size="small" data-testid="evidence-section" style={{ marginBottom: 16 }}>
      {list.isError && <Alert type="error" showIcon title={errorText(list.error)} style={{ marginBottom: 12 }} />}
      <List
        aria-label="证据附件列表"
        loading={list.isLoading}
        dataSource={items}
        locale={{ emptyText: <span style={muted}>暂无附件。</span> }}
        renderItem={(a) => (
          <List.Item
            data-attachment={a.id}
            data-file-name={a.fileName}
            data-retracted={a.retracted !== null}
            actions={
              a.retracted
                ? []
                : [
                    <Button key="download" icon={<DownloadOutlined aria-hidden />} onClick={() => void download(a)} aria-label={`下载 ${a.fileName}`}>
                      下载
                    </Button>,
                    ...(canEdit
                      ? [
                          <Button key="retract" danger onClick={() => setRetracting(a)} aria-label={`撤回 ${a.fileName}`}>
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
                  <Typography.Text delete={a.retracted !== null} style={{ wordBreak: 'break-all' }}>
                    {a.fileName}
                  </Typography.Text>
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
        <Form
          layout="vertical"
          aria-label="上传附件"
          style={{ marginTop: 16 }}
          onFinish={() => {
            if (file && !problem && !upload.isPending) upload.mutate(file);
          }}
        >
          <Form.Item
            label="选择文件（照片、PDF 或 Word，最大 20 MB）"
            htmlFor={`evidence-file-${caseId}`}
            extra="手机上可直接拍照或从相册选择；照片上传时会去除拍摄位置等元数据。"
          >
            <Flex gap={8} wrap align="center">
              <input
                id={`evidence-file-${caseId}`}
                ref={fileInput}
                type="file"
                accept={ATTACHMENT_ACCEPT}
                data-testid="evidence-file"
                disabled={upload.isPending}
                onChange={(e) => choose(e.target.files?.[0] ?? null)}
                style={{ maxWidth: '100%', minHeight: 44, fontSize: 15 }}
              />
              <Button
                size="large"
                icon={<CameraOutlined aria-hidden />}
                onClick={() => cameraInput.current?.click()}
                disabled={upload.isPending}
                data-testid="evidence-camera"
              >
                拍照 (take photo)
              </Button>
              {/* The camera's own input: hidden, opened by the button above. */}
              <input
                ref={cameraInput}
                type="file"
                accept="image/*"
                capture="environment"
                hidden
                style={{ display: 'none' }}
                tabIndex={-1}
                aria-hidden
                data-testid="evidence-camera-input"
                onChange={(e) => choose(e.target.files?.[0] ?? null)}
              />
            </Flex>
          </Form.Item>
          {file && (
            <p data-testid="evidence-chosen" style={{ margin: '-8px 0 12px', wordBreak: 'break-all' }}>
              已选择：{file.name}（{sizeText(file.size)}）
            </p>
          )}
          {problem && <Alert type="error" showIcon role="alert" title={problem} data-testid="evidence-file-problem" style={{ marginBottom: 12 }} />}
          <Form.Item label="类别 (kind)" htmlFor={`evidence-kind-${caseId}`} required>
            <NativeSelect
              id={`evidence-kind-${caseId}`}
              value={kind}
              options={KIND_OPTIONS}
              onChange={(v) => setKind(v as AttachmentKind)}
              style={{ maxWidth: 280 }}
            />
          </Form.Item>
          <Form.Item label="备注（选填）" htmlFor={`evidence-note-${caseId}`}>
            <Input.TextArea id={`evidence-note-${caseId}`} value={note} maxLength={1000} rows={2} onChange={(e) => setNote(e.target.value)} />
          </Form.Item>
          {progress && (
            <div style={{ marginBottom: 12 }} data-testid="evidence-progress">
              <Progress percent={percent} status="active" aria-label="上传进度" />
              <div role="status" style={muted}>
                正在上传：{sizeText(progress.loaded)} / {sizeText(progress.total)}
              </div>
            </div>
          )}
          {upload.isError && <Alert type="error" showIcon role="alert" title={errorText(upload.error)} style={{ marginBottom: 12 }} />}
          <Flex gap={8} wrap>
            <Button
              type="primary"
              size="large"
              htmlType="submit"
              icon={<UploadOutlined aria-hidden />}
              loading={upload.isPending}
              // Inactive while it sends (a second press would send the file twice): shown as disabled,
              // not as antd's faded loading blue, whose white label fails the contrast minimum.
              disabled={!file || !!problem || upload.isPending}
            >
              上传
            </Button>
            {upload.isPending && (
              <Button size="large" onClick={() => abort.current?.abort()}>
                取消上传
              </Button>
            )}
          </Flex>
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
        <Typography.Paragraph>
          撤回后附件不再提供下载，但不会被删除；撤回原因记入时间线。{retracting && <strong style={{ wordBreak: 'break-all' }}>{retracting.fileName}</strong>}
        </Typography.Paragraph>
        <Form layout="vertical">
          <Form.Item label="撤回原因 (reason)" htmlFor="evidence-retract-reason" required>
            <Input.TextArea id="evidence-retract-reason" value={reason} maxLength={1000} rows={3} onChange={(e) => setReason(e.target.value)} />
          </Form.Item>
        </Form>
        {retract.isError && <Alert type="error" showIcon role="alert" title={errorText(retract.error)} />}
      </Modal>
    </Card>
  );
}
