import { Suspense, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate, matchPath } from 'react-router';
import { Badge, Button, Drawer, Grid, Layout, Menu } from 'antd';
import { BellOutlined, LogoutOutlined, MenuOutlined, SafetyCertificateFilled } from '@ant-design/icons';
import { useAuth, useUser } from '../auth/AuthContext';
import { useNotifications } from '../api/hooks';
import { ROLE_LABELS } from '../i18n/labels';
import { routes } from '../routes';
import { OfflineBanner, PageLoading } from '../components';

const { Header, Sider, Content } = Layout;

/**
 * The frame of every signed-in page. At desk width (≥ 768 px): a side menu. On a phone:
 * a compact header (menu drawer, notifications), and a bottom tab bar within thumb reach.
 * Landmarks: banner (header), navigation (menu, tabs), main (the page).
 */
export function AppLayout() {
  const user = useUser();
  const { logout } = useAuth();
  const screens = Grid.useBreakpoint();
  const desk = screens.md ?? true;
  const location = useLocation();
  const navigate = useNavigate();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const unread = useNotifications(true, { refetchInterval: 60_000 });
  const unreadCount = unread.data?.items.length ?? 0;

  const mine = routes.filter((r) => r.menu && r.roles.includes(user.role));
  const selected = mine.filter((r) => matchPath({ path: r.path, end: false }, location.pathname)).map((r) => r.path);
  const items = mine.map((r) => ({
    key: r.path,
    icon: r.icon,
    label: (
      <Link to={r.path} onClick={() => setDrawerOpen(false)}>
        {r.menu}
      </Link>
    ),
  }));
  const tabs = mine.filter((r) => r.tab).slice(0, 4);

  const signOut = async () => {
    await logout(); // never rejects: it signs out locally even when the server cannot be told
    void navigate('/login', { replace: true });
  };

  const who = (
    <div style={{ lineHeight: 1.4 }}>
      <div style={{ fontWeight: 600 }}>{user.displayName}</div>
      <div style={{ color: 'rgba(0,0,0,0.65)', fontSize: 12 }}>
        {ROLE_LABELS[user.role] ?? user.role} · {user.jurisdiction.name}
      </div>
    </div>
  );

  const bell = (
    // The name holds the badge's own text ("99+" past 99): a spoken name must contain what is shown.
    <Link to="/notifications" aria-label={unreadCount ? `通知，${unreadCount > 99 ? '99+' : unreadCount} 条未读` : '通知'} className="header-icon-link">
      <Badge count={unreadCount} size="small" overflowCount={99}>
        <BellOutlined style={{ fontSize: 22, color: '#1f1f1f' }} aria-hidden />
      </Badge>
    </Link>
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a href="#main" className="skip-link">
        跳到主要内容
      </a>
      {desk && (
        <Sider width={220} theme="light" style={{ borderInlineEnd: '1px solid #f0f0f0' }}>
          <div style={{ padding: '16px 20px', display: 'flex', alignItems: 'center', gap: 8 }}>
            <SafetyCertificateFilled style={{ color: '#0958d9', fontSize: 22 }} aria-hidden />
            <span style={{ fontSize: 18, fontWeight: 700 }}>守护工作台</span>
          </div>
          <nav aria-label="主菜单">
            <Menu mode="inline" selectedKeys={selected} items={items} style={{ borderInlineEnd: 0 }} />
          </nav>
        </Sider>
      )}
      <Layout>
        <Header
          style={{
            background: '#fff',
            borderBottom: '1px solid #f0f0f0',
            padding: desk ? '0 24px' : '0 8px',
            display: 'flex',
            alignItems: 'center',
            gap: 12,
            height: 56,
            lineHeight: 'normal',
            position: 'sticky',
            top: 0,
            zIndex: 10,
          }}
        >
          {!desk && <Button type="text" size="large" icon={<MenuOutlined aria-hidden />} aria-label="打开菜单" onClick={() => setDrawerOpen(true)} />}
          {!desk && <span style={{ fontSize: 17, fontWeight: 700, flex: 1 }}>守护工作台</span>}
          {desk && <div style={{ flex: 1 }}>{who}</div>}
          {bell}
          {desk && (
            <Button icon={<LogoutOutlined aria-hidden />} onClick={signOut}>
              退出登录
            </Button>
          )}
        </Header>
        <OfflineBanner />
        <Content id="main" tabIndex={-1} style={{ padding: desk ? 24 : '12px 12px 88px', outline: 'none' }}>
          {/* antd's Content is the <main> landmark */}
          <Suspense fallback={<PageLoading />}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>

      {!desk && (
        <>
          <Drawer title="菜单" placement="left" open={drawerOpen} onClose={() => setDrawerOpen(false)} size={280} closable={{ 'aria-label': '关闭菜单' }}>
            <div style={{ marginBottom: 16 }}>{who}</div>
            <nav aria-label="主菜单">
              <Menu mode="inline" selectedKeys={selected} items={items} style={{ borderInlineEnd: 0 }} />
            </nav>
            <Button block size="large" icon={<LogoutOutlined aria-hidden />} onClick={signOut} style={{ marginTop: 24 }}>
              退出登录
            </Button>
          </Drawer>
          {tabs.length > 1 && (
            <nav aria-label="底部导航" className="tab-bar">
              {tabs.map((t) => {
                const active = selected.includes(t.path);
                return (
                  <Link key={t.path} to={t.path} className={active ? 'tab active' : 'tab'} aria-current={active ? 'page' : undefined}>
                    <span aria-hidden style={{ fontSize: 22 }}>
                      {t.path === '/notifications' ? (
                        <Badge count={unreadCount} size="small">
                          <BellOutlined style={{ fontSize: 22, color: 'inherit' }} />
                        </Badge>
                      ) : (
                        t.icon
                      )}
                    </span>
                    <span>{t.menu}</span>
                  </Link>
                );
              })}
            </nav>
          )}
        </>
      )}
    </Layout>
  );
}
