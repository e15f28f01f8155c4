/**
 * Small form controls used across these pages. Selects and date-times are the browser's
 * own elements, styled like antd's: on a phone they open the system picker, screen readers
 * know them, and tests drive them with selectOption / fill. They work inside antd Form.Item
 * (which passes id, value and onChange).
 */
import type { CSSProperties, ReactNode } from 'react';
import { Link } from 'react-router';
import { Card, Typography } from 'antd';
import { dayjs, TZ } from '../../i18n/time';

const fieldStyle: CSSProperties = {
  height: 40,
  minWidth: 0,
  width: '100%',
  boxSizing: 'border-box',
  padding: '0 11px',
  fontSize: 15,
  fontFamily: 'inherit',
  color: 'rgba(0,0,0,0.88)',
  background: '#fff',
  border: '1px solid #8c8c8c',
  borderRadius: 8,
};

export interface Option {
  value: string;
  label: string;
  disabled?: boolean;
}
export interface OptionGroup {
  label: string;
  options: Option[];
}

export function NativeSelect({
  id,
  value,
  onChange,
  options,
  groups,
  placeholder,
  style,
  disabled,
  'aria-label': ariaLabel,
  'data-testid': testId,
  required,
}: {
  id?: string;
  value?: string | null;
  onChange?: (value: string) => void;
  options?: Option[];
  groups?: OptionGroup[];
  /** The first, empty option ("全部", "请选择…"). */
  placeholder?: string;
  style?: CSSProperties;
  disabled?: boolean;
  'aria-label'?: string;
  'data-testid'?: string;
  required?: boolean;
}) {
  return (
    <select
      id={id}
      className="native-field"
      value={value ?? ''}
      onChange={(e) => onChange?.(e.target.value)}
      style={{ ...fieldStyle, ...style }}
      disabled={disabled}
      aria-label={ariaLabel}
      aria-required={required || undefined}
      data-testid={testId}
    >
      {placeholder !== undefined && <option value="">{placeholder}</option>}
      {options?.map((o) => (
        <option key={o.value} value={o.value} disabled={o.disabled}>
          {o.label}
        </option>
      ))}
      {groups?.map((g) => (
        <optgroup key={g.label} label={g.label}>
          {g.options.map((o) => (
            <option key={o.value} value={o.value} disabled={o.disabled}>
              {o.label}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}

/** "2026-12-05T17:00" (Shanghai wall clock) ⇄ ISO with +08:00. */
export const wallInputToIso = (v: string): string => dayjs.tz(v, TZ).format();
export const isoToWallInput = (iso: string | Date): string => dayjs(iso).tz(TZ).format('YYYY-MM-DDTHH:mm');
export const nowWallInput = (offsetHours = 0): string => isoToWallInput(new Date(Date.now() + offsetHours * 3600_000));

/** A date and time in Shanghai time (the picker shows the wall clock; the form holds "YYYY-MM-DDTHH:mm"). */
export function DateTimeInput({
  id,
  value,
  onChange,
  max,
  min,
  'aria-label': ariaLabel,
}: {
  id?: string;
  value?: string;
  onChange?: (value: string) => void;
  max?: string;
  min?: string;
  'aria-label'?: string;
}) {
  return (
    <input
      id={id}
      type="datetime-local"
      className="native-field"
      value={value ?? ''}
      max={max}
      min={min}
      onChange={(e) => onChange?.(e.target.value)}
      style={fieldStyle}
      aria-label={ariaLabel}
    />
  );
}

export function DateInput({
  id,
  value,
  onChange,
  'aria-label': ariaLabel,
}: {
  id?: string;
  value?: string;
  onChange?: (value: string) => void;
  'aria-label'?: string;
}) {
  return (
    <input
      id={id}
      type="date"
      className="native-field"
      value={value ?? ''}
      onChange={(e) => onChange?.(e.target.value)}
      style={fieldStyle}
      aria-label={ariaLabel}
    />
  );
}

/** A card with a real heading (h2 by default), so the page reads as an outline. */
export function Section({
  title,
  level = 2,
  extra,
  children,
  id,
  testId,
}: {
  title: ReactNode;
  level?: 2 | 3;
  extra?: ReactNode;
  children: ReactNode;
  id?: string;
  testId?: string;
}) {
  const headingId = id ? `${id}-heading` : undefined;
  return (
    <section aria-labelledby={headingId} id={id} data-testid={testId} style={{ marginBottom: 16 }}>
      <Card
        size="small"
        title={
          <Typography.Title level={level} id={headingId} style={{ fontSize: level === 2 ? 17 : 15, margin: 0, whiteSpace: 'normal' }}>
            {title}
          </Typography.Title>
        }
        extra={extra}
        styles={{ body: { padding: 16 } }}
      >
        {children}
      </Card>
    </section>
  );
}

/** Plain text that keeps line breaks (narratives, summaries). */
export function Prose({ children }: { children: ReactNode }) {
  return <div style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{children}</div>;
}

export const muted: CSSProperties = { color: 'rgba(0,0,0,0.68)' };

/** A link that looks like a default antd button (never a button inside a link). */
export function LinkButton({ to, icon, children }: { to: string; icon?: ReactNode; children: ReactNode }) {
  return (
    <Link to={to} className="sh-link-button">
      {icon}
      <span>{children}</span>
      <style>{`.sh-link-button { display: inline-flex; align-items: center; gap: 8px; height: 40px; padding: 0 15px; border: 1px solid #d9d9d9; border-radius: 8px; background: #fff; color: rgba(0,0,0,0.88); text-decoration: none; font-size: 15px; box-shadow: 0 2px 0 rgba(0,0,0,0.02); }
.sh-link-button:hover { color: #0958d9; border-color: #0958d9; }
.sh-link-button:focus-visible { outline: 3px solid #0958d9; outline-offset: 1px; }`}</style>
    </Link>
  );
}
