import { describe, expect, it } from 'vitest';
import {
  blankMail,
  describeFixtures,
  type ExpectedReport,
  itIgnoresForeignFixtures,
} from '../common/fixture-mail.test-support.js';
import { parsers } from './index.js';

const hb = { parser: 'synology-hyper-backup', software: 'Synology Hyper Backup', type: 'Backup Task' } as const;
const abb = { parser: 'synology-active-backup', software: 'Synology Active Backup for Business' } as const;
const GB = 1024 ** 3;

const cases: Record<string, ExpectedReport> = {
  'hyper-backup-success-en.eml': {
    ...hb,
    jobName: 'Nightly-C2',
    status: 'success',
    objects: [],
    startedAt: '2024-01-15 01:00:02',
    endedAt: '2024-01-15 01:14:32',
    details: {
      nas: 'NAS01',
      destination: 'Synology C2 Storage (Europe)',
      transferredBytes: Math.round(1.2 * GB),
      durationSeconds: 870,
    },
    message: null,
  },
  'hyper-backup-failed-en.eml': {
    ...hb,
    jobName: 'Offsite-USB',
    status: 'failed',
    objects: [],
    // No end time in the mail: start + "1 Minute(s) 5 Second(s)".
    startedAt: '2024-01-16 02:00:01',
    endedAt: '2024-01-16 02:01:06',
    details: { destination: 'USB Copy (usbshare1)', durationSeconds: 65 },
    message:
      'Unable to back up data because the backup destination is unavailable. Please make sure the destination device is connected and accessible.',
  },
  'hyper-backup-success-de.eml': {
    ...hb,
    jobName: 'Tägliche Sicherung',
    status: 'success',
    objects: [],
    startedAt: '2024-01-15 01:00:03',
    endedAt: '2024-01-15 01:26:47',
    details: { nas: 'NAS-BUERO', transferredBytes: Math.round(5.3 * GB), durationSeconds: 26 * 60 + 44 },
    message: null,
  },
  'hyper-backup-partial-de.eml': {
    ...hb,
    jobName: 'Dokumente-Cloud',
    status: 'warning',
    objects: [],
    startedAt: '2024-01-16 03:00:02',
    endedAt: '2024-01-16 03:41:10',
    details: { destination: 'Synology C2 Storage (Europa)' },
    message:
      'Einige Dateien konnten nicht gesichert werden. Weitere Informationen finden Sie im Protokoll von Hyper Backup.',
  },
  'abb-server-success.eml': {
    ...abb,
    type: 'PC/Server backup',
    jobName: 'SRV-Physical',
    status: 'success',
    objects: [
      { name: 'SRV-APP02', type: 'Device', status: 'success', message: null },
      { name: 'SRV-PRINT01', type: 'Device', status: 'success', message: null },
    ],
    startedAt: '2024-01-15 23:00:01',
    endedAt: '2024-01-15 23:47:39',
    details: { nas: 'NAS01', taskType: 'Physical server' },
    message: null,
  },
  'abb-vm-partial.eml': {
    ...abb,
    type: 'VM backup',
    jobName: 'VM-Nightly',
    // DSM's verdict "partially completed" stays a warning although one VM failed.
    status: 'warning',
    objects: [
      { name: 'APP01', type: 'VM', status: 'success', message: null },
      {
        name: 'APP02',
        type: 'VM',
        status: 'failed',
        message:
          'Failed to create a snapshot of the virtual machine. The operation is not allowed in the current state.',
      },
      { name: 'DB01', type: 'VM', status: 'success', message: null },
    ],
    startedAt: '2024-01-16 01:00:00',
    endedAt: '2024-01-16 01:52:13',
    details: { taskType: 'Virtual machine (VMware vSphere)' },
    message:
      'APP02: Failed to create a snapshot of the virtual machine. The operation is not allowed in the current state.',
  },
  'abb-pc-failed-de.eml': {
    ...abb,
    type: 'PC/Server backup',
    jobName: 'PC-Buchhaltung',
    status: 'failed',
    objects: [
      {
        name: 'BUCHHALTUNG-PC',
        type: 'Device',
        status: 'failed',
        message: 'Das Gerät ist offline oder der Agent ist nicht verbunden.',
      },
    ],
    startedAt: '2024-01-15 12:30:00',
    endedAt: '2024-01-15 12:30:41',
    details: { nas: 'NAS-BUERO', taskType: 'PC' },
    message: 'BUCHHALTUNG-PC: Das Gerät ist offline oder der Agent ist nicht verbunden.',
  },
  // Real format quoted in public mail-monitoring code (see fixtures/SOURCES.md): no table and no
  // task type, a device list, times in minutes with the day first.
  'abb-pc-success-it.eml': {
    ...abb,
    type: 'PC/Server backup',
    jobName: 'BCK-PC-AMMINISTRAZIONE',
    status: 'success',
    objects: [{ name: 'PC-AMMINISTRAZIONE', type: 'Device', status: 'success', message: null }],
    startedAt: '2024-06-17 22:00:00',
    endedAt: '2024-06-17 22:16:00',
    details: { nas: 'NASBACKUP01', transferredBytes: Math.round(14.4 * GB) },
    message: null,
  },
  'abb-pc-failed-it.eml': {
    ...abb,
    type: 'PC/Server backup',
    jobName: 'BCK-Contabilità',
    status: 'failed',
    // The list gives no per-device result, so with two devices neither gets one.
    objects: [
      { name: 'PC-CONTABILITA-01', type: 'Device', status: null, message: null },
      { name: 'PC-CONTABILITA-02', type: 'Device', status: null, message: null },
    ],
    // "03/07/2024" is day first: 3 July.
    startedAt: '2024-07-03 01:00:00',
    endedAt: '2024-07-03 01:05:00',
    details: { nas: 'NASBACKUP01', transferredBytes: Math.round(120.5 * 1024 ** 2) },
    message: null,
  },
};

