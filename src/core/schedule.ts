/**
 * Schedules: validation, next fire times and human descriptions.
 *
 * Fire times are computed in two steps so that every DST decision lives in one place:
 *   1. a pattern lists matching *wall-clock* times (croner, run in UTC, is used as a pure
 *      wall-clock calendar, so it never sees a DST change itself);
 *   2. `firesForWall` maps each wall time to real instants in the schedule's time zone.
 * DST rules (each one is pinned by a test in schedule.test.ts):
 *   - spring forward: a wall time inside the gap fires once, shifted forward by the gap
 *     (02:30 in Europe/Paris → 03:30 CEST), like JavaScript's Date and Temporal's
 *     "compatible" disambiguation; this keeps 02:00 and 02:30 distinct (03:00, 03:30);
 *   - fall back: a wall time inside the repeated hour fires once, at its first occurrence
 *     (summer time), like Vixie cron. Cron patterns that match every hour of the day
 *     ("*\/15 * * * *", "0 * * * *") fire at both occurrences, so "every 15 minutes" keeps
 *     running every 15 real minutes through the repeated hour.
 * croner 9 alone gets fall-back wrong: it maps a repeated wall time to its second
 * occurrence and skips some instants of the repeated hour entirely (see the tests).
 */
import { Cron, CronPattern } from 'croner';
import type { Schedule, Weekday } from './domain.js';
import { WEEKDAYS } from './domain.js';
import { parseDuration } from './duration.js';
import { ValidationError } from './errors.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Intervals outside this range are almost always a unit mistake (ms for s, s for min). */
export const MIN_INTERVAL_SECONDS = 60;
export const MAX_INTERVAL_SECONDS = 366 * 86_400;

const SCHEDULE_TYPES = ['manual', 'cron', 'weekly', 'interval', 'automatic'] as const;
const CRON_NICKNAMES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly'] as const;
const NICKNAME_FIELDS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const FIELDS_BY_TYPE: Readonly<Record<Schedule['type'], readonly string[]>> = {
  manual: ['type'],
  automatic: ['type'],
  cron: ['type', 'expression', 'timezone'],
  weekly: ['type', 'days', 'times', 'timezone'],
  interval: ['type', 'everySeconds'],
};

// ---------------------------------------------------------------------------------------
// Time zones

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    // hourCycle h23: with hour12:false some ICU versions print midnight as "24".
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** UTC offset (ms) in effect at an instant, straight from Intl: exact but slow (µs). */
function intlOffset(instantMs: number, timezone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timezone).formatToParts(instantMs)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const whole = Math.floor(instantMs / 1000) * 1000;
  const wall = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return wall - whole;
}

// The scheduler computes thousands of fire times a minute, each needing several offsets,
// so offsets are cached per zone and hour, and a change inside an hour is located once to
// the minute (modern zone changes happen on whole minutes) and cached too.
const hourOffsets = new Map<string, number>();
const changeInstants = new Map<string, number>();
const OFFSET_CACHE_SIZE = 100_000;

function remember(cache: Map<string, number>, key: string, value: number): number {
  if (cache.size >= OFFSET_CACHE_SIZE) cache.clear();
  cache.set(key, value);
  return value;
}

function offsetAtHour(hourMs: number, timezone: string): number {
  const key = `${timezone}|${hourMs}`;
  return hourOffsets.get(key) ?? remember(hourOffsets, key, intlOffset(hourMs, timezone));
}

function offsetAt(instantMs: number, timezone: string): number {
  const hour = Math.floor(instantMs / HOUR) * HOUR;
  const atStart = offsetAtHour(hour, timezone);
  const atEnd = offsetAtHour(hour + HOUR, timezone);
  if (atStart === atEnd) return atStart;
  const key = `${timezone}|${hour}`;
  let change = changeInstants.get(key);
  if (change === undefined) {
    let lo = hour; // offset atStart
    let hi = hour + HOUR; // offset atEnd
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (intlOffset(mid, timezone) === atStart) lo = mid;
      else hi = mid;
    }
    change = remember(changeInstants, key, hi);
  }
  return instantMs < change ? atStart : atEnd;
}

