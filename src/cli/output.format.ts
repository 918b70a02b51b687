/**
 * Plain-text formatting for the CLI: tables, relative times, byte sizes and durations.
 * No dependency and no colours, so output stays the same in a terminal, a pipe or a CI log.
 */

/** Renders rows under a header, each column as wide as its widest cell. */
export function formatTable(headers: readonly string[], rows: readonly (readonly (string | null)[])[]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly (string | null)[]): string =>
    // The last column is not padded so lines carry no trailing blanks.
    widths
      .map((width, column) => {
        const cell = cells[column] ?? '';
        return column === widths.length - 1 ? cell : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** 1536 → "1.5 KiB". Binary units, because that is what `ls -lh` and `du -h` show. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '-';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const sign = bytes < 0 ? '-' : '';
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${sign}${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** 65_000 → "1m 05s"; 3_725_000 → "1h 02m 05s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '-';
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (hours > 0) return `${hours}h ${pad(minutes)}m ${pad(seconds)}s`;
  if (minutes > 0) return `${minutes}m ${pad(seconds)}s`;
  return `${seconds}s`;
}

/** "5m ago", "in 3h", "just now"; `now` is a parameter so tests can freeze the clock. */
export function formatRelative(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '-';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const diffSeconds = Math.round((at - now.getTime()) / 1000);
  const abs = Math.abs(diffSeconds);
  if (abs < 45) return 'just now';
  const units: [number, string][] = [
    [365 * 86_400, 'y'],
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
  ];
  const [size, unit] = units.find(([seconds]) => abs >= seconds) ?? [1, 's'];
  const text = `${Math.round(abs / size)}${unit}`;
  return diffSeconds < 0 ? `${text} ago` : `in ${text}`;
}

/** An ISO time as "2025-11-21 06:03:00Z" — compact, unambiguous, sortable. */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return '-';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${at.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Key/value lines for `show` commands, keys aligned. */
export function formatDetails(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...pairs.map(([key]) => key.length)) + 1;
  return pairs.map(([key, value]) => `${`${key}:`.padEnd(width)} ${value}`).join('\n');
}