describeFixtures('Synology fixtures', 'synology', parsers, cases);

describe('Synology parsers stay away from other mails', () => {
  itIgnoresForeignFixtures('synology', parsers);

  it('ignores other DSM notifications', () => {
    const mail = blankMail({
      subject: '[NAS01] Volume 1 is in degraded mode',
      text: 'Dear user,\n\nVolume 1 on NAS01 is in degraded mode.\n\nSincerely,\nSynology DiskStation',
    });
    expect(parsers.some((p) => p.matches(mail))).toBe(false);
  });
});

describe('Synology robustness', () => {
  it('reads an Active Backup for Business result from the subject when the body does not repeat it (Danish DSM)', () => {
    const mail = blankMail({
      subject:
        'nas01.example.com Active Backup for Business - backupopgave Kontor-Default på NAS01 er delvist gennemført',
      text: 'Startidspunkt: 2024-05-02 01:00\n',
    });
    const matched = parsers.filter((p) => p.matches(mail)).map((p) => p.name);
    expect(matched).toEqual(['synology-active-backup']);
    expect(parsers[0]!.parse(mail)).toMatchObject({
      software: 'Synology Active Backup for Business',
      jobName: 'Kontor-Default',
      status: 'warning',
      objects: [],
      details: { nas: 'NAS01' },
      message: null,
    });
  });

  it('reads the Italian failure wordings of the subject and the body', () => {
    for (const sentence of [
      'attività di backup PC-01 su NAS01 non riuscita',
      'L’attività di backup PC-01 su NAS01 non è stata completata.',
      'L’attività di backup PC-01 su NAS01 è stata parzialmente completata.',
    ]) {
      const mail = blankMail({ subject: 'NAS01 Active Backup for Business', text: sentence });
      const report = parsers.find((p) => p.matches(mail))!.parse(mail);
      expect(report.jobName).toBe('PC-01');
      expect(report.status).toBe(sentence.includes('parzialmente') ? 'warning' : 'failed');
    }
  });

  it('reads a plain-text French Hyper Backup mail and survives unreadable times', () => {
    const mail = blankMail({
      subject: '[NAS02] Tâche de sauvegarde',
      text: 'Cher utilisateur,\n\nLa tâche de sauvegarde « Archives » sur NAS02 a échoué.\n\nHeure de début : bientôt\nDurée : inconnue\n\nCordialement,\nSynology DiskStation',
    });
    const report = parsers.find((p) => p.matches(mail))!.parse(mail);
    expect(report).toMatchObject({
      software: 'Synology Hyper Backup',
      jobName: 'Archives',
      status: 'failed',
      startedAt: null,
      endedAt: null,
    });
  });
});