/** The offset a day either side of a time: far enough to bracket any change near it. */
function offsetProbe(instantMs: number, timezone: string): number {
  return offsetAtHour(Math.floor(instantMs / HOUR) * HOUR, timezone);
}

/** The wall-clock reading of an instant in `timezone`, as milliseconds of a UTC date. */
function wallMs(instantMs: number, timezone: string): number {
  return instantMs + offsetAt(instantMs, timezone);
}

/**
 * A Date whose UTC fields (getUTCFullYear, getUTCHours...) are the wall-clock reading of
 * `instant` in `timezone`. Used for local dates (retention buckets, day grouping).
 */
export function wallClock(instant: Date, timezone: string): Date {
  return new Date(wallMs(instant.getTime(), timezone));
}

/**
 * Checks an IANA zone and returns its usual spelling ("europe/paris" → "Europe/Paris").
 * Links such as "Asia/Kolkata" are kept as written rather than resolved to ICU's
 * legacy canonical names ("Asia/Calcutta"), which would surprise the user.
 */
export function normaliseTimezone(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(`${field}: a time zone is required (e.g. Europe/Paris or UTC)`, { field });
  }
  const name = value.trim();
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
    }).resolvedOptions().timeZone;
  } catch {
    throw new ValidationError(`${field}: '${name}' is not a known time zone`, {
      field,
      value,
    });
  }
  const lower = name.toLowerCase();
  const listed = knownZones().find((zone) => zone.toLowerCase() === lower);
  if (listed) return listed;
  return resolved.toLowerCase() === lower ? resolved : name;
}

let zoneList: readonly string[] | undefined;
function knownZones(): readonly string[] {
  zoneList ??= Intl.supportedValuesOf('timeZone');
  return zoneList;
}

export function isValidTimezone(value: string): boolean {
  try {
    formatter(value);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// Validation

/**
 * Checks and normalises a schedule from user input (API, config file, CLI).
 * Cron takes 5 fields or a nickname (@yearly, @annually, @monthly, @weekly, @daily,
 * @hourly); a 6th seconds field is refused because the scheduler works to the minute and
 * intervals start at 60 s. Weekly days are sorted Monday first, times sorted and
 * de-duplicated. Interval accepts seconds or a duration ("15m").
 */
export function validateSchedule(input: unknown, defaultTimezone: string, field = 'schedule'): Schedule {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError(`${field} must be an object with a type (${SCHEDULE_TYPES.join(', ')})`, { field });
  }
  const raw = input as Record<string, unknown>;
  const type = raw.type;
  if (typeof type !== 'string' || !(SCHEDULE_TYPES as readonly string[]).includes(type)) {
    throw new ValidationError(
      `${field}.type: '${String(type)}' is not a schedule type (${SCHEDULE_TYPES.join(', ')})`,
      { field: `${field}.type`, value: type },
    );
  }
  const scheduleType = type as Schedule['type'];
  const allowed = FIELDS_BY_TYPE[scheduleType];
  for (const key of Object.keys(raw)) {
    // Refusing unknown keys catches "timeZone" or "every" typos that would otherwise be
    // silently ignored and give a schedule the user did not ask for.
    if (!allowed.includes(key)) {
      throw new ValidationError(`${field}.${key}: not a field of a ${type} schedule (expected ${allowed.join(', ')})`, {
        field: `${field}.${key}`,
      });
    }
  }
  const timezone = (): string =>
    raw.timezone === undefined || raw.timezone === null || raw.timezone === ''
      ? normaliseTimezone(defaultTimezone, `${field}.timezone`)
      : normaliseTimezone(raw.timezone, `${field}.timezone`);

  switch (scheduleType) {
    case 'manual':
    case 'automatic':
      return { type: scheduleType };
    case 'cron':
      return {
        type: 'cron',
        expression: normaliseCron(raw.expression, `${field}.expression`),
        timezone: timezone(),
      };
    case 'weekly':
      return {
        type: 'weekly',
        days: normaliseDays(raw.days, `${field}.days`),
        times: normaliseTimes(raw.times, `${field}.times`),
        timezone: timezone(),
      };
    case 'interval':
      return {
        type: 'interval',
        everySeconds: normaliseInterval(raw.everySeconds, `${field}.everySeconds`),
      };
  }
}

const CRON_FIELD_RANGES: Readonly<Record<string, string>> = {
  second: 'second must be 0–59',
  minute: 'minute must be 0–59',
  hour: 'hour must be 0–23',
  day: 'day of month must be 1–31',
  month: 'month must be 1–12 (or jan–dec)',
  dayOfWeek: 'day of week must be 0–7 (or sun–sat)',
};
const CRON_FIELD_NAMES = ['second', 'minute', 'hour', 'day of month', 'month', 'day of week'];

function normaliseCron(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(`${field}: a cron expression is required (e.g. "0 2 * * *" or "@daily")`, { field });
  }
  const expression = value.trim().replace(/\s+/g, ' ');
  const invalid = (why: string): never => {
    throw new ValidationError(`${field}: '${expression}' is not a valid cron expression: ${why}`, {
      field,
      value,
    });
  };
  if (expression.startsWith('@')) {
    const nickname = expression.toLowerCase();
    if (!(CRON_NICKNAMES as readonly string[]).includes(nickname)) {
      invalid(`unknown nickname (use ${CRON_NICKNAMES.join(', ')})`);
    }
    return nickname;
  }
  const count = expression.split(' ').length;
  if (count === 6) invalid('seconds are not supported; use 5 fields (minute hour day-of-month month day-of-week)');
  if (count !== 5) invalid(`expected 5 fields (minute hour day-of-month month day-of-week), found ${count}`);
  // croner replaces '?' with the current time, which would make a schedule depend on the
  // moment it was saved.
  if (expression.includes('?')) invalid("'?' is not supported; use *");
  try {
    new CronPattern(expression);
  } catch (error) {
    invalid(explainCronError(error));
  }
  if (compiledCron(expression).cron.nextRun(new Date(Date.UTC(2000, 0, 1))) === null) invalid('it never fires');
  return expression;
}

