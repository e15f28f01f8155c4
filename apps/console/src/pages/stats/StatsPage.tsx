/**
 * 统计 (监测评估, domain.md §10): the district's indicators from GET /api/stats, de-identified
 * (counts, shares, medians; narrow cells of 1–4 arrive as "<5" and are shown so). Charts by
 * ECharts (this page is its own lazy chunk, and EChart.tsx is the only importer of echarts),
 * each with its figures as a table for screen readers; CSV / XLSX export.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { Alert, App, Button, Card, Col, ConfigProvider, Flex, Row, Statistic, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { useUser } from '../../auth/AuthContext';
import { ApiErrorAlert, errorText, PageTitle } from '../../components';
import {
  CATEGORY_LABELS,
  REPORTER_TYPE_SHORT,
  RISK_LABELS,
  ROLE_LABELS,
  SEX_LABELS,
  STATUS_LABELS,
  deadlineKindText,
  type CaseStatus,
  type CategoryCode,
  type ReporterType,
  type RiskLevel,
  type Role,
  type Sex,
} from '../../i18n/labels';
import { formatDateTime } from '../../i18n/time';
import { DateInput, muted, NativeSelect } from '../case/controls';
import { dayAfter, dayStart, saveDownload } from '../case/download';
import { AGE_BAND_LABELS, AGE_BANDS } from '../case/extraLabels';
import { useJurisdictions, useUsers } from '../case/lookups';
import { EChart, type ChartOption } from './EChart';

type Count = number | string;
interface Share {
  numerator: Count;
  denominator: Count;
  share: number | null;
}
interface Stats {
  period: { from: string; to: string };
  scope: { districtId: string; streetId: string | null };
  asOf?: string;
  totalCases: Count;
  byStatus: Record<string, Count>;
  byCategory: Record<string, Count>;
  byReporterType: Record<string, Count>;
  byRiskLevel: Record<string, Count>;
  byStreet: { streetId: string; name: string; cases: Count }[];
  bySexAndAgeBand: { sex: string; ageBand: string; cases: Count }[];
  breachRateByStep: Record<string, Share>;
  breachRateByStreet: { streetId: string; name: string; rate: Share }[];
  medianHours: { reportToAcceptance: number | null; reportToAssessment: number | null; reportToIntervention: number | null };
  reportDelayHours?: number | null;
  policeToldOnTime: Share;
  policeFeedbackWithin3Days: Share;
  reReportWithin90Days: Share;
  openCasesPerWorker: { userId: string; username: string; role: string; openCases: Count }[];
  alerts?: ({ indicator?: string; message?: string; label?: string } | string)[];
}

const BLUE = '#0958d9';
const RISK_COLOR: Record<string, string> = { R1: '#cf1322', R2: '#fa8c16', R3: '#d4b106', R4: '#237804' };
const SEX_COLOR: Record<string, string> = { female: '#c41d7f', male: '#0958d9', unknown: '#8c8c8c' };

/** A count for drawing: "<5" is drawn as a stub of 2 and labelled "<5". */
const drawn = (c: Count): number => (typeof c === 'number' ? c : 2);
const shown = (c: Count): string => (typeof c === 'number' ? String(c) : c);
const pct = (s: Share | undefined): string => (s && s.share !== null ? `${(s.share * 100).toFixed(1)}%` : '—');
const hoursText = (h: number | null | undefined): string =>
  h === null || h === undefined ? '—' : h < 48 ? `${h.toFixed(1)} 小时` : `${(h / 24).toFixed(1)} 天`;

