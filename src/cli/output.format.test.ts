import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDetails,
  formatDuration,
  formatRelative,
  formatTable,
  formatTimestamp,
} from './output.format.js';

describe('formatTable', () => {
  it('pads columns to the widest cell, without trailing blanks', () => {
    const table = formatTable(
      ['ID', 'NAME', 'STATUS'],
      [
        ['1', 'pg-main', 'active'],
        ['12', 'a', ''],
      ],
    );
    expect(table.split('\n')).toEqual(['ID  NAME     STATUS', '1   pg-main  active', '12  a']);
  });

  it('prints only the header for no rows and tolerates short rows', () => {
    expect(formatTable(['A', 'B'], [])).toBe('A  B');
    expect(formatTable(['A', 'B'], [['x']])).toBe('A  B\nx');
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [5 * 1024 ** 2, '5.0 MiB'],
    [123 * 1024 ** 3, '123 GiB'],
    [-2048, '-2.0 KiB'],
  ])('%d → %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it('shows a dash for unknown sizes', () => {
    expect(formatBytes(null)).toBe('-');
    expect(formatBytes(undefined)).toBe('-');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [59_999, '59s'],
    [65_000, '1m 05s'],
    [3_725_000, '1h 02m 05s'],
  ])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('shows a dash for unknown durations', () => expect(formatDuration(null)).toBe('-'));
});

describe('formatRelative', () => {
  const now = new Date('2025-06-01T12:00:00Z');
  it.each([
    ['2025-06-01T11:59:50Z', 'just now'],
    ['2025-06-01T11:55:00Z', '5m ago'],
    ['2025-06-01T14:59:00Z', 'in 3h'],
    ['2025-05-30T12:00:00Z', '2d ago'],
    ['2023-06-01T12:00:00Z', '2y ago'],
  ])('%s → %s', (iso, text) => expect(formatRelative(iso, now)).toBe(text));

  it('shows a dash for no time', () => expect(formatRelative(null, now)).toBe('-'));
});

describe('formatTimestamp and formatDetails', () => {
  it('prints UTC times compactly', () => {
    expect(formatTimestamp('2025-06-01T12:34:56.789Z')).toBe('2025-06-01 12:34:56Z');
    expect(formatTimestamp(null)).toBe('-');
  });

  it('aligns keys', () => {
    expect(
      formatDetails([
        ['ID', '1'],
        ['Name', 'x'],
      ]),
    ).toBe('ID:   1\nName: x');
  });
});