function explainCronError(error: unknown): string {
  const message = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
  const range = /^Invalid value for (\w+)/.exec(message);
  if (range?.[1] && CRON_FIELD_RANGES[range[1]]) return CRON_FIELD_RANGES[range[1]] ?? message;
  if (message.startsWith('nth weekday out of range')) return "'#' must be followed by 1–5 (e.g. mon#1, fri#5)";
  const illegal = /^configuration entry (\d) \((.*)\) contains illegal characters/.exec(message);
  if (illegal)
    return `${CRON_FIELD_NAMES[Number(illegal[1])] ?? 'a field'} '${illegal[2]}' contains characters cron does not allow`;
  return message.charAt(0).toLowerCase() + message.slice(1);
}

function normaliseDays(value: unknown, field: string): Weekday[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ValidationError(`${field} must list at least one day`, { field });
  }
  const days = new Set<Weekday>();
  value.forEach((item, i) => {
    // "mon" or "Monday", any case.
    const text = typeof item === 'string' ? item.trim().toLowerCase() : '';
    const index = Math.max(WEEKDAYS.indexOf(text as Weekday), FULL_DAY_NAMES.indexOf(text));
    const day = WEEKDAYS[index];
    if (!day) {
      throw new ValidationError(`${field}[${i}]: '${String(item)}' is not a day (mon, tue, wed, thu, fri, sat, sun)`, {
        field: `${field}[${i}]`,
        value: item,
      });
    }
    days.add(day);
  });
  return WEEKDAYS.filter((d) => days.has(d));
}

const FULL_DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const DAY_LABELS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function normaliseTimes(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ValidationError(`${field} must list at least one time (HH:MM)`, {
      field,
    });
  }
  const minutes = new Set<number>();
  value.forEach((item, i) => {
    const match = typeof item === 'string' ? /^(\d{1,2}):(\d{2})$/.exec(item.trim()) : null;
    const h = Number(match?.[1]);
    const m = Number(match?.[2]);
    if (!match || h > 23 || m > 59) {
      throw new ValidationError(`${field}[${i}]: '${String(item)}' is not a time (HH:MM)`, {
        field: `${field}[${i}]`,
        value: item,
      });
    }
    minutes.add(h * 60 + m);
  });
  return [...minutes].sort((a, b) => a - b).map(formatMinuteOfDay);
}

