import { readFileSync } from 'node:fs';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import type { NotificationMessage } from '../../notifiers/notifier.contract.js';
import { renderMail } from '../../notifiers/smtp/smtp.render.js';
import { decodeMail } from '../decode.js';
import { keepwatchParser } from './keepwatch.parser.js';

const load = (name: string) => decodeMail(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

/** What smtp.notifier.ts puts on the wire, built with the real renderer and composer. */
async function sent(message: NotificationMessage, prefix = '[Keepwatch]', date = new Date('2024-06-11T02:02:15Z')) {
  const mail = renderMail(message, prefix);
  const composer = new MailComposer({
    from: 'Keepwatch <kw@example.com>',
    to: ['ops@example.com'],
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Keepwatch-Event': message.event },
    date,
  });
  const raw = await new Promise<Buffer>((resolve, reject) =>
    composer.compile().build((err, buf) => (err ? reject(err) : resolve(buf))),
  );
  return decodeMail(raw);
}

describe('keepwatch', () => {
  it('reads a successful backup run with its destinations', async () => {
    const mail = await load('run-finished-success.eml');
    expect(keepwatchParser.matches(mail)).toBe(true);
    expect(keepwatchParser.parse(mail)).toEqual({
      software: 'Keepwatch',
      type: 'Backup',
      jobName: 'nightly-db',
      status: 'success',
      objects: [
        { name: 'nas-01', type: 'Destination', status: 'success', message: null },
        { name: 's3-offsite', type: 'Destination', status: 'success', message: null },
      ],
      startedAt: Date.parse('2024-06-11T02:02:15Z') - 134_512,
      endedAt: Date.parse('2024-06-11T02:02:15Z'),
      details: {
        event: 'run.finished',
        keepwatchStatus: 'success',
        jobId: 3,
        customer: 'Acme',
        runId: 4711,
        operation: 'backup',
        trigger: 'schedule',
        durationMs: 134_512,
        bytesRead: 1_288_490_189,
        bytesWritten: 402_653_184,
        key: 'acme/nightly-db/2024/06/11/nightly-db-20240611T020000Z.sql.zst.kwenc',
        rawSize: 1_288_490_189,
        size: 402_653_184,
        sha256: '9f2c4b1e7a0d3c5e8f6a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a',
        destinations: '["nas-01","s3-offsite"]',
      },
      message: null,
    });
  });

  it('reads a partial failure: the failed destination with its reason (nested parentheses)', async () => {
    const report = keepwatchParser.parse(await load('run-finished-warning.eml'));
    expect(report).toMatchObject({
      type: 'Backup',
      jobName: 'Sicherung Büro',
      status: 'warning',
      startedAt: Date.parse('2024-06-12T22:00:48Z') - 47_803,
      endedAt: Date.parse('2024-06-12T22:00:48Z'),
      details: { customer: 'Müller GmbH', runId: 9120 },
      message:
        "stored on 'nas-01'; failed on 's3-offsite' (PUT https://s3.example.com/kw/buero.sql.zst: 403 Forbidden (AccessDenied))",
    });
    expect(report.objects).toEqual([
      { name: 'nas-01', type: 'Destination', status: 'success', message: null },
      {
        name: 's3-offsite',
        type: 'Destination',
        status: 'failed',
        message: 'PUT https://s3.example.com/kw/buero.sql.zst: 403 Forbidden (AccessDenied)',
      },
    ]);
  });

  it('reads a timed-out run sent without a subject prefix as failed', async () => {
    const mail = await load('run-finished-timed-out.eml');
    expect(mail.subject).toBe('⏱ timed_out: Timed out: Sauvegarde comptabilité');
    expect(keepwatchParser.parse(mail)).toMatchObject({
      type: 'Backup',
      jobName: 'Sauvegarde comptabilité',
      status: 'failed',
      objects: [],
      startedAt: Date.parse('2024-11-05T03:00:01Z') - 7_200_412,
      endedAt: Date.parse('2024-11-05T03:00:01Z'),
      details: { keepwatchStatus: 'timed_out', trigger: 'catch_up' },
      message: 'timed out after 2h',
    });
  });

  it('reads a skipped schedule fire as a warning at the scheduled time', async () => {
    expect(keepwatchParser.parse(await load('run-skipped.eml'))).toEqual({
      software: 'Keepwatch',
      type: 'Backup',
      jobName: 'nightly-db',
      status: 'warning',
      objects: [],
      startedAt: Date.parse('2024-06-13T02:00:00.000Z'),
      endedAt: null,
      details: {
        event: 'run.skipped',
        keepwatchStatus: 'warning',
        jobId: 3,
        activeRunId: 4790,
        scheduledFor: '2024-06-13T02:00:00.000Z',
      },
      message: 'scheduled fire of 2024-06-13T02:00:00.000Z skipped: the previous run #4790 is still queued or running',
    });
  });

  it('recognises a test notification but does not read it as a run', async () => {
    const mail = await sent({
      event: 'test',
      status: 'info',
      title: 'Test from Keepwatch: ops mail',
      text: 'This is a test notification sent by admin.',
      data: { channel: 'ops mail' },
    });
    expect(keepwatchParser.matches(mail)).toBe(true);
    expect(() => keepwatchParser.parse(mail)).toThrow(/test notification/);
  });

  it('stays in step with the current renderer, also from the text body alone', async () => {
    const message: NotificationMessage = {
      event: 'run.finished',
      status: 'failed',
      title: 'Failed: restore-check (Beta)',
      text: "restore of job 'restore-check' ended: Failed\nReason: line one\nline two",
      data: {
        job: 'restore-check',
        jobId: 9,
        customer: 'Beta',
        runId: 77,
        operation: 'restore',
        status: 'failed',
        error: 'line one\nline two',
        durationMs: 5000,
      },
    };
    const mail = await sent(message, '[KW]');
    const expected = {
      software: 'Keepwatch',
      type: 'Restore',
      jobName: 'restore-check',
      status: 'failed',
      startedAt: Date.parse('2024-06-11T02:02:15Z') - 5000,
      message: 'line one\nline two',
    };
    expect(keepwatchParser.parse(mail)).toMatchObject(expected);
    expect(keepwatchParser.parse({ ...mail, html: null })).toMatchObject(expected);
  });

  it('matches by subject and Status line when the custom header was lost', async () => {
    const mail = await load('run-finished-success.eml');
    const { ['x-keepwatch-event']: _dropped, ...headers } = mail.headers;
    expect(keepwatchParser.matches({ ...mail, headers })).toBe(true);
    expect(keepwatchParser.matches({ ...mail, headers, text: 'no status line' })).toBe(false);
  });
});
