// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import {
  bytesToBase64,
  chunk,
  detailEntries,
  fileToBase64,
  formatInZone,
  humanizeKey,
  inboxPath,
  isEmlFile,
  MAX_EML_BYTES,
  reparseSummary,
  summarizeImport,
  triageFiles,
} from '../../web/src/features/inbox/inbox-logic.js';

describe('inbox view logic', () => {
  it('asks the API for one page of 50, with the search and the deleted view only when set', () => {
    expect(inboxPath({ page: 1, q: '', deleted: false })).toBe('/api/inbox?page=1&pageSize=50');
    expect(inboxPath({ page: 3, q: '  veeam ', deleted: true })).toBe(
      '/api/inbox?page=3&pageSize=50&q=veeam&deleted=true',
    );
  });

  it('shows received times in the instance time zone, whatever the browser zone', () => {
    const iso = '2025-03-12T23:30:00.000Z';
    expect(formatInZone(iso, 'UTC', 'en-GB')).toContain('23:30');
    expect(formatInZone(iso, 'Europe/Paris', 'en-GB')).toMatch(/13 Mar 2025.*00:30/);
    expect(formatInZone(iso, 'America/New_York', 'en-GB')).toMatch(/12 Mar 2025.*19:30/);
    expect(formatInZone(null, 'UTC')).toBe('—');
    expect(formatInZone('not a date', 'UTC')).toBe('—');
    // An unknown zone falls back to the browser's instead of throwing.
    expect(formatInZone(iso, 'Mars/Olympus', 'en-GB')).toMatch(/2025/);
  });

  it('summarises an upload per outcome, leaving zero counts out', () => {
    expect(summarizeImport([])).toBe('0 files');
    expect(summarizeImport([{ outcome: 'inbox' }])).toBe('1 file: 1 in the Inbox');
    expect(
      summarizeImport([
        { outcome: 'linked' },
        { outcome: 'inbox' },
        { outcome: 'inbox' },
        { outcome: 'duplicate' },
        { outcome: 'rejected' },
      ]),
    ).toBe('5 files: 1 linked to a job, 2 in the Inbox, 1 duplicate, 1 rejected');
    expect(summarizeImport([{ outcome: 'duplicate' }, { outcome: 'duplicate' }])).toBe('2 files: 2 duplicates');
  });

  it('says what Re-parse all did', () => {
    expect(reparseSummary({ reparsed: 12, linked: 3 })).toBe('12 re-parsed, 3 linked');
  });

  it('sends .eml files and refuses other, empty and oversized files locally, in order', () => {
    const f = (name: string, size = 10, type = '') => ({ name, size, type });
    expect(isEmlFile(f('Report.EML'))).toBe(true);
    expect(isEmlFile(f('report', 10, 'message/rfc822'))).toBe(true);
    expect(isEmlFile(f('report.pdf'))).toBe(false);
    const { send, refused } = triageFiles([
      f('a.eml'),
      f('b.txt'),
      f('c.eml', 0),
      f('d.eml', MAX_EML_BYTES + 1),
      f('e.eml', MAX_EML_BYTES),
    ]);
    expect(send.map((x) => x.name)).toEqual(['a.eml', 'e.eml']);
    expect(refused).toEqual([
      { file: 'b.txt', outcome: 'rejected', mailId: null, jobId: null, runId: null, error: 'not an .eml file' },
      expect.objectContaining({ file: 'c.eml', error: 'the file is empty' }),
      expect.objectContaining({ file: 'd.eml', error: 'larger than 25 MiB' }),
    ]);
  });

  it('splits uploads into batches', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 10)).toEqual([]);
  });

  it('encodes files in base64 exactly, also beyond one slice', async () => {
    const text = 'From: veeam@example.com\r\nSubject: [Success] Job\r\n\r\nBody é\r\n';
    expect(await fileToBase64(new Blob([text]))).toBe(Buffer.from(text).toString('base64'));
    const big = new Uint8Array(100_000).map((_, i) => (i * 7) % 256);
    expect(bytesToBase64(big)).toBe(Buffer.from(big).toString('base64'));
  });
});

describe('report details', () => {
  it('labels the parser facts in words, with sizes and durations readable', () => {
    expect(humanizeKey('totalSizeBytes')).toBe('Total size');
    expect(humanizeKey('createdBy')).toBe('Created by');
    expect(humanizeKey('dedupe')).toBe('Dedupe');
    expect(
      detailEntries({ totalSizeBytes: 193273528320, durationSeconds: 1893, processed: '3 of 3', successCount: 3 }),
    ).toEqual([
      { key: 'totalSizeBytes', label: 'Total size', value: '180.0 GiB' },
      { key: 'durationSeconds', label: 'Duration', value: '31m 33s' },
      { key: 'processed', label: 'Processed', value: '3 of 3' },
      { key: 'successCount', label: 'Success count', value: '3' },
    ]);
    expect(detailEntries(null)).toEqual([]);
  });
});
