import { describe, expect, it } from 'vitest';
import {
  blankMail,
  describeFixtures,
  type ExpectedReport,
  itIgnoresForeignFixtures,
} from '../common/fixture-mail.test-support.js';
import { parsers } from './index.js';

const base = { parser: 'acronis-cyber-protect', software: 'Acronis Cyber Protect', type: 'Backup' } as const;
const GB = 1024 ** 3;

const cases: Record<string, ExpectedReport> = {
  'success-en.eml': {
    ...base,
    jobName: 'Entire machine to NAS',
    status: 'success',
    objects: [{ name: 'SRV-DC01', type: 'Machine', status: 'success', message: null }],
    // US console: "01/15/2024 10:00:05 PM".
    startedAt: '2024-01-15 22:00:05',
    endedAt: '2024-01-15 22:24:33',
    details: {
      device: 'SRV-DC01',
      location: '\\\\nas01\\backup\\acronis',
      backupSizeBytes: Math.round(3.2 * GB),
      durationSeconds: 24 * 60 + 28,
    },
    message: null,
  },
  'failed-en.eml': {
    ...base,
    jobName: 'SQL Server nightly',
    status: 'failed',
    objects: [
      {
        name: 'SQL-PROD02',
        type: 'Machine',
        status: 'failed',
        message: 'Failed to create a volume snapshot. The VSS writer "SqlServerWriter" failed with error 0x800423f4.',
      },
    ],
    // The console printed the zone: "10:00:05 PM (UTC+01:00)" is 21:00:05 UTC.
    startedAt: '2024-01-16 21:00:05',
    endedAt: '2024-01-16 21:02:41',
    details: { errorCode: '0x00040038+0x000101F5', durationSeconds: 156 },
    message: 'Failed to create a volume snapshot. The VSS writer "SqlServerWriter" failed with error 0x800423f4.',
  },
  'warning-de.eml': {
    ...base,
    jobName: 'Tägliche Sicherung Büro',
    status: 'warning',
    objects: [
      {
        name: 'BUERO-PC07',
        type: 'Machine',
        status: 'warning',
        message:
          'Einige Dateien wurden übersprungen, da sie von einem anderen Prozess gesperrt sind: C:\\Users\\mueller\\AppData\\Local\\Microsoft\\Outlook\\mueller@buero-mueller.de.ost',
      },
    ],
    startedAt: '2024-01-15 19:00:03',
    endedAt: '2024-01-15 19:41:17',
    details: {
      backupSizeBytes: Math.round(12.6 * GB),
      durationSeconds: 41 * 60 + 14,
      product: 'Acronis Cyber Protect 16',
    },
    message:
      'Einige Dateien wurden übersprungen, da sie von einem anderen Prozess gesperrt sind: C:\\Users\\mueller\\AppData\\Local\\Microsoft\\Outlook\\mueller@buero-mueller.de.ost',
  },
  'failed-fr.eml': {
    ...base,
    jobName: 'Sauvegarde comptabilité',
    status: 'failed',
    objects: [
      {
        name: 'SRV-COMPTA',
        type: 'Machine',
        status: 'failed',
        message:
          "L'emplacement de sauvegarde n'est pas accessible : \\\\nas-compta\\sauvegardes. Vérifiez les informations d'identification.",
      },
    ],
    // French console: "16/01/2024 21:00:02" (day first).
    startedAt: '2024-01-16 21:00:02',
    endedAt: '2024-01-16 21:00:47',
    details: { device: 'SRV-COMPTA', durationSeconds: 45 },
    message:
      "L'emplacement de sauvegarde n'est pas accessible : \\\\nas-compta\\sauvegardes. Vérifiez les informations d'identification.",
  },
  'cyber-backup-success-text.eml': {
    ...base,
    jobName: 'Daily files backup',
    status: 'success',
    objects: [{ name: 'WS-ACCOUNTING', type: 'Machine', status: 'success', message: null }],
    // "18:00:02 (UTC+01:00)".
    startedAt: '2024-01-15 17:00:02',
    endedAt: '2024-01-15 17:03:47',
    details: { backupSizeBytes: 830 * 1024 ** 2, location: 'Cloud storage', product: 'Acronis Cyber Backup 12.5' },
    message: null,
  },
  // Cyber Protect Cloud alerts: the facts are in the subject, the body has no times.
  'cloud-failed-machine.eml': {
    ...base,
    jobName: 'NAS backup',
    status: 'failed',
    objects: [
      {
        name: 'DENTAL-PC04',
        type: 'Machine',
        status: 'failed',
        message: 'Cannot connect to the machine where network share is located.',
      },
    ],
    startedAt: null,
    endedAt: null,
    details: { device: 'DENTAL-PC04', group: 'Example IT Services > Example Dental', account: 'admin-dental' },
    message: 'Cannot connect to the machine where network share is located.',
  },
  'cloud-succeeded-resource.eml': {
    ...base,
    // The plan name keeps its own brackets.
    jobName: 'SharePoint sites to Cloud storage (4)',
    status: 'success',
    objects: [{ name: 'Kanzlei Müller', type: 'Resource', status: 'success', message: null }],
    startedAt: null,
    endedAt: null,
    details: { device: 'Kanzlei Müller', group: 'Kanzlei Müller', account: 'Kanzlei Müller' },
    message: null,
  },
  'cloud-warnings-resource.eml': {
    ...base,
    jobName: 'Microsoft Teams to Cloud storage (6)',
    status: 'warning',
    objects: [
      {
        name: 'Cabinet Dupré',
        type: 'Resource',
        status: 'warning',
        message: 'Some items were skipped during the backup. Check the activity details for the list of skipped items.',
      },
    ],
    startedAt: null,
    endedAt: null,
    details: { device: 'Cabinet Dupré', group: 'Example IT Services > Cabinet Dupré', account: 'Cabinet Dupré' },
    message: 'Some items were skipped during the backup. Check the activity details for the list of skipped items.',
  },
};

