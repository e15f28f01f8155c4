export { KINDS_BY_STATUS, nextLevel, policeAlertDue, stepsMet, stepsStarted } from './deadline-rules';
export type { WantedDeadline } from './deadline-rules';
export { DeadlineRepository, parseUpcomingSteps } from './deadline.repository';
export { DeadlineService, deadlineView, DeadlineView, SLA_CALCULATOR } from './deadline.service';
export { BullDeadlineTimers } from './deadline-timers';
export { DeadlinesCoreModule } from './deadlines.module';
export { Deadline, DeadlineStatus } from './entities/deadline.entity';
export { WorkingCalendarYear } from './entities/working-calendar.entity';
export { SWEEP_SLOT_LOCK, SWEEP_SLOTS } from './breach-sweep';
export { EscalationService } from './escalation.service';
export type { Outcome, ReminderSweepOutcome, SweepOutcome } from './escalation.service';
export {
  buildPolicy,
  DEADLINE_KINDS,
  DEADLINE_LABELS,
  DeadlineKind,
  loadPolicy,
  mergePolicy,
  parseCompletePolicy,
  parseDuration,
  PolicyError,
  RISKS,
  shippedPolicy,
  SlaCalculator,
  WINDOW_KINDS,
} from './policy';
export type { Due, Duration, DurationUnit, Risk, SlaPolicy, VisitSchedule, WindowKind } from './policy';
export { CALENDAR_REFRESH_MS, CalendarStore } from './calendar/calendar.store';
export { CalendarService } from './calendar/calendar.service';
export { CalendarYearView, ReplaceCalendarDto } from './calendar/calendar.views';
export { CalendarFileError, readCalendarDir } from './calendar/calendar-files';
export { calendarProblems, isCalendarYear, MAX_CALENDAR_YEAR, MIN_CALENDAR_YEAR } from './calendar/calendar-validation';
export type { CalendarYear } from './calendar/calendar-validation';
export { shanghaiDay, WorkingCalendar } from './calendar/working-calendar';
export type { CalendarYearData } from './calendar/working-calendar';
