import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MailInput } from '../../../core/mail-report.js';
import { decodeMail } from '../decode.js';
import { duplicatiParser, duplicatiTime } from './duplicati.parser.js';

const load = (name: string) => decodeMail(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

const mailWith = (subject: string, text: string): MailInput => ({
  from: 'duplicati@example.com',
  fromName: 'Duplicati',
  to: 'me@example.com',
  subject,
  text,
  html: null,
  date: null,
  headers: {},
  attachments: [],
});

describe('duplicati', () => {
  it('reads an en-US success report: counters, sizes, epoch times', async () => {
    const mail = await load('duplicati-success-en.eml');
    expect(duplicatiParser.matches(mail)).toBe(true);
    expect(duplicatiParser.parse(mail)).toEqual({
      software: 'Duplicati',
      type: 'Backup',
      jobName: 'Laptop Documents',
      status: 'success',
      objects: [],
      startedAt: 1721023202000,
      endedAt: 1721023274000,
      details: {
        examinedFiles: 48211,
        addedFiles: 37,
        modifiedFiles: 112,
        deletedFiles: 4,
        filesWithError: 0,
        sizeOfExaminedFiles: 61230547722,
        sizeOfAddedFiles: 104857600,
        sizeOfModifiedFiles: 38473311,
        bytesUploaded: 52344790,
        durationSeconds: 72.44,
        version: '2.0.8.1 (2.0.8.1_beta_2024-05-07)',
      },
      message: null,
    });
  });

  it('reads a de-DE warning report with the skipped files as objects', async () => {
    const mail = await load('duplicati-warning-de.eml');
    const report = duplicatiParser.parse(mail);
    expect(report).toMatchObject({
      software: 'Duplicati',
      type: 'Backup',
      jobName: 'Sicherung Büro',
      status: 'warning',
      startedAt: 1742335201000,
      endedAt: 1742335467000,
      message: 'Failed to process path: D:\\Büro\\Buchhaltung\\Kasse 2025.xlsx',
    });
    expect(report.objects).toEqual([
      {
        name: 'D:\\Büro\\Buchhaltung\\Kasse 2025.xlsx',
        type: 'File',
        status: 'warning',
        message: 'Failed to process path: D:\\Büro\\Buchhaltung\\Kasse 2025.xlsx',
      },
      {
        name: 'D:\\Büro\\Outlook\\Postfach.pst',
        type: 'File',
        status: 'warning',
        message: 'Failed to process path: D:\\Büro\\Outlook\\Postfach.pst',
      },
    ]);
    expect(report.details).toMatchObject({ warnings: 2, filesWithError: 2, durationSeconds: 266.092 });
  });

  it('reads a fr-FR "Failed:" report, with times from the log lines and their offset', async () => {
    const mail = await load('duplicati-failed-fr.eml');
    expect(duplicatiParser.parse(mail)).toEqual({
      software: 'Duplicati',
      type: 'Backup',
      jobName: 'Sauvegarde comptabilité',
      status: 'failed',
      objects: [],
      startedAt: Date.parse('2024-11-04T21:30:02+01:00'),
      endedAt: Date.parse('2024-11-04T21:30:05+01:00'),
      details: {},
      message: 'Le serveur distant a retourné une erreur : (401) Non autorisé.',
    });
  });

  it('maps Error and Fatal results to failed and names the first error', () => {
    const text = [
      'MainOperation: Backup',
      'ParsedResult: Fatal',
      'BeginTime: 2024-07-15 02:00:02',
      'Errors: [',
      '    2024-07-15 02:00:04 +00 - [Error-Duplicati.Library.Main.Operation.BackupHandler-FatalError]: Fatal error,',
      ']',
    ].join('\n');
    const report = duplicatiParser.parse(mailWith('Duplicati Backup report for Server', text));
    expect(report).toMatchObject({
      status: 'failed',
      message: 'Fatal error',
      startedAt: Date.parse('2024-07-15T02:00:02Z'),
    });
  });

  it('accepts a subject with the result word and other operations', () => {
    const mail = mailWith(
      'Duplicati Warning: Restore report for NAS',
      'MainOperation: Restore\nParsedResult: Warning\n',
    );
    expect(duplicatiParser.matches(mail)).toBe(true);
    expect(duplicatiParser.parse(mail)).toMatchObject({ type: 'Restore', jobName: 'NAS', status: 'warning' });
  });

  it('does not claim a mail with only the subject, and explains a missing name or result', () => {
    expect(duplicatiParser.matches(mailWith('Duplicati Backup report for X', 'hello'))).toBe(false);
    expect(() => duplicatiParser.parse(mailWith('Backup done', 'ParsedResult: Success\n'))).toThrow(/no backup name/);
    expect(() => duplicatiParser.parse(mailWith('Duplicati Backup report for X', 'MainOperation: Backup\n'))).toThrow(
      /ParsedResult/,
    );
  });
});

describe('duplicatiTime', () => {
  it('prefers the epoch, reads localised dates as UTC, and gives null otherwise', () => {
    expect(duplicatiTime('15.07.2024 02:01:14 (1721001674)')).toBe(1721001674000);
    expect(duplicatiTime('7/15/2024 2:01:14 PM')).toBe(Date.parse('2024-07-15T14:01:14Z'));
    expect(duplicatiTime('15/07/2024 02:01:14')).toBe(Date.parse('2024-07-15T02:01:14Z'));
    expect(duplicatiTime('15.07.2024 02:01:14')).toBe(Date.parse('2024-07-15T02:01:14Z'));
    expect(duplicatiTime('2024-07-15 02:01:14')).toBe(Date.parse('2024-07-15T02:01:14Z'));
    expect(duplicatiTime('13/31/2024 02:01:14 AM')).toBeNull();
    expect(duplicatiTime('gestern')).toBeNull();
    expect(duplicatiTime(undefined)).toBeNull();
  });
});