function barOption(names: string[], values: Count[], opts: { horizontal?: boolean; colors?: string[]; percent?: boolean } = {}): ChartOption {
  const data = values.map((v, i) => ({
    value: opts.percent ? (typeof v === 'number' ? Math.round(v * 1000) / 10 : 0) : drawn(v),
    label: { show: true, formatter: () => (opts.percent ? `${typeof v === 'number' ? (v * 100).toFixed(1) : '—'}%` : shown(v)) },
    itemStyle: { color: opts.colors?.[i] ?? BLUE },
  }));
  const cat = {
    type: 'category' as const,
    data: names,
    axisLabel: { interval: 0, width: opts.horizontal ? 150 : 80, overflow: 'truncate' as const, color: '#262626' },
  };
  const val = {
    type: 'value' as const,
    axisLabel: { color: '#434343', formatter: opts.percent ? '{value}%' : '{value}' },
    max: opts.percent ? 100 : undefined,
    minInterval: 1,
  };
  return {
    grid: { left: opts.horizontal ? 170 : 40, right: 40, top: 16, bottom: opts.horizontal ? 24 : 56, containLabel: false },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: opts.horizontal ? val : { ...cat, axisLabel: { ...cat.axisLabel, rotate: names.length > 6 ? 30 : 0 } },
    yAxis: opts.horizontal ? { ...cat, inverse: true } : val,
    series: [{ type: 'bar', data, barMaxWidth: 28, label: { position: opts.horizontal ? 'right' : 'top', color: '#262626' } }],
  };
}

function Figure({ title, summary, chart, table, id }: { title: string; summary: string; chart: ReactNode; table: ReactNode; id: string }) {
  return (
    <section aria-labelledby={`${id}-h`} style={{ height: '100%' }}>
      <Card
        size="small"
        style={{ height: '100%' }}
        title={
          <Typography.Title level={2} id={`${id}-h`} style={{ fontSize: 16, margin: 0 }}>
            {title}
          </Typography.Title>
        }
      >
        {chart}
        <details>
          <summary style={{ cursor: 'pointer', color: '#0958d9' }}>查看数据表</summary>
          {table}
        </details>
        <span className="sr-only">{summary}</span>
      </Card>
    </section>
  );
}