function normaliseInterval(value: unknown, field: string): number {
  if (typeof value !== 'number' && typeof value !== 'string') {
    throw new ValidationError(`${field}: required, in seconds or as a duration such as 15m`, { field });
  }
  const seconds = parseDuration(value, field);
  if (seconds < MIN_INTERVAL_SECONDS || seconds > MAX_INTERVAL_SECONDS) {
    throw new ValidationError(`${field}: must be between 60 seconds and 366 days (got ${seconds} s)`, {
      field,
      value,
    });
  }
  return seconds;
}

export function formatMinuteOfDay(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------
// Fire times

/** Lists matching wall-clock times (as UTC milliseconds) in order. */
interface WallPattern {
  timezone: string;
  /** The first matching wall time strictly after `wall`, or null if there is none. */
  nextWall(wall: number): number | null;
  /** Fire at both occurrences of a wall time repeated by a fall-back change. */
  repeatsInOverlap: boolean;
}

interface CompiledCron {
  cron: Cron;
  everyHour: boolean;
}

// Paused, function-less Cron objects hold no timer; about 3 KB each. The cache is keyed
// by expression only because croner runs in UTC here, so the zone never reaches it.
const cronCache = new Map<string, CompiledCron>();
const CRON_CACHE_SIZE = 2_000;

function compiledCron(expression: string): CompiledCron {
  let compiled = cronCache.get(expression);
  if (!compiled) {
    const pattern = new CronPattern(expression);
    compiled = {
      cron: new Cron(expression, { utcOffset: 0, paused: true }),
      everyHour: pattern.hour.every((v) => v !== 0),
    };
    if (cronCache.size >= CRON_CACHE_SIZE) {
      const oldest = cronCache.keys().next().value;
      if (oldest !== undefined) cronCache.delete(oldest);
    }
    cronCache.set(expression, compiled);
  }
  return compiled;
}

function cronWallPattern(expression: string, timezone: string): WallPattern {
  let compiled: CompiledCron;
  try {
    compiled = compiledCron(expression);
  } catch (error) {
    throw new ValidationError(
      `schedule.expression: '${expression}' is not a valid cron expression: ${explainCronError(error)}`,
    );
  }
  return {
    timezone,
    repeatsInOverlap: compiled.everyHour,
    nextWall: (wall) => compiled.cron.nextRun(new Date(wall))?.getTime() ?? null,
  };
}

function weeklyWallPattern(days: readonly Weekday[], times: readonly string[], timezone: string): WallPattern {
  const dayIndexes = new Set(days.map((d) => WEEKDAYS.indexOf(d)));
  const minutes = times
    .map((t) => {
      const [h, m] = t.split(':').map(Number);
      return (h ?? 0) * 60 + (m ?? 0);
    })
    .sort((a, b) => a - b);
  return {
    timezone,
    repeatsInOverlap: false,
    nextWall(wall) {
      const firstDay = Math.floor(wall / DAY);
      for (let d = firstDay; d <= firstDay + 7; d += 1) {
        // 1970-01-01 (day 0) was a Thursday, index 3 when Monday is 0.
        if (!dayIndexes.has((((d + 3) % 7) + 7) % 7)) continue;
        for (const m of minutes) {
          const candidate = d * DAY + m * MINUTE;
          if (candidate > wall) return candidate;
        }
      }
      return null;
    },
  };
}

/** The real instants at which a wall time fires, applying the DST rules above. */
function firesForWall(wall: number, pattern: WallPattern): number[] {
  // Offsets a day either side bracket any single transition that could affect `wall`.
  const before = offsetProbe(wall - DAY, pattern.timezone);
  const after = offsetProbe(wall + DAY, pattern.timezone);
  if (before === after) return [wall - before];
  const valid = [...new Set([wall - before, wall - after])]
    .filter((t) => wallMs(t, pattern.timezone) === wall)
    .sort((a, b) => a - b);
  if (valid.length === 0) return [wall - before]; // in the gap: shift forward by its length
  return pattern.repeatsInOverlap ? valid : valid.slice(0, 1);
}

function nextZonedFire(pattern: WallPattern, afterMs: number): number | null {
  const tz = pattern.timezone;
  // Wall times below the current reading can still fire later: a fall-back change in the
  // coming day repeats them, and a spring-forward change just passed shifts gap times
  // forward. Starting from the lowest offset around `after` covers both.
  const lowest = Math.min(offsetProbe(afterMs - DAY, tz), offsetProbe(afterMs + DAY, tz));
  let best: number | null = null;
  let maxOffset = 0;
  let wall = pattern.nextWall(afterMs + lowest - 1);
  for (let guard = 0; wall !== null && guard < 10_000; guard += 1) {
    // Every instant of this and later wall times is at least wall - maxOffset.
    if (best !== null && wall - maxOffset > best) break;
    for (const t of firesForWall(wall, pattern)) {
      if (t > afterMs && (best === null || t < best)) {
        best = t;
        const before = offsetProbe(t - DAY, tz);
        const after = offsetProbe(t + DAY, tz);
        // No change nearby: later wall times map to later instants, nothing can beat t.
        if (before === after) return best;
        maxOffset = Math.max(before, after);
      }
    }
    wall = pattern.nextWall(wall);
  }
  return best;
}

function wallPatternOf(schedule: Schedule): WallPattern | null {
  switch (schedule.type) {
    case 'cron':
      return cronWallPattern(schedule.expression, schedule.timezone);
    case 'weekly':
      return weeklyWallPattern(schedule.days, schedule.times, schedule.timezone);
    default:
      return null;
  }
}

/**
 * The first fire strictly after `after`; null for manual and automatic schedules.
 * Interval schedules fire at multiples of everySeconds since 1970-01-01T00:00Z: every
 * process computes the same slots, a late run does not make the schedule drift, and DST
 * cannot shift them.
 */
export function nextFireAfter(schedule: Schedule, after: Date): Date | null {
  const afterMs = after.getTime();
  if (Number.isNaN(afterMs)) throw new RangeError('nextFireAfter: invalid date');
  if (schedule.type === 'interval') {
    const step = schedule.everySeconds * 1000;
    if (!(step > 0)) throw new RangeError(`nextFireAfter: everySeconds must be positive`);
    return new Date((Math.floor(afterMs / step) + 1) * step);
  }
  const pattern = wallPatternOf(schedule);
  if (!pattern) return null;
  const next = nextZonedFire(pattern, afterMs);
  return next === null ? null : new Date(next);
}

/** Fires f with from < f ≤ to, oldest first, at most `limit` of them (the earliest). */
export function firesBetween(schedule: Schedule, from: Date, to: Date, limit = 1000): Date[] {
  const fires: Date[] = [];
  const end = to.getTime();
  let cursor: Date | null = from;
  while (fires.length < limit) {
    cursor = nextFireAfter(schedule, cursor);
    if (cursor === null || cursor.getTime() > end) break;
    fires.push(cursor);
  }
  return fires;
}

// ---------------------------------------------------------------------------------------
// Descriptions

/** "Manual", "Every day at 02:00 (Europe/Paris)", "Every 15 minutes", "Cron 0 *\/6 * * 1-5 (UTC)". */
export function describeSchedule(schedule: Schedule): string {
  switch (schedule.type) {
    case 'manual':
      return 'Manual';
    case 'automatic':
      return 'Automatic';
    case 'interval':
      return describeInterval(schedule.everySeconds);
    case 'weekly': {
      const days = WEEKDAYS.filter((d) => schedule.days.includes(d)).map((d) => WEEKDAYS.indexOf(d));
      return `${describeDays(days)} at ${joinWords([...schedule.times].sort())} (${schedule.timezone})`;
    }
    case 'cron':
      return `${describeCron(schedule.expression) ?? `Cron ${schedule.expression}`} (${schedule.timezone})`;
  }
}

function describeInterval(seconds: number): string {
  const units: Array<[number, string]> = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  for (const [size, name] of units) {
    if (seconds % size === 0) {
      const n = seconds / size;
      return n === 1 ? `Every ${name}` : `Every ${n} ${name}s`;
    }
  }
  return `Every ${seconds} seconds`;
}

/** Monday-first day indexes → "Every day", "Every Monday", "Mon–Fri", "Mon, Wed, Fri". */
export function describeDays(days: readonly number[]): string {
  if (days.length === 7) return 'Every day';
  if (days.length === 1) return `Every ${DAY_NAMES[days[0] ?? 0]}`;
  const groups: string[] = [];
  for (let i = 0; i < days.length;) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === (days[j] ?? 0) + 1) j += 1;
    const first = DAY_LABELS[days[i] ?? 0] ?? '';
    const last = DAY_LABELS[days[j] ?? 0] ?? '';
    if (j - i >= 2) groups.push(`${first}–${last}`);
    else for (let k = i; k <= j; k += 1) groups.push(DAY_LABELS[days[k] ?? 0] ?? '');
    i = j + 1;
  }
  return groups.join(', ');
}

