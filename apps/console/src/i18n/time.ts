/**
 * Times are shown and entered in China Standard Time (Asia/Shanghai) whatever the
 * device's own zone. A picker works on "wall-clock" dayjs values: `toWall` turns an
 * instant into the Shanghai wall clock, `wallToIso` sends what was picked as
 * "…+08:00", so a phone set to another zone still files the time people typed.
 */
import dayjs, { type Dayjs } from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import relativeTime from 'dayjs/plugin/relativeTime';
import 'dayjs/locale/zh-cn';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(relativeTime);
dayjs.locale('zh-cn');

export const TZ = 'Asia/Shanghai';
const WALL = 'YYYY-MM-DDTHH:mm:ss';

/** "2026-12-02 09:30" in Shanghai time. */
export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dayjs(iso).tz(TZ).format('YYYY-MM-DD HH:mm') : '—';
}
export function formatDate(iso: string | null | undefined): string {
  return iso ? (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : dayjs(iso).tz(TZ).format('YYYY-MM-DD')) : '—';
}

/** The Shanghai wall clock of an instant, as a local dayjs for antd pickers. */
export function toWall(iso?: string | null): Dayjs {
  return dayjs(
    dayjs(iso ?? undefined)
      .tz(TZ)
      .format(WALL),
  );
}
export const nowWall = (): Dayjs => toWall();

/** A picked wall-clock time as ISO-8601 with the +08:00 offset the API wants. */
export function wallToIso(d: Dayjs): string {
  return dayjs.tz(d.format(WALL), TZ).format();
}
/** A picked date as YYYY-MM-DD. */
export const wallToDate = (d: Dayjs): string => d.format('YYYY-MM-DD');

/** antd `disabledDate` for "no future dates". */
export const disableFuture = (d: Dayjs): boolean => d.isAfter(nowWall(), 'day');

/** Whole years of age on a date (both YYYY-MM-DD or Dayjs). */
export function ageOn(birthDate: string, on: Dayjs = nowWall()): number {
  const b = dayjs(birthDate);
  let age = on.year() - b.year();
  if (on.month() < b.month() || (on.month() === b.month() && on.date() < b.date())) age -= 1;
  return age;
}

/** "还剩 3 小时 20 分" / "已超时 2 天 4 小时": a countdown in words. */
export function countdownText(dueAt: string, now = Date.now()): { text: string; overdue: boolean; urgent: boolean } {
  const ms = Date.parse(dueAt) - now;
  const overdue = ms < 0;
  const abs = Math.abs(ms);
  const min = Math.floor(abs / 60000);
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  const span = d > 0 ? `${d} 天 ${h} 小时` : h > 0 ? `${h} 小时 ${m} 分` : `${m} 分钟`;
  return { text: overdue ? `已超时 ${span}` : `还剩 ${span}`, overdue, urgent: !overdue && ms < 4 * 3600_000 };
}

export { dayjs };
