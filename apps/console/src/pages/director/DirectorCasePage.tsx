import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Button, Card, Descriptions, Space, Tag } from 'antd';
import { LeftOutlined } from '@ant-design/icons';
import { useCase } from '../../api/hooks';
import type { CaseDetail } from '../../api/types';
import { useUser } from '../../auth/AuthContext';
import {
  DEADLINE_STATUS_LABELS,
  FEEDBACK_CHANNEL_LABELS,
  FLAG_LABELS,
  MANDATORY_ITEMS,
  MEASURE_STATUS_LABELS,
  MEASURE_TYPE_LABELS,
  REPORTER_TYPE_SHORT,
  VISIT_KIND_LABELS,
  deadlineText,
  mandatoryItemNo,
  sexText,
} from '../../i18n/labels';
import { ageOn, formatDate, formatDateTime } from '../../i18n/time';
import { CategoryTags, DeadlineCountdown, ErrorPage, PageLoading, PageTitle, RiskTag, StatusTag } from '../../components';
import { ActionDialog } from '../case/ActionDialog';
import { EvidenceSection } from '../case/EvidenceSection';
import { NoteForm, PoliceForm, SubmitPanel, VisitButton } from './DirectorActions';
import { DirectorGuardians } from './DirectorGuardians';
import { useJurisdictions } from '../case/lookups';

/**
 * The community director's case page (phone first): the child's full identity (this read
 * is logged by the server), the guardians and household, what was reported, deadlines,
 * police, visits, evidence (photos from the phone's camera) and notes, and what the director
 * may do now — answer a return, submit a draft, record a visit, add a guardian, upload a
 * photo, add a note, record that police were told.
 */
export default function DirectorCasePage() {
  const { id } = useParams();
  const q = useCase(id);
  if (q.isPending) return <PageLoading />;
  if (q.isError) return <ErrorPage level={1} error={q.error} onRetry={() => void q.refetch()} />;
  return <FilerCaseView c={q.data} reload={() => void q.refetch()} />;
}

/**
 * The case as its filer sees it. `director` (default): everything above. `hotline`: the
 * 12345-6 hotline's view of a report it filed, until a supervisor accepts it — the child,
 * where (community or 未定位 with the place as told), the reports, police, guardians and
 * deadlines, and what the hotline may still do (submit a draft or returned report, record
 * police, add guardians). Visits, feedback, notes, evidence and the timeline belong to the
 * case workers, so they are not shown.
 */
