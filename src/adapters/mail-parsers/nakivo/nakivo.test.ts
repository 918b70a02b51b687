import { describe, expect, it } from 'vitest';
import type { ReportObject } from '../../../core/mail-report.js';
import {
  blankMail,
  describeFixtures,
  type ExpectedReport,
  itIgnoresForeignFixtures,
  loadFixture,
} from '../common/fixture-mail.test-support.js';
import { parsers } from './index.js';

const base = { parser: 'nakivo-br', software: 'NAKIVO Backup & Replication' } as const;
const vm = (name: string, status: ReportObject['status'], message: string | null = null): ReportObject => ({
  name,
  type: 'VM',
  status,
  message,
});
const GB = 1024 ** 3;

const cases: Record<string, ExpectedReport> = {
  'backup-success.eml': {
    ...base,
    type: 'Backup Job',
    jobName: 'VMware daily backup',
    status: 'success',
    objects: [vm('web-01', 'success'), vm('web-02', 'success'), vm('db-01', 'success')],
    startedAt: '2024-01-15 22:00:05',
    endedAt: '2024-01-15 22:24:36',
    details: {
      jobType: 'Backup job for VMware',
      transferredBytes: Math.round(18.2 * GB),
      durationSeconds: 24 * 60 + 31,
      destination: 'Onboard repository',
      version: '10.11.0.73174',
    },
    message: null,
  },
  'backup-failed.eml': {
    ...base,
    type: 'Backup Job',
    jobName: 'File servers backup',
    status: 'failed',
    objects: [
      vm('fs-01', 'success'),
      vm(
        'fs-02',
        'failed',
        'The VM cannot be processed. Cannot connect to the ESXi host 10.0.0.21: connection timed out.',
      ),
    ],
    startedAt: '2024-01-16 23:00:02',
    endedAt: '2024-01-16 23:31:57',
    details: { transferredBytes: Math.round(22.4 * GB), durationSeconds: 31 * 60 + 55 },
    message: 'fs-02: The VM cannot be processed. Cannot connect to the ESXi host 10.0.0.21: connection timed out.',
  },
  'replication-warning.eml': {
    ...base,
    type: 'Replication Job',
    jobName: 'DR replication to site B',
    status: 'warning',
    objects: [
      vm('app-01', 'success'),
      vm(
        'app-02',
        'warning',
        'App-aware mode failed: VMware Tools are not running. The VM was replicated in crash-consistent mode.',
      ),
    ],
    startedAt: '2024-01-17 01:00:00',
    endedAt: '2024-01-17 01:17:33',
    details: { jobType: 'Replication job for VMware', destination: 'esxi-b01.siteb.contoso.local' },
    message:
      'app-02: App-aware mode failed: VMware Tools are not running. The VM was replicated in crash-consistent mode.',
  },
  'backup-hyperv-de.eml': {
    ...base,
    type: 'Backup Job',
    jobName: 'Nachtsicherung Büro Hyper-V',
    status: 'success',
    objects: [vm('BUERO-DC', 'success'), vm('BUERO-APP', 'success')],
    // "21:00:03 (UTC+01:00)".
    startedAt: '2024-01-16 20:00:03',
    endedAt: '2024-01-16 20:12:48',
    details: { jobType: 'Backup job for Microsoft Hyper-V', version: '10.10.1.72817' },
    message: null,
  },
};

describeFixtures('NAKIVO fixtures', 'nakivo', parsers, cases);

describe('NAKIVO parser stays away from other mails', () => {
  itIgnoresForeignFixtures('nakivo', parsers);

  it('ignores other NAKIVO mails (licence, alarms)', () => {
    const mail = blankMail({
      subject: 'NAKIVO Backup & Replication: license expires soon',
      html: '<p>Your NAKIVO Backup &amp; Replication license expires in 14 days.</p>',
    });
    expect(parsers.some((p) => p.matches(mail))).toBe(false);
  });
});

describe('NAKIVO robustness', () => {
  it('reads the plain-text part alone and survives unreadable times', async () => {
    const mail = await loadFixture('nakivo', 'backup-success.eml');
    const text = mail.text.replace('Mon, 15 Jan 2024 at 22:00:05', 'soon').replace('Mon, 15 Jan 2024 at 22:24:36', '?');
    const report = parsers[0]!.parse({ ...mail, html: null, text });
    expect(report).toMatchObject({
      jobName: 'VMware daily backup',
      status: 'success',
      type: 'Backup Job',
      startedAt: null,
      endedAt: null,
    });
  });
});
