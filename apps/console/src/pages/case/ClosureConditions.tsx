/**
 * The conditions of a `risk_resolved` closure (domain.md §8) as the server computed them
 * from the record: each met (✓) or not (✗, with why). Nobody ticks them: the case page
 * and the closure dialog only show what the record says.
 */
import { CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import { Typography } from 'antd';
import { conditionDetailText } from '../../i18n/labels';
import type { ClosureConditionView } from './model';
import { muted } from './controls';

export function ClosureConditionList({ conditions, label, testId }: { conditions: ClosureConditionView[]; label: string; testId?: string }) {
  if (conditions.length === 0) return <Typography.Text style={muted}>暂无需要核对的结案条件。</Typography.Text>;
  const unmet = conditions.filter((x) => !x.met).length;
  return (
    <div data-testid={testId} data-unmet={unmet}>
      <Typography.Paragraph style={{ marginBottom: 8 }} strong>
        {unmet === 0 ? '结案条件均已满足。' : `尚有 ${unmet} 项结案条件未满足：`}
      </Typography.Paragraph>
      <ul aria-label={label} style={{ listStyle: 'none', padding: 0, margin: '0 0 12px' }}>
        {conditions.map((x) => (
          <li key={x.code} data-condition={x.code} data-met={x.met} style={{ display: 'flex', gap: 8, padding: '4px 0', alignItems: 'flex-start' }}>
            {x.met ? (
              <CheckCircleFilled aria-hidden style={{ color: '#237804', marginTop: 4 }} />
            ) : (
              <CloseCircleFilled aria-hidden style={{ color: '#cf1322', marginTop: 4 }} />
            )}
            <span>
              <strong style={{ color: x.met ? '#135200' : '#a8071a' }}>{x.met ? '已满足' : '未满足'}</strong>：{x.label}
              {!x.met && x.detail && <span style={{ display: 'block', ...muted, fontSize: 13 }}>{conditionDetailText(x.detail)}</span>}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
