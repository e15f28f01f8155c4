/**
 * Indicator alerts (domain.md §10): which rates are past their thresholds. Pure: the
 * rule is a table of inputs and one comparison, so it can be read and tested alone.
 */
import { AlertIndicator, AlertScope, Share, StatsAlertView } from './stats.views';

/** A rate over fewer than this many deadlines or cases never alerts: one late case in three is noise, not a trend. */
export const ALERT_MIN_DENOMINATOR = 5;

export interface AlertThresholds {
  /** STATS_ALERT_BREACH_RATE */
  breachRate: number;
  /** STATS_ALERT_REREPORT_RATE */
  rereportRate: number;
}

/** One rate the rule looks at: its true counts (the rule compares the truth), and the share as the answer shows it. */
export interface RateInput {
  indicator: AlertIndicator;
  scope: AlertScope;
  key: string | null;
  /** What the rate is, Chinese with English (a street name or a step label, never a case). */
  subject: string;
  numerator: number;
  denominator: number;
  shown: Share;
}

const percent = (v: number) => `${Math.round(v * 1000) / 10}%`;

/** The rates past their thresholds, in the order given. A withheld share stays withheld in its alert (value null). */
export function alertsOf(rates: readonly RateInput[], thresholds: AlertThresholds): StatsAlertView[] {
  const alerts: StatsAlertView[] = [];
  for (const r of rates) {
    const threshold = r.indicator === AlertIndicator.BreachRate ? thresholds.breachRate : thresholds.rereportRate;
    if (r.denominator < ALERT_MIN_DENOMINATOR || !(r.numerator / r.denominator > threshold)) continue;
    const value = r.shown.suppressed ? null : r.shown.share;
    alerts.push({
      indicator: r.indicator,
      scope: r.scope,
      key: r.key,
      value,
      threshold,
      numerator: r.shown.numerator,
      denominator: r.shown.denominator,
      suppressed: r.shown.suppressed,
      label: `${r.subject}: ${value === null ? '已隐藏 (withheld)' : percent(value)} > ${percent(threshold)}`,
    });
  }
  return alerts;
}

/** The identity of an alert across checks: the same indicator, scope and key is the same alert. */
export const alertIdentity = (a: { indicator: string; scope: string; key: string | null }) => `${a.indicator}:${a.scope}:${a.key ?? ''}`;
