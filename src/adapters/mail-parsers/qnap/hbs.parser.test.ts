import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MailInput } from '../../../core/mail-report.js';
import { decodeMail } from '../decode.js';
import { hbsParser } from './hbs.parser.js';

const load = (name: string) => decodeMail(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const utc = (iso: string) => Date.parse(`${iso}Z`);

const notification = (message: string, severity = 'Information'): MailInput => ({
  from: 'nas@example.com',
  fromName: 'NAS01',
  to: 'it@example.com',
  subject: '[Info][Hybrid Backup Sync] Notification from your device: NAS01',
  text: `NAS Name: NAS01\nSeverity: ${severity}\nDate/Time: 2024/05/15 22:00:00\nApp Name: Hybrid Backup Sync\nCategory: Job Status\nMessage: ${message}\n`,
  html: null,
  date: null,
  headers: {},
  attachments: [],
});

describe('qnap-hbs', () => {
  it('reads an English HTML-only success notification', async () => {
    const mail = await load('hbs-backup-success-en.eml');
    expect(hbsParser.matches(mail)).toBe(true);
    expect(hbsParser.parse(mail)).toEqual({
      software: 'QNAP Hybrid Backup Sync',
      type: 'Backup Job',
      jobName: 'Daily NAS to USB',
      status: 'success',
      objects: [],
      startedAt: null,
      endedAt: utc('2024-05-15T22:41:09'),
      details: {
        nas: 'NAS-OFFICE',
        severity: 'Information',
        category: 'Job Status',
        event: '[Hybrid Backup Sync] Finished Backup job: "Daily NAS to USB".',
      },
      message: null,
    });
  });

  it('reads a German failure with the reason', async () => {
    const mail = await load('hbs-backup-failed-de.eml');
    expect(mail.subject).toBe('[Error][Hybrid Backup Sync] Benachrichtigung von Ihrem Gerät: NAS-BUERO');
    expect(hbsParser.parse(mail)).toMatchObject({
      software: 'QNAP Hybrid Backup Sync',
      type: 'Backup Job',
      jobName: 'Sicherung Büro',
      status: 'failed',
      objects: [],
      startedAt: null,
      endedAt: utc('2024-05-16T01:14:07'),
      details: { nas: 'NAS-BUERO', severity: 'Fehler', category: 'Auftragsstatus' },
      message: 'Fehler: Das Sicherungsziel ist nicht erreichbar.',
    });
  });

  it('reads a French sync job that ended with warnings (guillemets, non-breaking spaces)', async () => {
    const mail = await load('hbs-sync-warning-fr.eml');
    expect(hbsParser.parse(mail)).toMatchObject({
      software: 'QNAP Hybrid Backup Sync',
      type: 'Sync Job',
      jobName: 'Sauvegarde comptabilité',
      status: 'warning',
      objects: [],
      startedAt: null,
      endedAt: utc('2024-06-03T02:30:41'),
      details: { nas: 'NAS-COMPTA', severity: 'Avertissement', category: 'État de la tâche' },
      message: 'Certains fichiers ont été ignorés car ils étaient en cours d’utilisation.',
    });
  });

  it('reads an Italian notification (labels as quoted in public mail-parsing code, <br> lines)', async () => {
    const mail = await load('hbs-backup-success-it.eml');
    expect(mail.subject).toBe('[Info][Hybrid Backup Sync] Notifica dal dispositivo: NAS-UFFICIO');
    expect(hbsParser.matches(mail)).toBe(true);
    expect(hbsParser.parse(mail)).toEqual({
      software: 'QNAP Hybrid Backup Sync',
      type: 'Backup Job',
      jobName: 'Archivio Ufficio',
      status: 'success',
      objects: [],
      startedAt: null,
      endedAt: utc('2024-09-18T21:00:36'),
      details: {
        nas: 'NAS-UFFICIO',
        severity: 'Informazioni',
        category: 'Job Status',
        event: '[Hybrid Backup Sync] Finished Backup job: "Archivio Ufficio".',
      },
      message: null,
    });
  });

  it('takes an Italian error severity as a failure when the wording is unfamiliar', () => {
    const mail = notification('[Hybrid Backup Sync] Backup job: "Nightly" ended.', 'Errore');
    mail.text = mail.text.replace('Severity:', 'Gravità:');
    expect(hbsParser.parse(mail)).toMatchObject({ jobName: 'Nightly', status: 'failed' });
  });

  it('recognises a start notice but refuses to read it as a result', () => {
    const mail = notification('[Hybrid Backup Sync] Started Sync job: "QNAP Dropbox".');
    expect(hbsParser.matches(mail)).toBe(true);
    expect(() => hbsParser.parse(mail)).toThrow(/start notice/);
  });

  it('takes the status from the severity when the wording is unfamiliar', () => {
    const report = hbsParser.parse(notification('[Hybrid Backup Sync] Backup job: "Nightly" ended.', 'Warning'));
    expect(report).toMatchObject({ jobName: 'Nightly', status: 'warning', type: 'Backup Job' });
  });

  it('accepts an unquoted job name and a dotted date', () => {
    const mail = notification('[Hybrid Backup Sync] Completed Restore job: Photos 2023.');
    mail.text = mail.text.replace('2024/05/15 22:00:00', '15.05.2024 22:00:00');
    expect(hbsParser.parse(mail)).toMatchObject({
      jobName: 'Photos 2023',
      status: 'success',
      type: 'Restore Job',
      endedAt: utc('2024-05-15T22:00:00'),
    });
  });

  it('gives a null time for an unreadable date and fails clearly without a job name', () => {
    const mail = notification('[Hybrid Backup Sync] Finished Backup job: "X".');
    mail.text = mail.text.replace('2024/05/15 22:00:00', 'yesterday');
    expect(hbsParser.parse(mail).endedAt).toBeNull();
    expect(() => hbsParser.parse(notification('[Hybrid Backup Sync] Storage space low.'))).toThrow(/no job name/);
  });

  it('does not match mails without the Hybrid Backup Sync tag', () => {
    const mail = notification('Something else');
    mail.subject = '[Info] Notification from your device: NAS01';
    expect(hbsParser.matches(mail)).toBe(false);
  });
});