function DataTable({ caption, head, rows }: { caption: string; head: string[]; rows: (string | number)[][] }) {
  return (
    <table className="stats-table">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {r.map((c, j) =>
              j === 0 ? (
                <th key={j} scope="row">
                  {c}
                </th>
              ) : (
                <td key={j}>{c}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function StatsPage() {
  const me = useUser();
  const { message } = App.useApp();
  const [sp, setSp] = useSearchParams();
  const from = sp.get('from') ?? '';
  const to = sp.get('to') ?? '';
  const street = sp.get('street') ?? '';
  const district = me.role === 'district_staff' || me.role === 'district_leader';
  const tree = useJurisdictions();
  const users = useUsers();
  const [exporting, setExporting] = useState<'csv' | 'xlsx' | null>(null);

  const query = useMemo(() => {
    const q: { from?: string; to?: string; streetId?: string } = {};
    if (from) q.from = dayStart(from);
    if (to) q.to = dayAfter(to);
    if (street && district) q.streetId = street;
    return q;
  }, [from, to, street, district]);

  const stats = useQuery({ queryKey: ['stats', query], queryFn: () => unwrap<Stats>(api.GET('/api/stats', { params: { query } })) });
  const s = stats.data;

  const set = (k: string, v: string) => {
    const next = new URLSearchParams(sp);
    if (v) next.set(k, v);
    else next.delete(k);
    setSp(next, { replace: true });
  };

  const exportAs = async (format: 'csv' | 'xlsx') => {
    setExporting(format);
    try {
      await saveDownload(api.GET('/api/stats/export', { params: { query: { ...query, format } }, parseAs: 'blob' }), `shouhu-indicators.${format}`);
    } catch (e) {
      void message.error(errorText(e));
    } finally {
      setExporting(null);
    }
  };

  const charts = useMemo(() => (s ? buildCharts(s) : null), [s]);

  return (
    <ConfigProvider button={{ autoInsertSpace: false }}>
      <PageTitle
        title="统计"
        extra={
          <Flex gap={8} wrap>
            <Button icon={<DownloadOutlined aria-hidden />} loading={exporting === 'csv'} onClick={() => void exportAs('csv')}>
              导出 CSV
            </Button>
            <Button icon={<DownloadOutlined aria-hidden />} loading={exporting === 'xlsx'} onClick={() => void exportAs('xlsx')}>
              导出 Excel
            </Button>
          </Flex>
        }
      >
        统计 · 监测评估
      </PageTitle>

      <div role="search" aria-label="统计范围" style={{ display: 'flex', gap: 12, flexWrap: 'wrap', alignItems: 'end', marginBottom: 12 }}>
        <div style={{ width: 180 }}>
          <label htmlFor="s-from" style={{ display: 'block', marginBottom: 4 }}>
            起始日期
          </label>
          <DateInput id="s-from" value={from} onChange={(v) => set('from', v)} />
        </div>
        <div style={{ width: 180 }}>
          <label htmlFor="s-to" style={{ display: 'block', marginBottom: 4 }}>
            截止日期
          </label>
          <DateInput id="s-to" value={to} onChange={(v) => set('to', v)} />
        </div>
        {district && (
          <div style={{ width: 200 }}>
            <label htmlFor="s-street" style={{ display: 'block', marginBottom: 4 }}>
              街道
            </label>
            <NativeSelect
              id="s-street"
              value={street}
              onChange={(v) => set('street', v)}
              placeholder="全区"
              options={tree.streets.map((x) => ({ value: x.id, label: x.name }))}
            />
          </div>
        )}
        {s && (
          <div style={{ ...muted, paddingBottom: 8 }}>
            统计期间：{formatDateTime(s.period.from)} 至 {formatDateTime(s.period.to)}
            {s.asOf ? ` · 数据截至 ${formatDateTime(s.asOf)}` : ''}
          </div>
        )}
      </div>

      {stats.error ? <ApiErrorAlert error={stats.error} onReload={() => void stats.refetch()} /> : null}
      {stats.isPending && <div role="status">正在计算指标…</div>}

      {s && charts && (
        <>
          {s.alerts && s.alerts.length > 0 && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 12 }}
              title="指标预警"
              description={
                <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                  {s.alerts.map((a, i) => (
                    <li key={i}>{typeof a === 'string' ? a : (a.message ?? a.label ?? a.indicator ?? JSON.stringify(a))}</li>
                  ))}
                </ul>
              }
            />
          )}
          <section aria-labelledby="kpi-h">
            <Typography.Title level={2} id="kpi-h" className="sr-only">
              关键指标
            </Typography.Title>
            <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
              {[
                { t: '报告总数', v: shown(s.totalCases), d: '期间内报告的案件（不含草稿）' },
                {
                  t: '按时报警率',
                  v: pct(s.policeToldOnTime),
                  d: `${shown(s.policeToldOnTime.numerator)} / ${shown(s.policeToldOnTime.denominator)} 件强制报告按时告知公安`,
                },
                {
                  t: '公安3日内反馈率',
                  v: pct(s.policeFeedbackWithin3Days),
                  d: `${shown(s.policeFeedbackWithin3Days.numerator)} / ${shown(s.policeFeedbackWithin3Days.denominator)}`,
                },
                {
                  t: '90日内重复报告率',
                  v: pct(s.reReportWithin90Days),
                  d: `${shown(s.reReportWithin90Days.numerator)} / ${shown(s.reReportWithin90Days.denominator)}`,
                },
                { t: '报告→受理（中位）', v: hoursText(s.medianHours.reportToAcceptance), d: '从报告到受理或退回' },
                { t: '报告→评估（中位）', v: hoursText(s.medianHours.reportToAssessment), d: '从报告到记录核实评估' },
                { t: '报告→处置（中位）', v: hoursText(s.medianHours.reportToIntervention), d: '从报告到处置计划开始' },
                ...(s.reportDelayHours !== undefined ? [{ t: '发现→报告（中位）', v: hoursText(s.reportDelayHours), d: '强制报告人从发现到报告' }] : []),
              ].map((k) => (
                <Col key={k.t} xs={12} md={8} xl={6}>
                  <Card size="small" style={{ height: '100%' }}>
                    <Statistic title={<span style={{ color: 'rgba(0,0,0,0.72)' }}>{k.t}</span>} value={k.v} styles={{ content: { fontSize: 22 } }} />
                    <div style={{ ...muted, fontSize: 12 }}>{k.d}</div>
                  </Card>
                </Col>
              ))}
            </Row>
          </section>

          <Row gutter={[12, 12]}>
            {charts.map((c) => (
              <Col key={c.id} xs={24} xl={c.wide ? 24 : 12}>
                <Figure
                  id={c.id}
                  title={c.title}
                  summary={c.summary}
                  chart={<EChart option={c.option} label={`${c.title}：${c.summary}`} height={c.height} />}
                  table={<DataTable caption={c.title} head={c.head} rows={c.rows} />}
                />
              </Col>
            ))}
            <Col xs={24}>
              <section aria-labelledby="workers-h">
                <Card
                  size="small"
                  title={
                    <Typography.Title level={2} id="workers-h" style={{ fontSize: 16, margin: 0 }}>
                      在办案件（按人员）
                    </Typography.Title>
                  }
                >
                  <DataTable
                    caption="在办案件（按人员）"
                    head={['人员', '角色', '在办案件']}
                    rows={s.openCasesPerWorker.map((w) => [
                      users.byId.get(w.userId)?.displayName ?? w.username,
                      ROLE_LABELS[w.role as Role] ?? w.role,
                      shown(w.openCases),
                    ])}
                  />
                </Card>
              </section>
            </Col>
          </Row>
        </>
      )}
      <style>{`
        .stats-table { width: 100%; border-collapse: collapse; margin-top: 8px; font-size: 14px; }
        .stats-table th, .stats-table td { text-align: start; padding: 6px 8px; border-bottom: 1px solid #f0f0f0; }
        .stats-table thead th { background: #fafafa; }
        .stats-table tbody th { font-weight: 400; }
      `}</style>
    </ConfigProvider>
  );
}

interface ChartSpec {
  id: string;
  title: string;
  summary: string;
  option: ChartOption;
  head: string[];
  rows: (string | number)[][];
  wide?: boolean;
  height?: number;
}

function buildCharts(s: Stats): ChartSpec[] {
  const out: ChartSpec[] = [];

  const cats = Object.keys(s.byCategory).sort();
  const catNames = cats.map((c) => `${c} ${CATEGORY_LABELS[c as CategoryCode] ?? ''}`.trim());
  out.push({
    id: 'by-category',
    title: '按类别',
    summary: cats.map((c, i) => `${catNames[i]} ${shown(s.byCategory[c])} 件`).join('，') || '无数据',
    option: barOption(
      catNames,
      cats.map((c) => s.byCategory[c]),
      { horizontal: true, colors: cats.map((c) => (c.startsWith('V') ? '#cf1322' : c.startsWith('N') ? '#d46b08' : BLUE)) },
    ),
    head: ['类别', '案件数'],
    rows: cats.map((c, i) => [catNames[i], shown(s.byCategory[c])]),
    height: Math.max(220, cats.length * 28 + 40),
  });

  out.push({
    id: 'by-street',
    title: '按街道',
    summary: s.byStreet.map((x) => `${x.name} ${shown(x.cases)} 件`).join('，') || '无数据',
    option: barOption(
      s.byStreet.map((x) => x.name),
      s.byStreet.map((x) => x.cases),
    ),
    head: ['街道', '案件数'],
    rows: s.byStreet.map((x) => [x.name, shown(x.cases)]),
  });

  const reporters = Object.keys(s.byReporterType);
  const repNames = reporters.map((r) => REPORTER_TYPE_SHORT[r as ReporterType] ?? r);
  out.push({
    id: 'by-reporter',
    title: '按报告人类型',
    summary: reporters.map((r, i) => `${repNames[i]} ${shown(s.byReporterType[r])} 件`).join('，') || '无数据',
    option: barOption(
      repNames,
      reporters.map((r) => s.byReporterType[r]),
      { horizontal: true },
    ),
    head: ['报告人类型', '案件数'],
    rows: reporters.map((r, i) => [repNames[i], shown(s.byReporterType[r])]),
  });

  const sexes = Array.from(new Set(s.bySexAndAgeBand.map((x) => x.sex))).sort(
    (a, b) => ['female', 'male', 'unknown'].indexOf(a) - ['female', 'male', 'unknown'].indexOf(b),
  );
  const bands = AGE_BANDS.filter((b) => s.bySexAndAgeBand.some((x) => x.ageBand === b)).concat(
    Array.from(new Set(s.bySexAndAgeBand.map((x) => x.ageBand))).filter((b) => !AGE_BANDS.includes(b)),
  );
  const cell = (sex: string, band: string): Count => s.bySexAndAgeBand.find((x) => x.sex === sex && x.ageBand === band)?.cases ?? 0;
  out.push({
    id: 'by-sex-age',
    title: '性别 × 年龄段',
    summary:
      sexes.map((sx) => `${SEX_LABELS[sx as Sex] ?? sx}：${bands.map((b) => `${AGE_BAND_LABELS[b] ?? b} ${shown(cell(sx, b))}`).join('，')}`).join('；') ||
      '无数据',
    option: {
      grid: { left: 40, right: 24, top: 36, bottom: 32 },
      legend: { top: 0, textStyle: { color: '#262626' } },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: bands.map((b) => AGE_BAND_LABELS[b] ?? b), axisLabel: { color: '#262626' } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#434343' } },
      series: sexes.map((sx) => ({
        type: 'bar' as const,
        name: SEX_LABELS[sx as Sex] ?? sx,
        itemStyle: { color: SEX_COLOR[sx] ?? BLUE },
        barMaxWidth: 24,
        data: bands.map((b) => {
          const v = cell(sx, b);
          return { value: drawn(v), label: { show: true, position: 'top' as const, color: '#262626', formatter: () => shown(v) } };
        }),
      })),
    },
    head: ['年龄段', ...sexes.map((sx) => SEX_LABELS[sx as Sex] ?? sx)],
    rows: bands.map((b) => [AGE_BAND_LABELS[b] ?? b, ...sexes.map((sx) => shown(cell(sx, b)))]),
  });

  const steps = Object.keys(s.breachRateByStep);
  const stepNames = steps.map((k) => deadlineKindText(k));
  out.push({
    id: 'breach-step',
    title: '超时率（按环节）',
    summary: steps.map((k, i) => `${stepNames[i]} ${pct(s.breachRateByStep[k])}`).join('，') || '无数据',
    option: barOption(
      stepNames,
      steps.map((k) => s.breachRateByStep[k].share ?? 0),
      { horizontal: true, percent: true, colors: steps.map((k) => ((s.breachRateByStep[k].share ?? 0) > 0.2 ? '#cf1322' : BLUE)) },
    ),
    head: ['环节', '超时', '期限数', '超时率'],
    rows: steps.map((k, i) => [stepNames[i], shown(s.breachRateByStep[k].numerator), shown(s.breachRateByStep[k].denominator), pct(s.breachRateByStep[k])]),
    height: Math.max(220, steps.length * 28 + 40),
  });

  out.push({
    id: 'breach-street',
    title: '超时率（按街道）',
    summary: s.breachRateByStreet.map((x) => `${x.name} ${pct(x.rate)}`).join('，') || '无数据',
    option: barOption(
      s.breachRateByStreet.map((x) => x.name),
      s.breachRateByStreet.map((x) => x.rate.share ?? 0),
      { percent: true, colors: s.breachRateByStreet.map((x) => ((x.rate.share ?? 0) > 0.2 ? '#cf1322' : BLUE)) },
    ),
    head: ['街道', '超时', '期限数', '超时率'],
    rows: s.breachRateByStreet.map((x) => [x.name, shown(x.rate.numerator), shown(x.rate.denominator), pct(x.rate)]),
  });

  const risks = ['R1', 'R2', 'R3', 'R4'].filter((r) => r in s.byRiskLevel);
  out.push({
    id: 'by-risk',
    title: '按风险等级',
    summary: risks.map((r) => `${r} ${RISK_LABELS[r as RiskLevel]} ${shown(s.byRiskLevel[r])} 件`).join('，') || '无数据',
    option: barOption(
      risks.map((r) => `${r} ${RISK_LABELS[r as RiskLevel]}`),
      risks.map((r) => s.byRiskLevel[r]),
      { colors: risks.map((r) => RISK_COLOR[r]) },
    ),
    head: ['风险等级', '案件数'],
    rows: risks.map((r) => [`${r} ${RISK_LABELS[r as RiskLevel]}`, shown(s.byRiskLevel[r])]),
    height: 240,
  });

  const statuses = Object.keys(STATUS_LABELS).filter((k) => k in s.byStatus);
  out.push({
    id: 'by-status',
    title: '按状态',
    summary: statuses.map((k) => `${STATUS_LABELS[k as CaseStatus]} ${shown(s.byStatus[k])} 件`).join('，') || '无数据',
    option: barOption(
      statuses.map((k) => STATUS_LABELS[k as CaseStatus]),
      statuses.map((k) => s.byStatus[k]),
    ),
    head: ['状态', '案件数'],
    rows: statuses.map((k) => [STATUS_LABELS[k as CaseStatus], shown(s.byStatus[k])]),
    height: 240,
  });

  return out;
}
