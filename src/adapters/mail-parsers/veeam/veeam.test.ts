import { describe, expect, it } from 'vitest';
import type { ReportObject } from '../../../core/mail-report.js';
import { parsers } from './index.js';
import {
  blankMail,
  describeFixtures,
  type ExpectedReport,
  itIgnoresForeignFixtures,
  loadFixture,
} from '../common/fixture-mail.test-support.js';

const vm = (name: string, status: ReportObject['status'], message: string | null = null): ReportObject => ({
  name,
  type: 'VM',
  status,
  message,
});

const GB = 1024 ** 3;

const cases: Record<string, ExpectedReport> = {
  'br-backup-success.eml': {
    parser: 'veeam-br',
    software: 'Veeam Backup & Replication',
    type: 'Backup Job',
    jobName: 'Daily VMs',
    status: 'success',
    objects: [vm('DC01', 'success'), vm('FS01', 'success'), vm('SQL01', 'success')],
    startedAt: '2024-01-15 22:00:12',
    endedAt: '2024-01-15 22:31:45',
    details: {
      processed: '3 of 3',
      totalSizeBytes: 180 * GB,
      backupSizeBytes: Math.round(12.4 * GB),
      dataReadBytes: Math.round(24.6 * GB),
      transferredBytes: Math.round(11.8 * GB),
      durationSeconds: 31 * 60 + 33,
      dedupe: '1.9x',
      compression: '2.1x',
      createdBy: 'CONTOSO\\administrator',
      version: '12.1.1.56',
    },
    message: null,
  },
  'br-backup-warning.eml': {
    parser: 'veeam-br',
    software: 'Veeam Backup & Replication',
    type: 'Backup Job',
    jobName: 'Web Servers',
    status: 'warning',
    objects: [
      vm('WEB01', 'success'),
      vm('WEB02', 'warning', 'Changed block tracking cannot be enabled: one or more snapshots present'),
      vm('WEB03', 'success'),
    ],
    // en-US regional settings: 12-hour clock.
    startedAt: '2024-01-16 22:00:05',
    endedAt: '2024-01-16 22:48:17',
    details: { warningCount: 1, version: '12.0.0.1420' },
    message: 'WEB02: Changed block tracking cannot be enabled: one or more snapshots present',
  },
  'br-backup-failed.eml': {
    parser: 'veeam-br',
    software: 'Veeam Backup & Replication',
    type: 'Backup Job',
    jobName: 'File Servers',
    status: 'failed',
    objects: [
      vm(
        'FS02',
        'failed',
        'Error: Failed to create VM snapshot. Error: An error occurred while saving the snapshot: Failed to quiesce the virtual machine.',
      ),
      vm('FS03', 'success'),
    ],
    // The job ran past midnight: the bare end time belongs to the next day.
    startedAt: '2024-01-17 23:30:00',
    endedAt: '2024-01-18 00:12:40',
    details: { errorCount: 1, totalSizeBytes: 2 * 1024 * GB, durationSeconds: 42 * 60 + 40 },
    message:
      'FS02: Error: Failed to create VM snapshot. Error: An error occurred while saving the snapshot: Failed to quiesce the virtual machine.',
  },
  'br-backup-copy.eml': {
    parser: 'veeam-br',
    software: 'Veeam Backup & Replication',
    type: 'Backup Copy Job',
    jobName: 'Offsite Copy',
    status: 'success',
    objects: [vm('DC01', 'success'), vm('SQL01', 'success')],
    startedAt: '2024-01-16 06:00:02',
    endedAt: '2024-01-16 06:42:07',
    details: { createdBy: 'CONTOSO\\svc-veeam', transferredBytes: Math.round(6.1 * GB) },
    message: null,
  },
  'br-replication.eml': {
    parser: 'veeam-br',
    software: 'Veeam Backup & Replication',
    type: 'Replication Job',
    jobName: 'Réplication comptabilité',
    status: 'success',
    objects: [vm('SRV-COMPTA01', 'success'), vm('SRV-COMPTA-SQL', 'success')],
    // fr-FR regional settings: "lundi 15 janvier 2024", decimal commas in sizes.
    startedAt: '2024-01-15 23:00:03',
    endedAt: '2024-01-15 23:19:58',
    details: { dataReadBytes: Math.round(9.8 * GB), transferredBytes: Math.round(4.6 * GB), backupSizeBytes: 0 },
    message: null,
  },
  'br-backup-de.eml': {
    parser: 'veeam-br',
    software: 'Veeam Backup & Replication',
    type: 'Backup Job',
    jobName: 'Sicherung Büro-Server',
    status: 'success',
    objects: [vm('BUERO-DC', 'success'), vm('BUERO-FS', 'success')],
    // de-DE regional settings: "Montag, 15. Januar 2024", "12,4 GB".
    startedAt: '2024-01-15 21:00:04',
    endedAt: '2024-01-15 21:38:31',
    details: { backupSizeBytes: Math.round(12.4 * GB), createdBy: 'BUERO\\Administrator', version: '12.1.2.172' },
    message: null,
  },
  'config-backup-warning.eml': {
    parser: 'veeam-config-backup',
    software: 'Veeam Backup & Replication',
    type: 'Configuration Backup',
    jobName: 'Backup Configuration Job',
    status: 'warning',
    objects: [
      {
        name: 'VBR01.contoso.local',
        type: 'Server',
        status: 'warning',
        message:
          'Configuration backup is not encrypted. Passwords for credentials and cloud accounts will not be backed up.',
      },
    ],
    startedAt: '2024-01-15 10:00:04',
    endedAt: '2024-01-15 10:01:12',
    details: {
      server: 'VBR01.contoso.local',
      dataSizeBytes: Math.round(84.3 * 1024 ** 2),
      backupSizeBytes: Math.round(14.1 * 1024 ** 2),
      durationSeconds: 68,
      repository: 'Default Backup Repository',
    },
    message:
      'Configuration backup is not encrypted. Passwords for credentials and cloud accounts will not be backed up.',
  },
  'agent-windows-success.eml': {
    parser: 'veeam-agent-windows',
    software: 'Veeam Agent for Microsoft Windows',
    type: 'Agent Backup Job',
    jobName: 'Backup Job SRV-APP01',
    status: 'success',
    objects: [{ name: 'SRV-APP01', type: 'Computer', status: 'success', message: null }],
    startedAt: '2024-01-20 01:00:03',
    endedAt: '2024-01-20 01:07:49',
    details: { version: '6.1.0.349', durationSeconds: 7 * 60 + 46 },
    message: null,
  },
  'agent-linux-failed.eml': {
    parser: 'veeam-agent-linux',
    software: 'Veeam Agent for Linux',
    type: 'Agent Backup Job',
    jobName: 'Backup Job SRV-WEB01',
    status: 'failed',
    objects: [
      {
        name: 'SRV-WEB01',
        type: 'Computer',
        status: 'failed',
        message:
          '[error] Failed to create volume snapshot.\n[error] Snapshot storage is full: /dev/sda2 (blksnap).\n[error] Processing finished with errors.',
      },
    ],
    startedAt: '2024-01-18 02:00:01',
    endedAt: '2024-01-18 02:05:32',
    details: { errorCount: 1, durationSeconds: 331, version: '6.0.3.1221' },
    message:
      'SRV-WEB01: [error] Failed to create volume snapshot.\n[error] Snapshot storage is full: /dev/sda2 (blksnap).\n[error] Processing finished with errors.',
  },
};