export function FilerCaseView({ c, reload, variant = 'director' }: { c: CaseDetail; reload: () => void; variant?: 'director' | 'hotline' }) {
  const hotline = variant === 'hotline';
  const tree = useJurisdictions(hotline);
  const communityId = c.communityId;
  const places = [...new Set((c.reports ?? []).map((r) => r.location?.trim()).filter((l): l is string => !!l))];
  const user = useUser();
  const [showId, setShowId] = useState(false);
  const [feedbackOpen, setFeedbackOpen] = useState(false);
  const mayFeedback = ((c.allowedActions ?? []) as readonly string[]).includes('record_outcome_feedback');
  const who = (userId: string | null | undefined) => (userId && userId === user.id ? '我' : '其他工作人员');
  const pendingDeadlines = (c.deadlines ?? []).filter((d) => d.status === 'pending' || d.status === 'breached');
  const idNumber = c.child?.idNumber ?? null;
  const panel = { caseDetail: c, onReload: reload };

  return (
    <div style={{ maxWidth: 900, margin: '0 auto' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', flexWrap: 'wrap', gap: 8 }}>
        <Link to={hotline ? '/hotline/reports' : '/workbench'} style={{ display: 'inline-flex', alignItems: 'center', gap: 4, minHeight: 44 }}>
          <LeftOutlined aria-hidden /> {hotline ? '返回我提交的报告' : '返回工作台'}
        </Link>
        {!hotline && (
          <Link to={`/cases/${c.id}/timeline`} style={{ display: 'inline-flex', alignItems: 'center', minHeight: 44 }}>
            查看处理记录（时间线）
          </Link>
        )}
      </div>
      <PageTitle title={`案件 ${c.caseNo}`}>
        <span>案件 {c.caseNo}</span>
      </PageTitle>
      <Space wrap size={4} style={{ marginTop: -8, marginBottom: 12 }}>
        <RiskTag level={c.riskLevel} />
        <StatusTag status={c.status} />
        {(c.flags ?? []).map((f) => (
          <Tag key={f} style={{ color: '#a8071a', borderColor: '#ffa39e', background: '#fff1f0' }}>
            {FLAG_LABELS[f] ?? f}
          </Tag>
        ))}
      </Space>

      {c.nextDeadline && (
        <Alert
          type={c.nextDeadline.overdue ? 'error' : 'info'}
          showIcon
          style={{ marginBottom: 16 }}
          title={
            <span>
              下一个期限：
              <DeadlineCountdown deadline={c.nextDeadline} />
            </span>
          }
          description={`截止 ${formatDateTime(c.nextDeadline.dueAt)}`}
        />
      )}

      {hotline &&
        (communityId === null ? (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            data-testid="case-unlocated"
            title="未定位：地点不明，等待区民政局/未保中心分派到社区"
            description={`报告所述地点：${places.length ? places.join('；') : '（未填写）'}`}
          />
        ) : (
          <p style={{ margin: '0 0 12px' }} data-testid="case-community">
            社区：{tree.byId.get(communityId)?.path ?? tree.byId.get(communityId)?.name ?? '—'}
          </p>
        ))}

      <SubmitPanel {...panel} />

      {!hotline && ((c.allowedActions ?? []) as readonly string[]).includes('add_visit') && (
        <Card size="small" style={{ marginBottom: 16 }} styles={{ body: { display: 'flex', gap: 8, flexWrap: 'wrap', alignItems: 'center' } }}>
          <VisitButton {...panel} />
          <span style={{ color: 'rgba(0,0,0,0.68)' }}>走访看到的风险等级会成为案件当前的风险等级。</span>
        </Card>
      )}

      <Card title={<h2 style={{ fontSize: 17, margin: 0 }}>儿童</h2>} size="small" style={{ marginBottom: 16 }}>
        <Descriptions column={{ xs: 1, sm: 2 }} size="small">
          <Descriptions.Item label="姓名">
            <span data-testid="child-full-name">{c.child?.name}</span>
          </Descriptions.Item>
          <Descriptions.Item label="性别">{sexText(c.child?.sex)}</Descriptions.Item>
          <Descriptions.Item label="出生日期">
            {formatDate(c.child?.birthDate)}
            {c.child?.birthDate ? `（${ageOn(c.child.birthDate)} 周岁）` : ''}
          </Descriptions.Item>
          <Descriptions.Item label="身份证号">
            {idNumber ? (
              <span>
                {showId ? idNumber : `${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`}{' '}
                <Button type="link" size="small" onClick={() => setShowId((s) => !s)} style={{ padding: 0 }}>
                  {showId ? '隐藏' : '显示完整号码'}
                </Button>
              </span>
            ) : (
              '未登记'
            )}
          </Descriptions.Item>
          <Descriptions.Item label="住址">{c.child?.address || '未登记'}</Descriptions.Item>
          <Descriptions.Item label="学校">{c.child?.school || '未登记'}</Descriptions.Item>
        </Descriptions>
        <p style={{ margin: '8px 0 0', fontSize: 12, color: 'rgba(0,0,0,0.68)' }}>儿童身份信息仅在本页显示，每次查看都会记录。请勿截图或转发。</p>
      </Card>

      <DirectorGuardians c={c} />

      <Card title={<h2 style={{ fontSize: 17, margin: 0 }}>报告的情况</h2>} size="small" style={{ marginBottom: 16 }}>
        <div style={{ marginBottom: 8 }}>
          <CategoryTags codes={c.categories ?? []} />
        </div>
        {(c.mandatoryItems ?? []).length > 0 && (
          <ul style={{ margin: '0 0 8px', paddingInlineStart: 18 }}>
            {(c.mandatoryItems ?? []).map((n) => (
              <li key={n}>
                {mandatoryItemNo(n)}
                {MANDATORY_ITEMS[n]}
              </li>
            ))}
          </ul>
        )}
        <ul className="plain-list">
          {(c.reports ?? []).map((r, i) => (
            <li key={r.id}>
              <div style={{ fontWeight: 600 }}>
                {i === 0 ? '首次报告' : `补充报告 ${i}`} · {REPORTER_TYPE_SHORT[r.reporterType] ?? r.reporterType}
                {r.anonymous ? '（匿名）' : r.reporter && r.reporter !== 'confidential' && r.reporter.name ? `：${r.reporter.name}` : ''}
              </div>
              <div style={{ color: 'rgba(0,0,0,0.68)', fontSize: 13 }}>
                发现于 {formatDateTime(r.discoveredAt)}
                {r.location ? ` · ${r.location}` : ''}
              </div>
              <div style={{ whiteSpace: 'pre-wrap', marginTop: 4 }}>{r.narrative || '（未填写情况描述）'}</div>
            </li>
          ))}
        </ul>
      </Card>

      <Card title={<h2 style={{ fontSize: 17, margin: 0 }}>报警</h2>} size="small" style={{ marginBottom: 16 }}>
        <Descriptions column={1} size="small">
          <Descriptions.Item label="报警时间">{c.police?.reportedAt ? formatDateTime(c.police.reportedAt) : '未记录'}</Descriptions.Item>
          {c.police?.receiptNo && <Descriptions.Item label="接报回执号">{c.police.receiptNo}</Descriptions.Item>}
          {c.police?.notReportedReason && !c.police?.reportedAt && <Descriptions.Item label="未报警原因">{c.police.notReportedReason}</Descriptions.Item>}
          <Descriptions.Item label="公安反馈">{c.police?.feedbackAt ? formatDateTime(c.police.feedbackAt) : '尚无'}</Descriptions.Item>
        </Descriptions>
        <PoliceForm {...panel} />
      </Card>

      <Card title={<h2 style={{ fontSize: 17, margin: 0 }}>期限</h2>} size="small" style={{ marginBottom: 16 }}>
        {pendingDeadlines.length === 0 ? (
          <p className="muted">没有进行中的期限</p>
        ) : (
          <ul className="plain-list">
            {pendingDeadlines.map((d) => (
              <li key={d.id}>
                <div style={{ width: '100%', display: 'flex', justifyContent: 'space-between', gap: 8, flexWrap: 'wrap' }}>
                  <span>
                    {deadlineText(d)}
                    <span style={{ color: 'rgba(0,0,0,0.68)', marginInlineStart: 6 }}>{DEADLINE_STATUS_LABELS[d.status] ?? d.status}</span>
                  </span>
                  <DeadlineCountdown deadline={{ kind: d.kind, dueAt: d.dueAt, overdue: d.status === 'breached' }} showKind={false} />
                </div>
              </li>
            ))}
          </ul>
        )}
      </Card>

      {(c.measures ?? []).length > 0 && (
        <Card title={<h2 style={{ fontSize: 17, margin: 0 }}>处置措施</h2>} size="small" style={{ marginBottom: 16 }}>
          <ul className="plain-list">
            {(c.measures ?? []).map((m) => (
              <li key={m.id}>
                <div style={{ fontWeight: 600 }}>
                  {MEASURE_TYPE_LABELS[m.type] ?? m.type} · {MEASURE_STATUS_LABELS[m.status] ?? m.status}
                </div>
                <div style={{ color: 'rgba(0,0,0,0.68)', fontSize: 13 }}>
                  负责人：{who(m.ownerId)} · 到期 {formatDateTime(m.dueAt)}
                </div>
                {m.outcome && <div>结果：{m.outcome}</div>}
              </li>
            ))}
          </ul>
        </Card>
      )}

      {!hotline && (
        <Card title={<h2 style={{ fontSize: 17, margin: 0 }}>走访记录</h2>} size="small" style={{ marginBottom: 16 }}>
          {(c.visits ?? []).length === 0 && <p className="muted">暂无走访记录</p>}
          <ul className="plain-list">
            {[...(c.visits ?? [])]
              .sort((a, b) => Date.parse(b.visitedAt) - Date.parse(a.visitedAt))
              .map((v) => (
                <li key={v.id}>
                  <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
                    <strong>{formatDateTime(v.visitedAt)}</strong>
                    {v.kind && <Tag>{VISIT_KIND_LABELS[v.kind] ?? v.kind}</Tag>}
                    <RiskTag level={v.riskLevel} />
                    <span style={{ color: 'rgba(0,0,0,0.68)' }}>{who(v.visitorId)}</span>
                  </div>
                  <div style={{ whiteSpace: 'pre-wrap' }}>{v.outcome}</div>
                  {v.notes && <div style={{ whiteSpace: 'pre-wrap', color: 'rgba(0,0,0,0.72)' }}>{v.notes}</div>}
                </li>
              ))}
          </ul>
        </Card>
      )}

      {!hotline && (mayFeedback || (c.outcomeFeedback ?? []).length > 0) && (
        <Card title={<h2 style={{ fontSize: 17, margin: 0 }}>向报告单位反馈</h2>} size="small" style={{ marginBottom: 16 }} data-testid="outcome-feedback">
          {(c.outcomeFeedback ?? []).length === 0 && <p className="muted">尚未向报告单位反馈处理结果</p>}
          <ul className="plain-list" aria-label="反馈记录">
            {(c.outcomeFeedback ?? []).map((f) => (
              <li key={f.id}>
                <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
                  <strong>{formatDateTime(f.at)}</strong>
                  <Tag>{FEEDBACK_CHANNEL_LABELS[f.channel] ?? f.channel}</Tag>
                  <span style={{ color: 'rgba(0,0,0,0.68)' }}>{who(f.recordedById)}</span>
                </div>
                <div style={{ whiteSpace: 'pre-wrap' }}>{f.summary}</div>
              </li>
            ))}
          </ul>
          {mayFeedback && (
            <Button size="large" onClick={() => setFeedbackOpen(true)} style={{ marginTop: 8 }}>
              反馈报告单位
            </Button>
          )}
        </Card>
      )}
      {feedbackOpen && <ActionDialog c={c} spec={{ kind: 'record_outcome_feedback' }} onClose={() => setFeedbackOpen(false)} />}

      {!hotline && <EvidenceSection caseId={c.id} canEdit={((c.allowedActions ?? []) as readonly string[]).includes('add_note')} />}

      {!hotline && (
        <Card title={<h2 style={{ fontSize: 17, margin: 0 }}>备注</h2>} size="small" style={{ marginBottom: 16 }}>
          {(c.notes ?? []).length === 0 && <p className="muted">暂无备注</p>}
          <ul className="plain-list">
            {[...(c.notes ?? [])]
              .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
              .map((n) => (
                <li key={n.id}>
                  <div style={{ color: 'rgba(0,0,0,0.68)', fontSize: 13 }}>
                    {formatDateTime(n.createdAt)} · {who(n.authorId)}
                  </div>
                  <div style={{ whiteSpace: 'pre-wrap' }}>{n.text}</div>
                </li>
              ))}
          </ul>
          <div style={{ marginTop: 12 }}>
            <NoteForm {...panel} />
          </div>
        </Card>
      )}
    </div>
  );
}
