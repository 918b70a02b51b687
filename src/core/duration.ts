/**
 * Durations, sizes and rates as people type and read them. Durations are whole seconds
 * because every consumer (timeouts, intervals, retention windows) works at that grain.
 */
import { ValidationError } from './errors.js';

const UNIT_SECONDS = { d: 86_400, h: 3_600, m: 60, s: 1 } as const;
type Unit = keyof typeof UNIT_SECONDS;
const UNIT_ORDER: readonly Unit[] = ['d', 'h', 'm', 's'];

// Units must come largest first and at most once ("1h30m", not "30m1h" or "1h1h"), so a
// typo cannot silently add up to something other than what the user meant.
const DURATION_RE = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const MAX_SECONDS = 100 * 365 * 86_400;

/**
 * Parses "90s", "15m", "2h", "1h30m", "1h 30m", "1d", "3600" or 3600 into seconds.
 * @param field named in the error message, e.g. "timeout".
 */
export function parseDuration(input: string | number, field: string): number {
  const fail = (why: string): never => {
    throw new ValidationError(`${field}: ${why}`, { field, value: input });
  };
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input < 0 || input > MAX_SECONDS) {
      fail(`${String(input)} is not a whole, non-negative number of seconds`);
    }
    return input;
  }
  if (typeof input !== 'string') {
    return fail('must be a duration such as 90s, 15m, 2h, 1h30m or 1d');
  }
  const text = input.trim().toLowerCase().replace(/\s+/g, '');
  if (/^\d+$/.test(text)) return checkRange(Number(text), input, fail);
  const match = text === '' ? null : DURATION_RE.exec(text);
  if (!match || match.slice(1).every((part) => part === undefined)) {
    return fail(`'${input}' is not a duration (use e.g. 90s, 15m, 2h, 1h30m or 1d)`);
  }
  let seconds = 0;
  UNIT_ORDER.forEach((unit, i) => {
    const part = match[i + 1];
    if (part !== undefined) seconds += Number(part) * UNIT_SECONDS[unit];
  });
  return checkRange(seconds, input, fail);
}

function checkRange(seconds: number, input: string, fail: (why: string) => never): number {
  if (!Number.isSafeInteger(seconds) || seconds > MAX_SECONDS) {
    fail(`'${input}' is longer than 100 years`);
  }
  return seconds;
}

/** "1h 30m", "2d 4h", "45s", "2.5s": the two most significant units, for elapsed times. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 0) return `-${formatDuration(-seconds)}`;
  if (seconds < 60 && !Number.isInteger(seconds)) {
    const rounded = Math.round(seconds * 10) / 10;
    if (rounded < 60) return `${rounded}s`;
  }
  let rest = Math.round(seconds);
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const unit of UNIT_ORDER) {
    const size = UNIT_SECONDS[unit];
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count}${unit}`);
    if (parts.length === 2) break;
  }
  // "1h 0m" reads worse than "1h"; drop a trailing zero unit.
  if (parts.length === 2 && parts[1]?.startsWith('0')) parts.pop();
  return parts.join(' ');
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/** Binary units, because that is what disks and `du -h` report: "1.5 MiB", "512 B". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  if (bytes < 0) return `-${formatBytes(-bytes)}`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  // Three significant digits at most: "1.5 MiB", "15.3 MiB", "153 MiB".
  let text = value < 100 ? value.toFixed(1) : value.toFixed(0);
  if (text === '1024') {
    // 1023.96 KiB rounds to "1024 KiB"; say "1 MiB" instead, as the next unit does.
    if (unit < BYTE_UNITS.length - 1) return `1 ${BYTE_UNITS[unit + 1]}`;
  }
  if (text.endsWith('.0')) text = text.slice(0, -2);
  return `${text} ${BYTE_UNITS[unit]}`;
}

/** "12.3 MiB/s". */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}
