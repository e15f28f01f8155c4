import type { CSSProperties } from 'react';
import { Tag, Tooltip } from 'antd';
import {
  CATEGORY_LABELS,
  RISK_LABELS,
  STATUS_LABELS,
  categoryText,
  mandatoryItemShort,
  MANDATORY_ITEMS,
  type CaseStatus,
  type CategoryCode,
  type RiskLevel,
} from '../i18n/labels';

/**
 * Colours are set here, not with antd's preset colours: several presets (gold, green,
 * orange, cyan) put text on their background below WCAG AA contrast.
 */
export const RISK_STYLE: Record<RiskLevel, { background: string; color: string; border: string }> = {
  R1: { background: '#cf1322', color: '#ffffff', border: '#a8071a' }, // red
  R2: { background: '#fa8c16', color: '#1f1f1f', border: '#d46b08' }, // orange
  R3: { background: '#fadb14', color: '#1f1f1f', border: '#d4b106' }, // gold / yellow
  R4: { background: '#237804', color: '#ffffff', border: '#135200' }, // green
};

const tagBase: CSSProperties = { fontWeight: 600, marginInlineEnd: 4 };

/** "R1 紧急" on red … "R4 低" on green. `short` shows only the code (the label stays the accessible name). */
export function RiskTag({ level, short = false, prefix }: { level: string | null | undefined; short?: boolean; prefix?: string }) {
  if (!level || !(level in RISK_LABELS)) return <Tag>风险未定</Tag>;
  const l = level as RiskLevel;
  const s = RISK_STYLE[l];
  const label = `${prefix ?? ''}${l} ${RISK_LABELS[l]}`;
  return (
    <Tag style={{ ...tagBase, background: s.background, color: s.color, borderColor: s.border }} aria-label={`风险等级 ${label}`} data-risk={l}>
      {short ? l : label}
    </Tag>
  );
}

const STATUS_STYLE: Record<CaseStatus, { background: string; color: string; border: string }> = {
  draft: { background: '#f5f5f5', color: '#262626', border: '#bfbfbf' },
  submitted: { background: '#e6f4ff', color: '#003eb3', border: '#91caff' },
  returned: { background: '#fff0f6', color: '#9e1068', border: '#ffadd2' },
  assessing: { background: '#e6fffb', color: '#00474f', border: '#87e8de' },
  intervening: { background: '#f9f0ff', color: '#391085', border: '#d3adf7' },
  follow_up: { background: '#f0f5ff', color: '#10239e', border: '#adc6ff' },
  closed: { background: '#fafafa', color: '#434343', border: '#d9d9d9' },
};

export function StatusTag({ status }: { status: string }) {
  const s = STATUS_STYLE[status as CaseStatus];
  const label = STATUS_LABELS[status as CaseStatus] ?? status;
  return (
    <Tag style={{ ...tagBase, ...(s ? { background: s.background, color: s.color, borderColor: s.border } : {}) }} data-status={status}>
      {label}
    </Tag>
  );
}

/** Categories as "V01 家庭暴力" tags; V* (violence) tags are outlined in red. */
export function CategoryTags({ codes, mandatoryItems = [] }: { codes: readonly string[]; mandatoryItems?: readonly number[] }) {
  return (
    <span>
      {codes.map((c) => (
        <Tag key={c} style={{ color: '#262626', borderColor: c.startsWith('V') ? '#ff7875' : '#d9d9d9', background: '#fff' }}>
          {c in CATEGORY_LABELS ? categoryText(c as CategoryCode) : c}
        </Tag>
      ))}
      {mandatoryItems.map((n) => (
        <Tooltip key={`m${n}`} title={MANDATORY_ITEMS[n]}>
          <Tag style={{ color: '#820014', borderColor: '#ff4d4f', background: '#fff1f0' }}>{mandatoryItemShort(n)}</Tag>
        </Tooltip>
      ))}
    </span>
  );
}
