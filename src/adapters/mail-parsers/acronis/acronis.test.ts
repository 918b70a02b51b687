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
};

describeFixtures('Acronis fixtures', 'acronis', parsers, cases);

describe('Acronis parser stays away from other mails', () => {
  itIgnoresForeignFixtures('acronis', parsers);

  it('needs an Acronis marker, not just a "Backup succeeded" line', () => {
    expect(parsers[0]!.matches(blankMail({ text: 'Backup succeeded\n\nDevice: PC1' }))).toBe(false);
    expect(parsers[0]!.matches(blankMail({ text: 'Your Acronis licence expires in 30 days.' }))).toBe(false);
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
