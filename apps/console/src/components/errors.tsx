import { Alert, App, Button, type FormInstance } from 'antd';
import { CloseCircleFilled, ExclamationCircleFilled, LockFilled, QuestionCircleFilled } from '@ant-design/icons';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, isApiError } from '../api/client';
import { ERROR_CODE_LABELS, fieldText, messageText } from '../i18n/labels';

/** The Chinese text for any thrown value. */
export function errorText(error: unknown): string {
  if (isApiError(error)) {
    if (error.status === 429 && error.retryAfterSeconds) return `尝试次数过多，请在 ${waitText(error.retryAfterSeconds)}后重试。`;
    return error.message;
  }
  return '出现了意外错误，请刷新页面后重试。';
}

export function waitText(seconds: number): string {
  return seconds >= 120 ? `${Math.ceil(seconds / 60)} 分钟` : `${seconds} 秒`;
}

/**
 * A whole page that could not be shown: 403 and 404 say so plainly (a 404 never tells
 * whether the record exists elsewhere), 503 and network failures offer a retry.
 */
export function ErrorPage({
  error,
  onRetry,
  level = 2,
}: {
  error: unknown;
  onRetry?: () => void;
  /** 1 when the error is the whole page (no PageTitle above). */ level?: 1 | 2;
}) {
  const navigate = useNavigate();
  const status = isApiError(error) ? error.status : 500;
  const home = (
    <Button key="home" onClick={() => navigate('/')}>
      返回首页
    </Button>
  );
  const retry = onRetry && (
    <Button key="retry" type="primary" onClick={onRetry}>
      重试
    </Button>
  );
  const id = isApiError(error) && error.requestId && status >= 500 ? `（错误编号 ${error.requestId}）` : '';
  const Heading = level === 1 ? 'h1' : 'h2';
  const page =
    status === 403
      ? {
          icon: <LockFilled style={{ color: '#ad4e00' }} />,
          title: '无权访问',
          text: '您的角色不能查看或进行此操作。如需办理，请联系上级或系统管理员。',
          actions: [home],
        }
      : status === 404
        ? {
            icon: <QuestionCircleFilled style={{ color: '#0958d9' }} />,
            title: '没有找到',
            text: '该记录不存在，或不在您的管辖范围内。请检查链接，或从列表重新打开。',
            actions: [home],
          }
        : status === 503
          ? {
              icon: <ExclamationCircleFilled style={{ color: '#ad4e00' }} />,
              title: '服务暂不可用，请稍后重试',
              text: '系统正在恢复。您正在填写的报告草稿保存在本机，不会丢失。',
              actions: [retry, home],
            }
          : status === 0
            ? {
                icon: <ExclamationCircleFilled style={{ color: '#ad4e00' }} />,
                title: '网络连接失败',
                text: '请检查网络后重试。您正在填写的报告草稿保存在本机，不会丢失。',
                actions: [retry, home],
              }
            : { icon: <CloseCircleFilled style={{ color: '#cf1322' }} />, title: '页面加载失败', text: `${errorText(error)}${id}`, actions: [retry, home] };
  return (
    <section role="alert" data-testid="error-page" data-status={status} style={{ textAlign: 'center', padding: '48px 16px' }}>
      <div style={{ fontSize: 56 }} aria-hidden>
        {page.icon}
      </div>
      <Heading style={{ fontSize: 22, margin: '12px 0 8px' }}>{page.title}</Heading>
      <p style={{ color: 'rgba(0,0,0,0.72)', maxWidth: 480, margin: '0 auto 24px' }}>{page.text}</p>
      <div style={{ display: 'flex', gap: 12, justifyContent: 'center' }}>{page.actions}</div>
    </section>
  );
}

/**
 * An error inside a form or a card: what went wrong and what to do, with each field's
 * problem listed (400/422). A stale case (409 STALE_VERSION) gets a reload button.
 */
