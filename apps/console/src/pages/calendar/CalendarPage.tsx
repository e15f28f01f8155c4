/**
 * 工作日历: the official working-day calendar of a year (domain.md §14) — the days off and
 * the 调休 make-up workdays of the State Council's notice, on which deadlines counted in
 * working days are computed. Twelve month grids and the two lists; district staff edit
 * the year by clicking days (a weekday: working ↔ day off; a Saturday or Sunday: rest →
 * day off → make-up workday) and save it with PUT /api/calendar/:year. Everyone else
 * reads it.
 */
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Alert, App, Button, Card, Checkbox, ConfigProvider, Flex, Input, Space, Tag, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isApiError, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { useUser } from '../../auth/AuthContext';
import { ApiErrorAlert, ErrorPage, PageLoading, PageTitle } from '../../components';
import { formatDateTime } from '../../i18n/time';
import { muted } from '../case/controls';

type CalendarYear = components['schemas']['CalendarYearView'];
type DayState = 'holiday' | 'workday' | 'normal';

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;
const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];
/** Columns Monday first, as Chinese calendars print them. */
const COLUMNS = ['一', '二', '三', '四', '五', '六', '日'];
const STATE_TEXT: Record<DayState, (weekend: boolean) => string> = {
  holiday: () => '放假',
  workday: () => '调休上班',
  normal: (weekend) => (weekend ? '休息日' : '工作日'),
};

const pad = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number) => `${y}-${pad(m + 1)}-${pad(d)}`;
/** 0 = Sunday … 6 = Saturday, of a calendar date (no time zone involved). */
const weekdayOf = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d)).getUTCDay();
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
const isWeekendDate = (date: string) => {
  const [y, m, d] = date.split('-').map(Number);
  const w = weekdayOf(y, m - 1, d);
  return w === 0 || w === 6;
};
const dateText = (date: string) => {
  const [y, m, d] = date.split('-').map(Number);
  return `${m}月${d}日（${WEEKDAYS[weekdayOf(y, m - 1, d)]}）`;
};

interface Draft {
  holidays: Set<string>;
  workdays: Set<string>;
  source: string;
  provisional: boolean;
}

const draftOf = (c: CalendarYear | null): Draft => ({
  holidays: new Set(c?.holidays ?? []),
  workdays: new Set(c?.workdays ?? []),
  source: c?.source ?? '',
  provisional: c?.provisional ?? false,
});

/** The next state of a clicked day: weekdays toggle a day off; weekends go rest → day off → make-up workday → rest. */
function nextState(state: DayState, weekend: boolean): DayState {
  if (state === 'normal') return 'holiday';
  if (state === 'holiday') return weekend ? 'workday' : 'normal';
  return 'normal';
}

function parseYear(raw: string | null): number {
  const y = Number(raw);
  return Number.isInteger(y) && y >= MIN_YEAR && y <= MAX_YEAR ? y : new Date().getFullYear();
}

