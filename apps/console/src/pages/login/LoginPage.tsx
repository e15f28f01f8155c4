import { useEffect, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Card, Form, Input } from 'antd';
import { LockOutlined, SafetyCertificateFilled, UserOutlined } from '@ant-design/icons';
import { useAuth } from '../../auth/AuthContext';
import { homePathFor } from '../../routes';
import { isApiError } from '../../api/client';
import { ApiErrorAlert, OfflineBanner } from '../../components';

/** Only same-site paths: an open redirect through ?next= must not be possible. */
function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : null;
}

export default function LoginPage() {
  const { login, user } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [expired] = useState(() => sessionStorage.getItem('shouhu.loginReason') === 'expired');
  const next = safeNext(params.get('next'));

  useEffect(() => {
    document.title = '登录 - 守护工作台';
    if (sessionStorage.getItem('shouhu.loginReason') === 'logout') sessionStorage.removeItem('shouhu.loginReason');
  }, []);

  if (user) return <Navigate to={next ?? homePathFor(user.role)} replace />;

  const onFinish = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const u = await login(v.username.trim(), v.password);
      void navigate(next ?? homePathFor(u.role), { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div style={{ minHeight: '100vh', display: 'flex', flexDirection: 'column', background: '#f0f5ff' }}>
      <OfflineBanner />
      <main style={{ flex: 1, display: 'flex', alignItems: 'center', justifyContent: 'center', padding: 16 }}>
        <Card style={{ width: '100%', maxWidth: 400 }}>
          <div style={{ textAlign: 'center', marginBottom: 24 }}>
            <SafetyCertificateFilled style={{ fontSize: 40, color: '#0958d9' }} aria-hidden />
            <h1 style={{ fontSize: 24, margin: '8px 0 4px' }}>守护工作台</h1>
            <p style={{ margin: 0, color: 'rgba(0,0,0,0.68)' }}>未成年人强制报告与个案管理</p>
          </div>
          {expired && !error && <Alert type="info" showIcon title="登录已过期，请重新登录。登录后会回到刚才的页面。" style={{ marginBottom: 16 }} />}
          {error !== null && (
            <div style={{ marginBottom: 16 }}>
              {isApiError(error) && error.code === 'INVALID_CREDENTIALS' ? (
                <Alert type="error" showIcon role="alert" title="用户名或密码错误，请重新输入。" />
              ) : (
                <ApiErrorAlert error={error} />
              )}
            </div>
          )}
          <Form layout="vertical" requiredMark={false} onFinish={onFinish} size="large" disabled={busy}>
            <Form.Item label="用户名" name="username" rules={[{ required: true, whitespace: true, message: '请输入用户名' }]}>
              <Input prefix={<UserOutlined aria-hidden />} autoComplete="username" autoCapitalize="off" spellCheck={false} />
            </Form.Item>
            <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
              <Input.Password prefix={<LockOutlined aria-hidden />} autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              登录
            </Button>
          </Form>
        </Card>
      </main>
    </div>
  );
}