export function ApiErrorAlert({ error, onReload, title }: { error: unknown; onReload?: () => void; title?: ReactNode }) {
  if (!error) return null;
  const e = isApiError(error) ? error : null;
  if (e?.isStale) {
    return (
      <Alert
        type="warning"
        showIcon
        role="alert"
        title="案件已被他人更新"
        description="在您操作期间，其他人修改了这个案件。请重新加载查看最新内容，再决定是否继续。"
        action={
          onReload && (
            <Button size="middle" type="primary" onClick={onReload}>
              重新加载
            </Button>
          )
        }
      />
    );
  }
  const details = e?.detailTexts ?? [];
  return (
    <Alert
      type={e && (e.status === 503 || e.status === 0 || e.status === 429) ? 'warning' : 'error'}
      showIcon
      role="alert"
      title={title ?? errorText(error)}
      description={
        details.length > 0 || e?.requestId ? (
          <>
            {details.length > 0 && (
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {details.map((d) => (
                  <li key={d}>{d}</li>
                ))}
              </ul>
            )}
            {e?.status && e.status >= 500 && e.requestId ? <div>错误编号：{e.requestId}</div> : null}
          </>
        ) : undefined
      }
    />
  );
}

/**
 * Puts each `details[].field` message of a 400/422 on its form field. `toName` maps an
 * API field ("child.birthDate") to the form's name path (default: split on dots); return
 * null for a field the form does not have. Returns the problems it could not place.
 */
export function applyFieldErrors(
  form: FormInstance,
  error: unknown,
  toName: (field: string) => (string | number)[] | null = (f) => f.split('.'),
): { field: string; message: string }[] {
  if (!isApiError(error) || (error.status !== 400 && error.status !== 422)) return [];
  const unplaced: { field: string; message: string }[] = [];
  const fields: { name: (string | number)[]; errors: string[] }[] = [];
  for (const d of error.details) {
    const name = toName(d.field);
    if (name) fields.push({ name, errors: [messageText(d.message)] });
    else unplaced.push(d);
  }
  if (fields.length) form.setFields(fields);
  return unplaced;
}

/**
 * Shows an error as a toast or dialog that says what to do next:
 * 409 stale → dialog with 重新加载; 422 → dialog listing each unmet rule;
 * 400 with a form → messages on the fields; 429 → the wait; 503 → try later.
 */
export function useApiErrorNotice() {
  const { message, modal } = App.useApp();
  return (error: unknown, opts: { form?: FormInstance; onReload?: () => void } = {}) => {
    if (!isApiError(error)) {
      void message.error(errorText(error));
      return;
    }
    const e: ApiError = error;
    if (e.isStale) {
      modal.confirm({
        title: '案件已被他人更新',
        content: '在您操作期间，其他人修改了这个案件。请重新加载查看最新内容后再操作。',
        okText: '重新加载',
        cancelText: '稍后',
        onOk: opts.onReload,
      });
      return;
    }
    if (e.status === 400 && opts.form) {
      const rest = applyFieldErrors(opts.form, e);
      void message.error(rest.length ? `${e.message}${rest.map((d) => `${fieldText(d.field)}：${messageText(d.message)}`).join('；')}` : e.message);
      return;
    }
    if (e.status === 422 || (e.status === 400 && e.details.length)) {
      modal.error({
        title: e.code === 'CLOSURE_CONDITIONS_UNMET' ? ERROR_CODE_LABELS.CLOSURE_CONDITIONS_UNMET : e.message,
        content: e.details.length ? (
          <ul style={{ paddingInlineStart: 20 }}>
            {e.detailTexts.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
        ) : (
          e.serverMessage && messageText(e.serverMessage)
        ),
        okText: '知道了',
      });
      return;
    }
    if (e.status === 429 || e.status === 503 || e.status === 0) {
      void message.warning(errorText(e), 6);
      return;
    }
    void message.error(errorText(e));
  };
}