describeFixtures('Acronis fixtures', 'acronis', parsers, cases);

describe('Acronis parser stays away from other mails', () => {
  itIgnoresForeignFixtures('acronis', parsers);

  it('needs an Acronis marker, not just a "Backup succeeded" line', () => {
    expect(parsers[0]!.matches(blankMail({ text: 'Backup succeeded\n\nDevice: PC1' }))).toBe(false);
    expect(parsers[0]!.matches(blankMail({ text: 'Your Acronis licence expires in 30 days.' }))).toBe(false);
  });
});

describe('Acronis Cyber Protect Cloud subjects', () => {
  const cloudMail = (subject: string, html: string) =>
    blankMail({ from: 'noreply-abc@cloud.acronis.com', subject, html, text: '' });

  it('refuses the daily status report, which lists active alerts rather than one backup', () => {
    const mail = cloudMail(
      'DAILY STATUS REPORT ON Jan 16, 2024, 4:40:25 PM (group: Example Dental) (Critical: 1, Error: 0, Warning: 0, Information: 0)',
      '<p>Critical</p><p>Backup failed</p><p>Jan 16, 2024, 9:02:31 PM</p><p>Cannot connect to the machine where network share is located.</p><p>Device</p><p>DENTAL-PC04</p>',
    );
    expect(parsers[0]!.matches(mail)).toBe(true);
    expect(() => parsers[0]!.parse(mail)).toThrow(/daily status report/);
  });

  it('recognises a re-branded sender by the subject shape and falls back to the subject result', () => {
    const mail = blankMail({
      from: 'backup@msp.example.net',
      subject: 'BACKUP FAILED (group: Client)(backup account: op)(machine: PC-7)(plan: Files (daily))',
      html: '<p>Backup failed</p><p>PC-7</p><p>The cloud storage is temporarily unavailable.</p><p>Show details</p><p>Plan name</p><p>Files (daily)</p>',
    });
    expect(parsers[0]!.matches(mail)).toBe(true);
    expect(parsers[0]!.parse(mail)).toMatchObject({
      jobName: 'Files (daily)',
      status: 'failed',
      objects: [{ name: 'PC-7', type: 'Machine', status: 'failed' }],
      message: 'The cloud storage is temporarily unavailable.',
      details: { account: 'op', group: 'Client' },
    });
  });

  it('ignores a BACKUP subject without the bracketed facts', () => {
    expect(parsers[0]!.matches(blankMail({ subject: 'BACKUP FAILED on server', text: 'Backup failed\n' }))).toBe(false);
  });
});

describe('Acronis robustness', () => {
  it('gives null times for unreadable dates and keeps the device as job name when the plan is missing', () => {
    const mail = blankMail({
      from: 'noreply-abc@cloud.acronis.com',
      text: 'Backup failed\n\nDevice: NB-17\nStarted: yesterday\nFinished: 99/99/2024 25:00\nError: Disk full\n',
    });
    const report = parsers[0]!.parse(mail);
    expect(report).toMatchObject({
      jobName: 'NB-17',
      status: 'failed',
      startedAt: null,
      endedAt: null,
      message: 'Disk full',
    });
  });
});