export default function CalendarPage() {
  const me = useUser();
  const mayEdit = me.role === 'district_staff';
  const [params, setParams] = useSearchParams();
  const year = parseYear(params.get('year'));
  const [yearInput, setYearInput] = useState(String(year));
  useEffect(() => setYearInput(String(year)), [year]);
  const q = useQuery({
    queryKey: ['calendar', year],
    queryFn: () => unwrap<CalendarYear>(api.GET('/api/calendar/{year}', { params: { path: { year } } })),
  });
  const missing = isApiError(q.error) && q.error.status === 404;
  const [draft, setDraft] = useState<Draft | null>(null);
  // Another year: leave edit mode.
  useEffect(() => setDraft(null), [year]);

  const goTo = (y: number) => {
    if (y < MIN_YEAR || y > MAX_YEAR) return;
    setParams({ year: String(y) });
  };

  return (
    <ConfigProvider button={{ autoInsertSpace: false }}>
      <PageTitle>工作日历</PageTitle>
      <Typography.Paragraph style={muted}>
        国务院办公厅每年公布的节假日安排：放假日和调休上班日。以“工作日”计算的期限（如向报告单位反馈处理结果）跳过周末和放假日，计入调休上班日。
        {mayEdit ? '区民政局/未保中心可在此修改，保存后新计算的期限按新日历执行，已计算的期限不变。' : '只有区民政局/未保中心可以修改日历。'}
      </Typography.Paragraph>

      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex gap={8} wrap align="center">
          <Button onClick={() => goTo(year - 1)} disabled={year <= MIN_YEAR || !!draft}>
            上一年
          </Button>
          <label htmlFor="calendar-year" style={{ fontWeight: 600 }}>
            年份
          </label>
          <input
            id="calendar-year"
            type="number"
            min={MIN_YEAR}
            max={MAX_YEAR}
            value={yearInput}
            disabled={!!draft}
            onChange={(e) => setYearInput(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') goTo(Number(yearInput));
            }}
            onBlur={() => goTo(Number(yearInput))}
            className="native-field"
            style={{ width: 110, height: 40, padding: '0 11px', fontSize: 15, border: '1px solid #8c8c8c', borderRadius: 8 }}
          />
          <Button onClick={() => goTo(year + 1)} disabled={year >= MAX_YEAR || !!draft}>
            下一年
          </Button>
          {draft && <Typography.Text style={muted}>编辑中：保存或放弃修改后才能切换年份。</Typography.Text>}
        </Flex>
      </Card>

      {q.isPending ? (
        <PageLoading label="正在加载日历…" />
      ) : q.error && !missing ? (
        <ErrorPage error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <YearView key={year} year={year} calendar={q.data ?? null} mayEdit={mayEdit} draft={draft} setDraft={setDraft} onSaved={() => setDraft(null)} />
      )}
    </ConfigProvider>
  );
}

