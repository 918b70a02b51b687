import type { ReportStatus } from '../../../core/mail-report.js';

/**
 * Turning the words and numbers of backup reports into data: statuses in English, German and
 * French, sizes, durations and dates in the formats that Windows, DSM and web consoles print.
 * Shared by the parser folders. Every function returns null for text it cannot read; none of
 * them throws.
 */

/** Values are table cells and short lines; longer text is cut before any searching. */
const MAX_FIELD = 400;

// Letters of any script count as word characters, so "échec" and "Fehler" get proper boundaries.
const word = (alternatives: string): RegExp =>
  new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, 'iu');

const FAILED_WORDS = word(
  'fail(?:ed|ure|s)?|errors?|fehler|fehlgeschlagen|abgebrochen|échec|echec|échouée?|echouee?|erreurs?|stopped|aborted|cancell?ed|annulée?',
);
const WARNING_WORDS = word('warn(?:ing|ings)?|warnung(?:en)?|avertissements?|partial(?:ly)?|teilweise|partiellement');
const SUCCESS_WORDS = word(
  'success(?:ful(?:ly)?)?|succeeded|completed?|ok|erfolgreich|abgeschlossen|réussie?|reussie?|succès|succes|terminée?',
);

/**
 * The status a report word or short phrase stands for. Failure words win over warning words and
 * warning words over success words, so "Completed with warnings" is a warning and "Succeeded with
 * errors" a failure. Meant for status cells and headlines, not for free text.
 */
export function statusFromWord(text: string | null | undefined): ReportStatus | null {
  if (!text) return null;
  text = text.slice(0, MAX_FIELD);
  if (FAILED_WORDS.test(text)) return 'failed';
  if (WARNING_WORDS.test(text)) return 'warning';
  if (SUCCESS_WORDS.test(text)) return 'success';
  return null;
}

const STATUS_RANK: Readonly<Record<ReportStatus, number>> = { success: 0, warning: 1, failed: 2 };

/** The worse of the statuses given (nulls ignored); null when none is known. */
export function worstStatus(...statuses: (ReportStatus | null | undefined)[]): ReportStatus | null {
  let worst: ReportStatus | null = null;
  for (const s of statuses) if (s && (worst === null || STATUS_RANK[s] > STATUS_RANK[worst])) worst = s;
  return worst;
}

const UNIT_POWER: Readonly<Record<string, number>> = {
  b: 0,
  byte: 0,
  bytes: 0,
  octet: 0,
  octets: 0,
  o: 0,
  kb: 1,
  kib: 1,
  ko: 1,
  mb: 2,
  mib: 2,
  mo: 2,
  gb: 3,
  gib: 3,
  go: 3,
  tb: 4,
  tib: 4,
  to: 4,
  pb: 5,
  pib: 5,
};

