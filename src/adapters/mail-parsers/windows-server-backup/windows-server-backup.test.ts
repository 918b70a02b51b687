import { describe, expect, it } from 'vitest';
import {
  blankMail,
  describeFixtures,
  type ExpectedReport,
  itIgnoresForeignFixtures,
  loadFixture,
  utc,
} from '../common/fixture-mail.test-support.js';
import { parsers } from './index.js';

const GB = 1024 ** 3;
const report = { parser: 'windows-server-backup-report', software: 'Windows Server Backup', type: null } as const;
const event = { parser: 'windows-server-backup-event', software: 'Windows Server Backup', type: null } as const;

const GERMAN_EVENT_MESSAGE =
  'Der Sicherungsvorgang, der um 2024-01-16T22:00:09.812000000Z gestartet wurde, ist mit folgendem Fehlercode fehlgeschlagen: 0x807800C5 (Fehler beim Vorbereiten des Sicherungsabbilds eines Volumes im Sicherungssatz.). Suchen Sie in den Ereignisdetails nach einer Lösung, und führen Sie den Sicherungsvorgang erneut aus, nachdem das Problem behoben wurde.';

const cases: Record<string, ExpectedReport> = {
  'report-success.eml': {
    ...report,
    jobName: 'SRV-FILE01',
    status: 'success',
    objects: [
      { name: 'EFI System Partition', type: 'Volume', status: 'success', message: null },
      { name: 'C:', type: 'Volume', status: 'success', message: null },
      { name: 'D:', type: 'Volume', status: 'success', message: null },
    ],
    // en-US culture: "1/15/2024 9:00:12 PM".
    startedAt: '2024-01-15 21:00:12',
    endedAt: '2024-01-15 21:42:29',
    details: {
      company: 'Contoso',
      lastSuccessAt: utc('2024-01-15 21:42:00'),
      durationSeconds: 42 * 60 + 17,
      totalSizeBytes: Math.round(28.43 * 1024 ** 2) + Math.round(45.21 * GB) + Math.round(312.8 * GB),
    },
    message: null,
  },
  'report-failed-de.eml': {
    ...report,
    jobName: 'SRV-BUERO01',
    status: 'failed',
    objects: [
      { name: 'C:', type: 'Volume', status: 'success', message: null },
      { name: 'D:', type: 'Volume', status: 'failed', message: null },
    ],
    // de-DE culture: "15.01.2024 21:00:12".
    startedAt: '2024-01-15 21:00:12',
    endedAt: '2024-01-15 21:03:33',
    details: { company: 'Müller Steuerberatung', lastSuccessAt: utc('2024-01-14 21:38:00'), durationSeconds: 201 },
    message:
      'Der Sicherungsvorgang ist fehlgeschlagen, da auf das Sicherungsziel nicht zugegriffen werden kann.\nDas Sicherungsziel \\\\NAS-BUERO\\WindowsImageBackup ist offline oder nicht erreichbar.',
  },
  'event-success.eml': {
    ...event,
    jobName: 'SRV-DC01',
    status: 'success',
    objects: [],
    // Start from the message (UTC, "Z"); TimeCreated "9:42:31 PM" read with the Date header's +0100.
    startedAt: '2024-01-15 20:00:12.534',
    endedAt: '2024-01-15 20:42:31',
    details: { eventId: 4, level: 'Information', machine: 'SRV-DC01.contoso.local' },
    message: null,
  },
  'event-failed-de.eml': {
    ...event,
    jobName: 'SRV-BUERO02',
    status: 'failed',
    objects: [],
    startedAt: '2024-01-16 22:00:09.812',
    endedAt: '2024-01-16 22:05:47',
    details: { eventId: 5, level: 'Fehler', errorCode: '0x807800C5' },
    message: GERMAN_EVENT_MESSAGE,
  },
};

describeFixtures('Windows Server Backup fixtures', 'windows-server-backup', parsers, cases);

describe('Windows Server Backup parsers stay away from other mails', () => {
  itIgnoresForeignFixtures('windows-server-backup', parsers);

  it('does not take an event mail of another log', () => {
    const mail = blankMail({
      text: 'TimeCreated : 1/15/2024 9:42:31 PM\nProviderName : Microsoft-Windows-Kernel-Power\nId : 41\nMessage : The system has rebooted.',
    });
    expect(parsers.some((p) => p.matches(mail))).toBe(false);
  });
});

describe('Windows Server Backup robustness', () => {
  it('reads an event without TimeCreated or Date header offset, and a cancelled backup as failed', () => {
    const mail = blankMail({
      subject: 'Backup event on SRV-X',
      text: [
        'ProviderName     : Microsoft-Windows-Backup',
        'Id               : 8',
        'LevelDisplayName : Error',
        'MachineName      : SRV-X',
        "Message          : The backup operation that started at 'garbage' was canceled.",
      ].join('\n'),
    });
    const got = parsers.find((p) => p.name === 'windows-server-backup-event')!.parse(mail);
    expect(got).toMatchObject({ jobName: 'SRV-X', status: 'failed', startedAt: null, endedAt: null });
  });

  it('turns a "Successful" run with a failed item into a warning', async () => {
    const mail = await loadFixture('windows-server-backup', 'report-success.eml');
    const html = (mail.html ?? '').replace('<td>D:</td><td>Completed</td>', '<td>D:</td><td>Failed</td>');
    const got = parsers.find((p) => p.name === 'windows-server-backup-report')!.parse({ ...mail, html });
    expect(got.status).toBe('warning');
  });
});