function YearView({
  year,
  calendar,
  mayEdit,
  draft,
  setDraft,
  onSaved,
}: {
  year: number;
  calendar: CalendarYear | null;
  mayEdit: boolean;
  draft: Draft | null;
  setDraft: (d: Draft | null) => void;
  onSaved: () => void;
}) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const shown = draft ?? draftOf(calendar);
  const holidays = useMemo(() => [...shown.holidays].sort(), [shown.holidays]);
  const workdays = useMemo(() => [...shown.workdays].sort(), [shown.workdays]);
  const changes = useMemo(() => {
    if (!draft) return 0;
    const before = draftOf(calendar);
    const diff = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).length + [...b].filter((x) => !a.has(x)).length;
    return (
      diff(draft.holidays, before.holidays) +
      diff(draft.workdays, before.workdays) +
      (draft.source.trim() !== (before.source ?? '').trim() ? 1 : 0) +
      (draft.provisional !== before.provisional ? 1 : 0)
    );
  }, [draft, calendar]);

  const stateOf = (date: string): DayState => (shown.holidays.has(date) ? 'holiday' : shown.workdays.has(date) ? 'workday' : 'normal');

  const toggle = (date: string) => {
    if (!draft) return;
    const next = nextState(stateOf(date), isWeekendDate(date));
    const h = new Set(draft.holidays);
    const w = new Set(draft.workdays);
    h.delete(date);
    w.delete(date);
    if (next === 'holiday') h.add(date);
    if (next === 'workday') w.add(date);
    setDraft({ ...draft, holidays: h, workdays: w });
  };

  const save = async () => {
    if (!draft) return;
    setSaving(true);
    setError(null);
    try {
      const body: components['schemas']['ReplaceCalendarDto'] = {
        holidays: [...draft.holidays].sort(),
        workdays: [...draft.workdays].sort(),
        source: draft.source.trim() || null,
        provisional: draft.provisional,
      };
      const saved = await unwrap<CalendarYear>(api.PUT('/api/calendar/{year}', { params: { path: { year } }, body }));
      qc.setQueryData(['calendar', year], saved);
      void message.success(`${year} 年日历已保存`);
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div data-testid="calendar-year" data-year={year} data-editing={draft ? 'true' : 'false'}>
      {!calendar && !draft && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="calendar-missing"
          title={`尚无 ${year} 年的日历`}
          description="在公布或录入该年的节假日安排之前，期限按周一至周五计算工作日。"
          action={
            mayEdit ? (
              <Button type="primary" onClick={() => setDraft(draftOf(null))}>
                新建 {year} 年日历
              </Button>
            ) : undefined
          }
        />
      )}
      {(calendar || draft) && (
        <Card size="small" style={{ marginBottom: 16 }}>
          {draft ? (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Alert
                type="warning"
                showIcon
                title={`正在编辑 ${year} 年日历${changes ? `：有 ${changes} 处未保存的修改` : ''}`}
                description="点击日期切换：工作日 ↔ 放假；周六、周日：休息日 → 放假 → 调休上班 → 休息日。"
              />
              <label htmlFor="calendar-source" style={{ fontWeight: 600 }}>
                通知来源
              </label>
              <Input
                id="calendar-source"
                value={draft.source}
                maxLength={300}
                placeholder="如：国务院办公厅关于2027年部分节假日安排的通知"
                onChange={(e) => setDraft({ ...draft, source: e.target.value })}
              />
              <Checkbox checked={draft.provisional} onChange={(e) => setDraft({ ...draft, provisional: e.target.checked })}>
                暂定（年度通知尚未公布，只含法定节假日）
              </Checkbox>
              {error ? <ApiErrorAlert error={error} title={isApiError(error) && error.status === 400 ? '日历有误，未保存：' : undefined} /> : null}
              <Flex gap={8} wrap>
                <Button type="primary" loading={saving} onClick={() => void save()}>
                  保存日历
                </Button>
                <Button
                  onClick={() => {
                    setError(null);
                    setDraft(null);
                  }}
                  disabled={saving}
                >
                  放弃修改
                </Button>
              </Flex>
            </Space>
          ) : (
            <Flex justify="space-between" gap={8} wrap align="center">
              <div>
                <div>
                  依据：{calendar?.source || '—'}
                  {calendar?.provisional && (
                    <Tag color="warning" style={{ marginInlineStart: 8 }}>
                      暂定
                    </Tag>
                  )}
                </div>
                <div style={{ ...muted, fontSize: 13 }}>更新于 {formatDateTime(calendar?.updatedAt)}</div>
              </div>
              {mayEdit && calendar && (
                <Button type="primary" onClick={() => setDraft(draftOf(calendar))}>
                  编辑日历
                </Button>
              )}
            </Flex>
          )}
        </Card>
      )}

      <Flex gap={16} wrap style={{ marginBottom: 16 }}>
        <DateList title="放假日" dates={holidays} testId="holiday-list" />
        <DateList title="调休上班日" dates={workdays} testId="workday-list" />
      </Flex>

      <section aria-labelledby="calendar-months-heading">
        <h2 id="calendar-months-heading" style={{ fontSize: 17 }}>
          {year} 年逐月
        </h2>
        <Legend />
        <div className="cal-months">
          {Array.from({ length: 12 }, (_, m) => (
            <Month key={m} year={year} month={m} stateOf={stateOf} onToggle={draft ? toggle : null} />
          ))}
        </div>
      </section>
      <style>{`
        .cal-months { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 12px; }
        .cal-month { background: #fff; border: 1px solid #f0f0f0; border-radius: 8px; padding: 8px; }
        .cal-month table { width: 100%; border-collapse: collapse; table-layout: fixed; }
        .cal-month caption { font-weight: 600; text-align: start; padding: 0 0 4px; }
        .cal-month th { font-weight: 400; font-size: 12px; color: rgba(0,0,0,0.68); padding: 2px 0; }
        .cal-month td { text-align: center; padding: 1px; }
        .cal-day { display: flex; flex-direction: column; align-items: center; justify-content: center; width: 100%; min-height: 34px; border-radius: 6px; font-size: 13px; line-height: 1.1; border: 1px solid transparent; background: none; color: rgba(0,0,0,0.88); font-family: inherit; padding: 0; }
        button.cal-day { cursor: pointer; border-color: #d9d9d9; }
        button.cal-day:hover { border-color: #0958d9; }
        button.cal-day:focus-visible { outline: 3px solid #0958d9; outline-offset: 1px; }
        .cal-day.weekend { color: rgba(0,0,0,0.62); }
        .cal-day.holiday { background: #fff1f0; color: #a8071a; border-color: #ffa39e; font-weight: 600; }
        .cal-day.workday { background: #e6f4ff; color: #003eb3; border-color: #91caff; font-weight: 600; }
        .cal-day .mark { font-size: 11px; }
      `}</style>
    </div>
  );
}