export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;
}

/** English month names, January first (also used to write dates the way report e-mails do). */
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** A plain reading of the common cron shapes; null when a literal rendering is clearer. */
function describeCron(expression: string): string | null {
  const fields = (NICKNAME_FIELDS[expression] ?? expression).split(' ');
  if (fields.length !== 5) return null;
  const [min = '', hour = '', dom = '', month = '', dow = ''] = fields;
  const numbers = (f: string, max: number): number[] | null => {
    if (!/^\d+(,\d+)*$/.test(f)) return null;
    const list = [...new Set(f.split(',').map(Number))].sort((a, b) => a - b);
    return list.every((n) => n <= max) ? list : null;
  };
  const step = (f: string): number | null => {
    const match = /^\*\/(\d+)$/.exec(f);
    return match ? Number(match[1]) : null;
  };
  const rest = `${dom} ${month} ${dow}`;
  const minutes = numbers(min, 59);

  if (rest === '* * *') {
    if (min === '*' && hour === '*') return 'Every minute';
    const minuteStep = step(min);
    if (minuteStep !== null && hour === '*') return minuteStep === 1 ? 'Every minute' : `Every ${minuteStep} minutes`;
    const marks = minutes?.map((m) => `:${String(m).padStart(2, '0')}`);
    const hourStep = step(hour);
    if (marks && hour === '*') return `Every hour at ${joinWords(marks)}`;
    if (marks && hourStep !== null && 24 % hourStep === 0) return `Every ${hourStep} hours at ${joinWords(marks)}`;
  }

  const hours = numbers(hour, 23);
  if (!minutes || !hours || minutes.length * hours.length > 6) return null;
  const times = joinWords(hours.flatMap((h) => minutes.map((m) => formatMinuteOfDay(h * 60 + m))));

  if (dom === '*' && month === '*') {
    if (dow === '*') return `Every day at ${times}`;
    const dayToken = /^([0-7]|sun|mon|tue|wed|thu|fri|sat)$/i;
    if (!dow.split(',').every((part) => part.split('-').every((t) => dayToken.test(t)))) return null;
    let sundayFirst: number[];
    try {
      sundayFirst = new CronPattern(`0 0 * * ${dow}`).dayOfWeek.flatMap((v, i) => (v ? [i] : []));
    } catch {
      return null;
    }
    const mondayFirst = sundayFirst.map((d) => (d + 6) % 7).sort((a, b) => a - b);
    return `${describeDays(mondayFirst)} at ${times}`;
  }
  const days = numbers(dom, 31);
  if (dow !== '*' || days?.length !== 1) return null;
  const day = days[0] ?? 1;
  if (month === '*') return `At ${times} on day ${day} of the month`;
  const months = numbers(month, 12);
  if (months?.length === 1 && (months[0] ?? 0) >= 1) {
    return `Every year on ${day} ${MONTH_NAMES[(months[0] ?? 1) - 1] ?? ''} at ${times}`;
  }
  return null;
}