describeFixtures('Veeam fixtures', 'veeam', parsers, cases);

describe('Veeam parsers stay away from other mails', () => {
  itIgnoresForeignFixtures('veeam', parsers);

  it('does not take a generic "[Success] ..." mail', () => {
    const mail = blankMail({
      subject: '[Success] Nightly rsync (3 machines)',
      text: 'All done.',
      html: '<p>All done.</p>',
    });
    expect(parsers.some((p) => p.matches(mail))).toBe(false);
  });

  it('does not take other Veeam mails without a job header (e.g. a SOBR report)', () => {
    const mail = blankMail({
      subject: 'Scale-out Backup Repository SOBR-01',
      html: '<table><tr><td>Performance Tier</td><td>Used Space</td></tr></table><p>Veeam Backup &amp; Replication 12.1.1.56</p>',
    });
    expect(parsers.some((p) => p.matches(mail))).toBe(false);
  });
});

describe('Veeam robustness', () => {
  it('gives null times, not an exception, when the times are unreadable', async () => {
    const mail = await loadFixture('veeam', 'br-backup-success.eml');
    const html = (mail.html ?? '')
      .replace('Monday, 15 January 2024 22:00:12', 'sometime on Monday')
      .replace(/>22:00:12</g, '>n/a<')
      .replace(/>22:31:45</g, '>later<');
    const report = parsers.find((p) => p.name === 'veeam-br')!.parse({ ...mail, html });
    expect(report.startedAt).toBeNull();
    expect(report.endedAt).toBeNull();
    expect(report.status).toBe('success');
  });

  it('falls back to the subject for the result and job name when the header is missing', async () => {
    const mail = await loadFixture('veeam', 'br-backup-warning.eml');
    const html = (mail.html ?? '')
      .replace('Backup job: Web Servers', 'Backup job: ')
      .replace(/>Warning<div/, '>&nbsp;<div');
    const report = parsers.find((p) => p.name === 'veeam-br')!.parse({ ...mail, html });
    expect(report.jobName).toBe('Web Servers');
    expect(report.status).toBe('warning');
  });
});
