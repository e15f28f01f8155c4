import { Spin } from 'antd';

export function PageLoading({ label = '正在加载…' }: { label?: string }) {
  return (
    <div role="status" aria-live="polite" style={{ display: 'flex', justifyContent: 'center', padding: 48 }}>
      <Spin />
      <span className="sr-only">{label}</span>
    </div>
  );
}
