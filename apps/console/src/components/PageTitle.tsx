import { useEffect, type ReactNode } from 'react';
import { Typography } from 'antd';

/** The page's one h1, also set as the document title ("新建报告 - 守护工作台"). */
export function PageTitle({ children, extra, title }: { children: ReactNode; extra?: ReactNode; title?: string }) {
  const text = title ?? (typeof children === 'string' ? children : '');
  useEffect(() => {
    document.title = text ? `${text} - 守护工作台` : '守护工作台';
  }, [text]);
  return (
    <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 12, flexWrap: 'wrap', marginBottom: 16 }}>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {children}
      </Typography.Title>
      {extra}
    </div>
  );
}
