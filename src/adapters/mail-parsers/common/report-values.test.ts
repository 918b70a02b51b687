import { describe, expect, it } from 'vitest';
import { parseDateTime, parseDuration, parseSize, statusFromWord, timeOnDay, worstStatus } from './report-values.js';
import { utc } from './fixture-mail.test-support.js';

describe('statusFromWord', () => {
  it.each([
    ['Success', 'success'],
    ['Succeeded', 'success'],
    ['Completed', 'success'],
    ['OK', 'success'],
    ['Erfolgreich', 'success'],
    ['Réussi', 'success'],
    ['Sauvegarde réussie', 'success'],
    ['Warning', 'warning'],
    ['Warnung', 'warning'],
    ['Avertissement', 'warning'],
    ['Completed with warnings', 'warning'],
    ['Backup succeeded with warnings', 'warning'],
    ['Partially completed', 'warning'],
    ['Failed', 'failed'],
    ['Error', 'failed'],
    ['Fehler', 'failed'],
    ['Fehlgeschlagen', 'failed'],
    ['Échec', 'failed'],
    ['Échoué', 'failed'],
    ['Completed with errors', 'failed'],
  ])('%s → %s', (word, status) => {
    expect(statusFromWord(word)).toBe(status);
  });

  it('knows nothing about unrelated words', () => {
    expect(statusFromWord('Information')).toBeNull();
    expect(statusFromWord('')).toBeNull();
    expect(statusFromWord(null)).toBeNull();
  });

  it('picks the worst status', () => {
    expect(worstStatus('success', null, 'warning')).toBe('warning');
    expect(worstStatus('warning', 'failed', 'success')).toBe('failed');
    expect(worstStatus()).toBeNull();
  });
});

describe('parseDateTime', () => {
  it.each([
    ['2024-01-15 22:00:12', '2024-01-15 22:00:12'],
    ['2024/01/15 01:00:02', '2024-01-15 01:00:02'],
    ['15.01.2024 21:00:12', '2024-01-15 21:00:12'],
    ['1/15/2024 9:00:12 PM', '2024-01-15 21:00:12'],
    ['12/1/2024 12:05:00 AM', '2024-12-01 00:05:00'],
    ['15/01/2024 22:00:12', '2024-01-15 22:00:12'],
    ['05/01/2024 22:00', '2024-01-05 22:00:00'],
    ['Monday, 15 January 2024 22:00:12', '2024-01-15 22:00:12'],
    ['Tuesday, January 16, 2024 10:00:05 PM', '2024-01-16 22:00:05'],
    ['Montag, 15. Januar 2024 21:00:04', '2024-01-15 21:00:04'],
    ['lundi 15 janvier 2024 23:00:03', '2024-01-15 23:00:03'],
    ['1er février 2024 08:15', '2024-02-01 08:15:00'],
    ['Mon, 15 Jan 2024 at 22:00:05', '2024-01-15 22:00:05'],
    ['Jan 15, 2024, 10:00:05 PM', '2024-01-15 22:00:05'],
  ])('%s', (text, want) => {
    expect(parseDateTime(text)).toBe(utc(want));
  });

  it('honours a zone written after the time', () => {
    expect(parseDateTime('Mon, 15 Jan 2024 at 22:00:05 (UTC+01:00)')).toBe(utc('2024-01-15 21:00:05'));
    expect(parseDateTime('2024-01-15 22:00:05 -0500')).toBe(utc('2024-01-16 03:00:05'));
    // Windows event messages: left-to-right marks, nanoseconds, Z.
    expect(parseDateTime('\u200e2024\u200e-\u200e01\u200e-\u200e15T20:00:12.534000000Z')).toBe(
      utc('2024-01-15 20:00:12') + 534,
    );
  });

  it('returns null for text without a valid date, never throws', () => {
    for (const text of [
      '',
      'n/a',
      '22:00:12',
      '31.02.2024 10:00',
      '2024-13-01 10:00',
      '25:61',
      'Tuesday',
      '99/99/2024',
    ]) {
      expect(parseDateTime(text)).toBeNull();
    }
    expect(parseDateTime(undefined)).toBeNull();
  });

  it('places a bare time on the session day and rolls past midnight', () => {
    const day = utc('2024-01-17 00:00:00');
    expect(timeOnDay('23:30:00', day, null)).toBe(utc('2024-01-17 23:30:00'));
    expect(timeOnDay('00:12:40', day, utc('2024-01-17 23:30:00'))).toBe(utc('2024-01-18 00:12:40'));
    expect(timeOnDay('later', day, null)).toBeNull();
    expect(timeOnDay('22:00', null, null)).toBeNull();
  });
});

describe('parseSize and parseDuration', () => {
  it.each([
    ['180 GB', 180 * 1024 ** 3],
    ['12.4 GB', Math.round(12.4 * 1024 ** 3)],
    ['12,4 GB', Math.round(12.4 * 1024 ** 3)],
    ['1,234.5 MB', Math.round(1234.5 * 1024 ** 2)],
    ['830 KB', 830 * 1024],
    ['0 B', 0],
    ['3,2 Go', Math.round(3.2 * 1024 ** 3)],
    ['1.5 TiB', Math.round(1.5 * 1024 ** 4)],
  ])('size %s', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it('has no size for text without a unit', () => {
    expect(parseSize('1.9x')).toBeNull();
    expect(parseSize('')).toBeNull();
  });

  it.each([
    ['0:31:33', 1893],
    ['1.02:03:04', 93784],
    ['00:42:17.1234567', 2537],
    ['24 min 28 sec', 1468],
    ['14 Minutes 30 Seconds', 870],
    ['1 hour(s) 2 minute(s)', 3720],
    ['1 Std. 5 Min.', 3900],
    ['2 heures 3 minutes', 7380],
  ])('duration %s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it('has no duration for text without one', () => {
    expect(parseDuration('soon')).toBeNull();
  });
});
