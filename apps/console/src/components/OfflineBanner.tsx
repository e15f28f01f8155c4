import { Alert } from 'antd';
import { useConnectivity } from '../api/connectivity';

/**
 * Shown on every page while the API cannot be reached. It says what happens to a report
 * being written: the draft stays on this device until the server confirms it.
 */
export function OfflineBanner() {
  const { online, serviceDown } = useConnectivity();
  if (online && !serviceDown) return null;
  return (
    <Alert
      banner
      type="warning"
      role="status"
      data-testid="offline-banner"
      title={online ? '服务暂不可用，请稍后重试' : '网络已断开'}
      description="正在填写的报告会自动保存在本机，恢复连接后点击“提交”即可发送；在服务器确认收到之前，本机草稿不会被删除。"
    />
  );
}