function DateList({ title, dates, testId }: { title: string; dates: string[]; testId: string }) {
  const id = `${testId}-heading`;
  return (
    <section aria-labelledby={id} style={{ flex: '1 1 280px', minWidth: 0 }}>
      <Card size="small" title={<h2 id={id} style={{ fontSize: 16, margin: 0 }}>{`${title}（${dates.length} 天）`}</h2>}>
        {dates.length === 0 ? (
          <Typography.Text style={muted}>无</Typography.Text>
        ) : (
          <ul aria-label={title} data-testid={testId} style={{ listStyle: 'none', padding: 0, margin: 0, display: 'flex', flexWrap: 'wrap', gap: 6 }}>
            {dates.map((d) => (
              <li key={d} data-date={d}>
                <Tag style={{ marginInlineEnd: 0 }}>{dateText(d)}</Tag>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </section>
  );
}

function Legend() {
  return (
    <Flex gap={12} wrap style={{ marginBottom: 8, fontSize: 13 }} aria-hidden>
      <span>
        <span className="cal-day holiday" style={{ display: 'inline-flex', width: 28, minHeight: 22 }}>
          休
        </span>{' '}
        放假
      </span>
      <span>
        <span className="cal-day workday" style={{ display: 'inline-flex', width: 28, minHeight: 22 }}>
          班
        </span>{' '}
        调休上班
      </span>
    </Flex>
  );
}

function Month({
  year,
  month,
  stateOf,
  onToggle,
}: {
  year: number;
  month: number;
  stateOf: (date: string) => DayState;
  onToggle: ((date: string) => void) | null;
}) {
  const first = (weekdayOf(year, month, 1) + 6) % 7; // Monday = 0
  const days = daysIn(year, month);
  const cells: (number | null)[] = [...Array.from({ length: first }, () => null), ...Array.from({ length: days }, (_, i) => i + 1)];
  while (cells.length % 7) cells.push(null);
  const weeks = Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
  return (
    <div className="cal-month" data-month={month + 1}>
      <table>
        <caption>{month + 1}月</caption>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c} scope="col" abbr={`星期${c}`}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week, w) => (
            <tr key={w}>
              {week.map((d, i) => {
                if (d === null) return <td key={i} />;
                const date = iso(year, month, d);
                const weekend = i >= 5;
                const state = stateOf(date);
                const label = `${date}（${WEEKDAYS[weekdayOf(year, month, d)]}）：${STATE_TEXT[state](weekend)}`;
                const cls = `cal-day${weekend ? ' weekend' : ''}${state !== 'normal' ? ` ${state}` : ''}`;
                const mark = state === 'holiday' ? '休' : state === 'workday' ? '班' : '';
                return (
                  <td key={i} data-date={date} data-state={state}>
                    {onToggle ? (
                      // Named by its content (date, weekday, state), not aria-label: the day number stays part of the name's source.
                      <button type="button" className={cls} title={label} onClick={() => onToggle(date)}>
                        <span className="sr-only">{label}</span>
                        <span aria-hidden>{d}</span>
                        {mark && (
                          <span className="mark" aria-hidden>
                            {mark}
                          </span>
                        )}
                      </button>
                    ) : (
                      <span className={cls} title={label}>
                        {d}
                        {mark && (
                          <span className="mark" aria-hidden>
                            {mark}
                          </span>
                        )}
                        <span className="sr-only">{state !== 'normal' ? STATE_TEXT[state](weekend) : ''}</span>
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
