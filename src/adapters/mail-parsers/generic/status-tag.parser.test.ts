import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MailInput } from '../../../core/mail-report.js';
import { decodeMail } from '../decode.js';
import { statusTagParser } from './status-tag.parser.js';

const load = (name: string) => decodeMail(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

const withSubject = (subject: string, text = ''): MailInput => ({
  from: 'script@example.com',
  fromName: '',
  to: 'ops@example.com',
  subject,
  text,
  html: null,
  date: Date.parse('2024-01-01T00:00:00Z'),
  headers: {},
  attachments: [],
});

const generic = (jobName: string, status: string) => ({
  software: 'Generic',
  type: null,
  jobName,
  status,
  objects: [],
  startedAt: null,
  endedAt: null,
  message: null,
});

describe('generic-status-tag', () => {
  it('takes the job name from the body "Job:" line over the subject', async () => {
    const mail = await load('tag-success-job-line.eml');
    expect(statusTagParser.matches(mail)).toBe(true);
    expect(statusTagParser.parse(mail)).toEqual(generic('web01-rsync', 'success'));
  });

  it('reads a [Failed] subject with an encoded French name on an HTML-only mail', async () => {
    const mail = await load('tag-failed-html-fr.eml');
    expect(mail.text).not.toContain('alert');
    expect(statusTagParser.parse(mail)).toEqual(generic('Sauvegarde comptabilité', 'failed'));
  });

  it('reads a "Success:" prefix with a German name (attachment not mistaken for the body)', async () => {
    const mail = await load('prefix-success-de.eml');
    expect(statusTagParser.parse(mail)).toEqual(generic('Datenbank Sicherung Büro', 'success'));
  });

  it.each([
    ['[Success] Nightly', 'Nightly', 'success'],
    ['[OK] Nightly', 'Nightly', 'success'],
    ['[succeeded] Nightly', 'Nightly', 'success'],
    ['[ Warning ] - Nightly', 'Nightly', 'warning'],
    ['[Failed]Nightly', 'Nightly', 'failed'],
    ['[Error] Nightly', 'Nightly', 'failed'],
    ['[Failure]: Nightly', 'Nightly', 'failed'],
    ['Nightly copy [Warning]', 'Nightly copy', 'warning'],
    ['Nightly copy - [OK]', 'Nightly copy', 'success'],
    ['Success: Nightly', 'Nightly', 'success'],
    ['Failed: Nightly', 'Nightly', 'failed'],
    ['Fwd: [Failed] Nightly', 'Nightly', 'failed'],
    ['AW: WG: Warning: Nightly', 'Nightly', 'warning'],
  ])('%s → %s (%s)', (subject, jobName, status) => {
    const mail = withSubject(subject);
    expect(statusTagParser.matches(mail)).toBe(true);
    expect(statusTagParser.parse(mail)).toEqual(generic(jobName, status));
  });

  it.each(['Nightly backup', 'Error: mailbox full', 'OK: noted', '[Info] Nightly', 'Re: Success story', ''])(
    'does not match "%s"',
    (subject) => {
      expect(statusTagParser.matches(withSubject(subject))).toBe(false);
    },
  );

  it('refuses a tag without a job name', () => {
    expect(() => statusTagParser.parse(withSubject('[Success]'))).toThrow(/no job name/);
  });
});
