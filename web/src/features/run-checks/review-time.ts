import { dayBounds } from '@core/expected-slots';
import { dateOfDay, localTime } from '@core/zoned-time';

/**
 * Dates and times of the review screens, read in the instance time zone (GET /api/settings), so
 * "today", a remark's start date and an override's validity mean the same day for every user
 * and for the server. Pure (the clock is a parameter); shared by Run Checks, Daily Jobs,
 * Overrides and Tickets.
 */

/** 'YYYY-MM-DD' of `now` in `timeZone`. */
export function todayIn(timeZone: string, now = Date.now()): string {
  return dateOfDay(localTime(now, timeZone).day);
}

/** The date before or after 'YYYY-MM-DD' (calendar arithmetic, no time zone involved). */
export function shiftDate(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export const isDateInput = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));

/**
 * A date input's value → the ISO instant the API stores: the start of that day in `timeZone`,
 * or with `endOfDay` its last millisecond (validity bounds are inclusive). '' → null.
 */
export function dateInputToIso(date: string, timeZone: string, endOfDay = false): string | null {
  if (!date.trim()) return null;
  if (!isDateInput(date.trim())) throw new RangeError(`'${date}' is not a date (YYYY-MM-DD)`);
  const { start, end } = dayBounds(date.trim(), timeZone);
  return new Date(endOfDay ? end - 1 : start).toISOString();
}

/** An ISO instant → the 'YYYY-MM-DD' it falls on in `timeZone` ('' for none). */
export function isoToDateInput(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : dateOfDay(localTime(ms, timeZone).day);
}

type Style = Pick<Intl.DateTimeFormatOptions, 'dateStyle' | 'timeStyle' | 'hour' | 'minute' | 'hourCycle'>;

/** Formats in the instance time zone; an unknown zone name falls back to the browser's own. */
function inZone(iso: string | null | undefined, timeZone: string | undefined, style: Style, locale?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  try {
    return d.toLocaleString(locale, { ...style, ...(timeZone ? { timeZone } : {}) });
  } catch {
    return d.toLocaleString(locale, style);
  }
}

/** "21 Nov 2026, 08:04" in the instance time zone ('—' for none). */
export const formatInZone = (iso: string | null | undefined, timeZone: string | undefined, locale?: string) =>
  inZone(iso, timeZone, { dateStyle: 'medium', timeStyle: 'short' }, locale);

/** "21 Nov 2026" in the instance time zone ('—' for none). */
export const formatDateInZone = (iso: string | null | undefined, timeZone: string | undefined, locale?: string) =>
  inZone(iso, timeZone, { dateStyle: 'medium' }, locale);

/** "08:04" (24-hour) in the instance time zone. */
export const formatTimeInZone = (iso: string | null | undefined, timeZone: string | undefined, locale?: string) =>
  inZone(iso, timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }, locale);

/**
 * A date field being saved: the stored instant when the field still shows its day (an instant
 * set to the minute elsewhere is not rounded by an unrelated edit), else the new day's start
 * (or end) in `timeZone`; '' → null.
 */
export function dateFieldToIso(
  value: string,
  stored: string | null | undefined,
  timeZone: string,
  endOfDay = false,
): string | null {
  if (stored && value && isoToDateInput(stored, timeZone) === value) return stored;
  return dateInputToIso(value, timeZone, endOfDay);
}
