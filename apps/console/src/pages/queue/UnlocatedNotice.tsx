/**
 * 未定位 on the case page: a hotline report filed without a community (`communityId: null`,
 * api.md v1.1 "Intake"). It says so, shows the place as the caller told it (report.location)
 * and puts the route-to-a-community action (the `transfer` transition) first, for district
 * staff who may take it. Renders nothing for a located case. Mounted by the case page
 * (pages/case/CaseView.tsx) right after its summary.
 */
import { Alert, Button } from 'antd';
import { EnvironmentOutlined } from '@ant-design/icons';

export interface UnlocatedCase {
  communityId: string | null;
  reports?: readonly { location: string | null }[];
}

export function UnlocatedNotice({ c, canRoute, onRoute }: { c: UnlocatedCase; canRoute: boolean; onRoute: () => void }) {
  if (c.communityId !== null) return null;
  const places = [...new Set((c.reports ?? []).map((r) => r.location?.trim()).filter((l): l is string => !!l))];
  return (
    <Alert
      type="warning"
      showIcon
      icon={<EnvironmentOutlined aria-hidden />}
      role="region"
      aria-label="未定位"
      data-testid="case-unlocated"
      style={{ marginBottom: 16 }}
      title="未定位 Unlocated：热线报告地点不明，尚未分派社区"
      description={
        <>
          <div data-testid="case-unlocated-location">报告所述地点：{places.length ? places.join('；') : '（未填写）'}</div>
          <div>
            {canRoute ? '请根据所述地点选择社区，分派后由该社区的儿童主任和街道督导员跟进；受理期限从报告时起计算。' : '等待区民政局/未保中心分派到社区。'}
          </div>
        </>
      }
      action={
        canRoute ? (
          <Button type="primary" size="large" onClick={onRoute} data-testid="route-unlocated">
            分派到社区
          </Button>
        ) : undefined
      }
    />
  );
}
