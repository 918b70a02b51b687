/**
 * The number formats Proxmox mails use. Proxmox VE 8 / PBS render sizes as "1.21 GiB" and
 * durations as "1h 2min 3s"; older vzdump mails use "1.21GB" and "00:01:02". Every helper
 * returns null for text it does not understand and never throws.
 */

const BYTE_FACTORS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
  pb: 1024 ** 5,
  pib: 1024 ** 5,
};

/** "1.21 GiB", "512KB", "0 B" → bytes (binary units: vzdump's "GB" is 1024³ too). */
export function parseBytes(text: string | undefined): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGTP]?i?B)\s*$/i.exec(text ?? '');
  if (!m) return null;
  const factor = BYTE_FACTORS[(m[2] ?? '').toLowerCase()];
  if (factor === undefined) return null;
  return Math.round(Number(m[1]) * factor);
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  w: 604800,
  d: 86400,
  h: 3600,
  m: 60,
  min: 60,
  s: 1,
  ms: 0.001,
};

/** "00:01:12", "1h 2min 3s", "44s", "1m 2.5s" → seconds. */
export function parseDuration(text: string | undefined): number | null {
  const t = (text ?? '').trim();
  const clock = /^(\d+):(\d{2}):(\d{2})$/.exec(t);
  if (clock) return Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
  if (!/^(?:\d+(?:\.\d+)?\s*(?:w|d|h|min|ms|m|s)\s*)+$/.test(t)) return null;
  let total = 0;
  for (const part of t.matchAll(/(\d+(?:\.\d+)?)\s*(w|d|h|min|ms|m|s)/g)) {
    total += Number(part[1]) * (DURATION_UNITS[part[2] ?? ''] ?? 0);
  }
  return Math.round(total * 1000) / 1000;
}

/**
 * "2024-03-05 01:00:02" as written in vzdump task logs. The log carries no zone (it is the
 * node's local time); we read it as UTC, as documented in docs/parsers.md.
 */
export function parseLogTime(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Start time of a Proxmox task from its UPID. PBS: UPID:node:pid:pstart:taskid:starttime:type:id:auth:
 * (PVE has no task id field). Hex epoch seconds, so this one is a real UTC instant.
 */
export function upidStart(upid: string | undefined): number | null {
  const fields = (upid ?? '').trim().split(':');
  if (fields[0] !== 'UPID') return null;
  const hex = fields.length >= 10 ? fields[5] : fields[4];
  if (!hex || !/^[0-9A-Fa-f]{8}$/.test(hex)) return null;
  return parseInt(hex, 16) * 1000;
}