/** "1.234,5" (German) and "1,234.5" (English) both read as 1234.5; a lone comma is a decimal comma. */
function readNumber(raw: string): number | null {
  let s = raw.replace(/[\s'’]/g, '');
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    s = lastComma > lastDot ? s.replace(/\./g, '').replace(',', '.') : s.replace(/,/g, '');
  } else if (lastComma >= 0) {
    s = (s.match(/,/g) ?? []).length > 1 ? s.replace(/,/g, '') : s.replace(',', '.');
  }
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/**
 * Bytes from a size such as "12.4 GB", "1,5 GB", "830 MB" or "3 Go". Backup products print binary
 * units with decimal names, so 1 GB here is 1024³ bytes.
 */
export function parseSize(text: string | null | undefined): number | null {
  if (!text) return null;
  const m = /(\d[\d.,'’\s]*?)\s*(bytes?|octets?|[kmgtp]i?b|[kmgt]o|b|o)(?![\p{L}])/iu.exec(text.slice(0, MAX_FIELD));
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  const value = readNumber(m[1]);
  const power = UNIT_POWER[m[2].toLowerCase()];
  if (value === null || power === undefined) return null;
  return Math.round(value * 1024 ** power);
}

const DURATION_UNITS: readonly [RegExp, number][] = [
  [/^(?:d|days?|day\(s\)|tage?n?|tag\(e\)|jours?|j)$/, 86400],
  [/^(?:h|hrs?|hours?|hour\(s\)|std|stunden?|stunde\(n\)|heures?)$/, 3600],
  [/^(?:m|mins?|minutes?|minute\(s\)|minuten?|minute\(n\))$/, 60],
  [/^(?:s|secs?|seconds?|second\(s\)|sek|sekunden?|sekunde\(n\)|secondes?)$/, 1],
];

/**
 * Seconds from "0:31:33", "1.02:03:04", "00:42:17.1234567" (a .NET TimeSpan) or from words such as
 * "24 min 28 sec", "14 Minutes 30 Seconds", "1 Std. 5 Min." or "2 heures 3 minutes".
 */
export function parseDuration(text: string | null | undefined): number | null {
  if (!text) return null;
  text = text.slice(0, MAX_FIELD);
  const clock = /(?:(\d+)[.:])?(\d{1,3}):(\d{2}):(\d{2})(?:[.,]\d+)?/.exec(text);
  if (clock) {
    const [, days, h, m, s] = clock;
    return Number(days ?? 0) * 86400 + Number(h) * 3600 + Number(m) * 60 + Number(s);
  }
  let total = 0;
  let found = false;
  for (const m of text.toLowerCase().matchAll(/(\d+(?:[.,]\d+)?)\s*([a-zäöüé()]+)\.?/gu)) {
    const unit = DURATION_UNITS.find(([re]) => re.test(m[2] ?? ''));
    const value = readNumber(m[1] ?? '');
    if (unit && value !== null) {
      total += value * unit[1];
      found = true;
    }
  }
  return found ? Math.round(total) : null;
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  january: 1,
  januar: 1,
  jänner: 1,
  janvier: 1,
  janv: 1,
  feb: 2,
  february: 2,
  februar: 2,
  février: 2,
  fevrier: 2,
  févr: 2,
  fevr: 2,
  mar: 3,
  march: 3,
  märz: 3,
  maerz: 3,
  mrz: 3,
  mars: 3,
  apr: 4,
  april: 4,
  avril: 4,
  avr: 4,
  may: 5,
  mai: 5,
  jun: 6,
  june: 6,
  juni: 6,
  juin: 6,
  jul: 7,
  july: 7,
  juli: 7,
  juillet: 7,
  juil: 7,
  aug: 8,
  august: 8,
  août: 8,
  aout: 8,
  sep: 9,
  sept: 9,
  september: 9,
  septembre: 9,
  oct: 10,
  october: 10,
  okt: 10,
  oktober: 10,
  octobre: 10,
  nov: 11,
  november: 11,
  novembre: 11,
  dec: 12,
  december: 12,
  dez: 12,
  dezember: 12,
  décembre: 12,
  decembre: 12,
  déc: 12,
};

const DAY_MS = 86_400_000;

interface Clock {
  ms: number;
  /** The clock text and what follows it, where a zone may be written. */
  rest: string;
  twelveHour: boolean;
}

/** A time of day (24-hour or with AM/PM) anywhere in the text, in ms after midnight. */
function findClock(text: string): Clock | null {
  const m =
    /(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?!\d)(?:\s*([ap])\.?\s?m\.?(?![\p{L}]))?/iu.exec(text);
  if (!m) return null;
  let hour = Number(m[1]);
  const minute = Number(m[2]);
  const second = Number(m[3] ?? 0);
  const ms = m[4] ? Math.floor(Number(`0.${m[4]}`) * 1000) : 0;
  const meridiem = m[5]?.toLowerCase();
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem === 'p' ? 12 : 0);
  }
  if (hour > 23 || minute > 59 || second > 60) return null;
  return {
    ms: ((hour * 60 + minute) * 60 + second) * 1000 + ms,
    rest: text.slice(m.index + m[0].length),
    twelveHour: meridiem !== undefined,
  };
}

/** A zone written right after the time: "Z", "+01:00", "UTC+1", "(UTC+01:00)", "GMT-0500". In minutes. */
function findOffset(rest: string): number | null {
  const m = /^\s*(?:(z)(?![\p{L}])|\(?\s*(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?\)?)/iu.exec(rest);
  if (!m) return null;
  if (m[1]) return 0;
  if (!m[2]) return null;
  const minutes = Number(m[3]) * 60 + Number(m[4] ?? 0);
  return minutes > 14 * 60 ? null : m[2] === '-' ? -minutes : minutes;
}

interface Ymd {
  y: number;
  m: number;
  d: number;
}

function findDate(text: string, twelveHour: boolean): Ymd | null {
  let m = /(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/.exec(text);
  if (m) return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
  m = /(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)/.exec(text);
  if (m) return { y: Number(m[3]), m: Number(m[2]), d: Number(m[1]) };
  m = /(?<!\d)(\d{1,2})\/(\d{1,2})\/(\d{4})(?!\d)/.exec(text);
  if (m) {
    // "05/01/2024" is ambiguous: a 12-hour clock means a US locale (month first); otherwise the
    // day comes first (en-GB, fr-FR, de-CH...). A part above 12 settles it either way.
    const a = Number(m[1]);
    const b = Number(m[2]);
    const monthFirst = a > 12 ? false : b > 12 ? true : twelveHour;
    return { y: Number(m[3]), m: monthFirst ? a : b, d: monthFirst ? b : a };
  }
  const lower = text.toLowerCase();
  for (const dm of lower.matchAll(
    /(?<!\d)(\d{1,2})(?:\.|er)?[\s-]*(?:de\s+)?([\p{L}]{3,10})\.?,?[\s-]+(\d{4})(?!\d)/gu,
  )) {
    const month = MONTHS[dm[2] ?? ''];
    if (month) return { y: Number(dm[3]), m: month, d: Number(dm[1]) };
  }
  for (const md of lower.matchAll(/([\p{L}]{3,10})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)/gu)) {
    const month = MONTHS[md[1] ?? ''];
    if (month) return { y: Number(md[3]), m: month, d: Number(md[2]) };
  }
  return null;
}

function validDay(date: Ymd): number | null {
  if (date.m < 1 || date.m > 12 || date.d < 1 || date.d > 31 || date.y < 1970 || date.y > 2200) return null;
  const ms = Date.UTC(date.y, date.m - 1, date.d);
  // Date.UTC rolls 31 February over into March; such a date is not a date.
  return new Date(ms).getUTCDate() === date.d ? ms : null;
}

/**
 * Epoch ms from a date and time as reports print them: ISO 8601, "15.01.2024 22:00:12",
 * "1/15/2024 10:00:12 PM", "Monday, 15 January 2024 22:00:12", "Montag, 15. Januar 2024 22:00",
 * "lundi 15 janvier 2024 22:00:12", "Mon, 15 Jan 2024 at 22:00:05 (UTC+01:00)"...
 *
 * Reports print the sender's local time and rarely say which zone that is. The project's rule:
 * a time without a zone is read as UTC (so it shows the wall-clock time the report printed); a
 * zone written right after the time ("Z", "+01:00", "UTC+1") is honoured. Without a time of day
 * the date's midnight is returned.
 */
export function parseDateTime(text: string | null | undefined): number | null {
  if (!text) return null;
  // Windows event messages wrap each part of a date in left-to-right marks. Date fields are
  // short; the cap keeps hostile input from making the searches below expensive.
  const clean = text
    .slice(0, MAX_FIELD)
    .replace(/[\u200e\u200f\u202a-\u202e]/g, '')
    .replace(/[\u00a0\u202f]/g, ' ');
  const clock = findClock(clean);
  const date = findDate(clean, clock?.twelveHour ?? false);
  if (!date) return null;
  const day = validDay(date);
  if (day === null) return null;
  if (!clock) return day;
  const offset = findOffset(clock.rest) ?? 0;
  return day + clock.ms - offset * 60_000;
}

/** Milliseconds after midnight for a bare time of day ("22:00:12", "10:00 PM"), or null. */
export function parseTimeOfDay(text: string | null | undefined): number | null {
  if (!text) return null;
  return findClock(text.slice(0, MAX_FIELD).replace(/[\u200e\u200f]/g, ''))?.ms ?? null;
}

/** Midnight (UTC reading) of the day an epoch-ms time falls on. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/**
 * A report time that may be a full date or just a time of day. A bare time is placed on `day`;
 * when it would fall before `notBefore` (a job that ran past midnight) it moves to the next day.
 */
export function timeOnDay(
  text: string | null | undefined,
  day: number | null,
  notBefore: number | null,
): number | null {
  if (!text) return null;
  const full = parseDateTime(text);
  if (full !== null) return full;
  const tod = parseTimeOfDay(text);
  if (tod === null || day === null) return null;
  let ms = day + tod;
  if (notBefore !== null && ms < notBefore) ms += DAY_MS;
  return ms;
}
