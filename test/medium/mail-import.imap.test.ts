import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailSource } from '../../src/adapters/mail-import/mail-import.js';
import { loadMailSourceAdapter, validateMailImporterConfig } from '../../src/adapters/mail-import/registry.js';
import { findBinary, freePort, startDovecot, type DovecotServer } from '../helpers/dovecot.js';

const run = promisify(execFile);

let dovecot: DovecotServer;
beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(async () => {
  await dovecot?.stop();
});

function message(subject: string, body = 'Backup finished.', extra = ''): string {
  const encoded = /[^\x20-\x7e]/.test(subject) ? `=?UTF-8?B?${Buffer.from(subject).toString('base64')}?=` : subject;
  return [
    'From: Veeam <veeam@customer.example>',
    'To: reports@test.local',
    `Subject: ${encoded}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@customer.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body + extra,
    '',
  ].join('\r\n');
}

function imapConfig(over: Record<string, unknown> = {}) {
  return { host: '127.0.0.1', port: dovecot.port, tls: false, username: dovecot.user, ...over };
}

async function open(over: Record<string, unknown> = {}, password = dovecot.password, maxMessageBytes = 20_000) {
  const adapter = await loadMailSourceAdapter('imap');
  return adapter.open(imapConfig(over), { password }, { maxMessageBytes });
}

async function subjects(mails: { raw: Buffer }[]): Promise<string[]> {
  return Promise.all(mails.map(async (m) => (await simpleParser(m.raw)).subject ?? ''));
}

describe('IMAP mail source against Dovecot', () => {
  it('fetches oldest first in batches, skips oversize bodies and moves processed mail aside', async () => {
    const t0 = Date.parse('2026-03-01T02:00:00Z');
    const names = ['job 1 ok', 'Sicherung für Müller — erfolgreich ✓', 'job 3 huge', 'job 4 failed', 'job 5 warn'];
    for (const [i, name] of names.entries()) {
      const big = name.includes('huge') ? '\r\n' + 'x'.repeat(76).concat('\r\n').repeat(800) : '';
      await dovecot.append('INBOX', message(name, 'Backup finished.', big), new Date(t0 + i * 60_000));
    }
    const source = await open();
    try {
      expect(await source.test()).toMatch(
        /Logged in to 127\.0\.0\.1 as reports@test\.local; folder "INBOX" has 5 messages waiting; "Processed" will be created/,
      );

      const first = await source.fetch(2);
      expect(await subjects(first)).toEqual(names.slice(0, 2));
      expect(first[0]!.receivedAt).toBe(t0);
      expect(first[0]!.ref).toMatch(/^\d+:\d+$/);
      // Not marked yet: the next fetch returns the same messages under the same refs.
      expect((await source.fetch(2)).map((m) => m.ref)).toEqual(first.map((m) => m.ref));
      await source.markProcessed(first.map((m) => m.ref));
      expect(await dovecot.list('Processed')).toEqual(names.slice(0, 2));

      const second = await source.fetch(2);
      expect(second).toHaveLength(2);
      const huge = second[0]!;
      expect(huge.raw.length).toBe(0);
      expect(huge.tooLarge).toBeGreaterThan(60_000);
      expect(await subjects(second.slice(1))).toEqual(['job 4 failed']);
      await source.markProcessed(second.map((m) => m.ref));
      // Idempotent: the same refs again (say after a crash between move and bookkeeping).
      await source.markProcessed([...first, ...second].map((m) => m.ref));

      const rest = await source.fetch(10);
      expect(await subjects(rest)).toEqual(['job 5 warn']);
      await source.markProcessed(rest.map((m) => m.ref));
      expect(await source.fetch(10)).toEqual([]);
    } finally {
      await source.close();
    }
    expect(await dovecot.list('INBOX')).toEqual([]);
    expect(await dovecot.list('Processed')).toEqual(names);

    // "After a restart": a new connection finds nothing left to import.
    const again = await open();
    try {
      expect(await again.fetch(50)).toEqual([]);
      expect(await again.test()).toMatch(/has 0 messages waiting\.$/);
    } finally {
      await again.close();
    }
  });

  it('reconnects when the server drops the connection between polls', async () => {
    const source = await open();
    try {
      await dovecot.append('INBOX', message('after reconnect'));
      await run(findBinary('doveadm')!, ['-c', join(dovecot.dir, 'dovecot.conf'), 'kick', dovecot.user]);
      const mails = await source.fetch(5);
      expect(await subjects(mails)).toEqual(['after reconnect']);
      await source.markProcessed(mails.map((m) => m.ref));
    } finally {
      await source.close();
    }
  });

  it('uses custom folders and creates the processed folder on first use', async () => {
    // Non-ASCII names travel as modified UTF-7; imapflow does the encoding.
    await dovecot.append('Backup Berichte', message('in another folder'));
    const source = await open({ folder: 'Backup Berichte', processedFolder: 'Verarbeitet – Keepwatch' });
    try {
      const mails = await source.fetch(5);
      expect(await subjects(mails)).toEqual(['in another folder']);
      await source.markProcessed(mails.map((m) => m.ref));
    } finally {
      await source.close();
    }
    expect(await dovecot.list('Verarbeitet – Keepwatch')).toEqual(['in another folder']);
    expect(await dovecot.list('Backup Berichte')).toEqual([]);
  });

  it('says clearly when the folder does not exist', async () => {
    const source = await open({ folder: 'No Such Folder' });
    try {
      await expect(source.fetch(5)).rejects.toThrow(
        /IMAP folder "No Such Folder" does not exist for "reports@test\.local"/,
      );
      await expect(source.test()).rejects.toThrow(/IMAP folder "No Such Folder" does not exist/);
    } finally {
      await source.close();
    }
  });

  it('says clearly when the server cannot be reached', async () => {
    const port = await freePort();
    await expect(open({ port })).rejects.toThrow(
      new RegExp(`cannot reach IMAP server 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
    );
  });

  it('rejects refs that are not its own', async () => {
    const source = await open();
    try {
      await expect(source.markProcessed(['AAMkAGraphId='])).rejects.toThrow(/not an IMAP message reference/);
    } finally {
      await source.close();
    }
  });

  it('stops when the signal is aborted', async () => {
    const adapter = await loadMailSourceAdapter('imap');
    const ac = new AbortController();
    const source: MailSource = await adapter.open(imapConfig(), { password: dovecot.password }, { signal: ac.signal });
    ac.abort();
    await expect(source.fetch(1)).rejects.toThrow();
    await source.close();
  });
  // Last: Dovecot delays logins from an address for a while after a failed one.
  it('says clearly when the password is wrong, without showing it', async () => {
    const err = await open({}, 'not-the-password').then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(
      /^IMAP login to 127\.0\.0\.1:\d+ as "reports@test\.local" failed: Authentication failed/,
    );
    expect(err?.message).not.toContain('not-the-password');
  });
});

describe('mail importer registry', () => {
  it('applies IMAP defaults and names the bad field', () => {
    expect(
      validateMailImporterConfig('imap', { host: 'imap.example.com', username: 'r@example.com' }, { password: 'x' }),
    ).toEqual({
      host: 'imap.example.com',
      port: 993,
      tls: true,
      allowInvalidCertificate: false,
      username: 'r@example.com',
      folder: 'INBOX',
      processedFolder: 'Processed',
    });
    expect(
      validateMailImporterConfig('imap', { host: 'h', tls: false, username: 'u' }, { password: 'x' }),
    ).toMatchObject({ port: 143 });
    const bad =
      (config: Record<string, unknown>, secrets: Record<string, string> = { password: 'x' }) =>
      () =>
        validateMailImporterConfig('imap', { host: 'h', username: 'u', ...config }, secrets);
    expect(bad({ port: 70000 })).toThrow('imap.port must be 1–65535');
    expect(bad({ port: '993' })).toThrow('imap.port must be 1–65535');
    expect(bad({ host: 'imap://x' })).toThrow('imap.host must be a host name or IP address');
    expect(bad({ tls: 'yes' })).toThrow('imap.tls must be true or false');
    expect(bad({ processedFolder: 'inbox' })).toThrow('imap.processedFolder must differ from imap.folder');
    expect(bad({ colour: 'blue' })).toThrow('imap.colour is not a known setting');
    expect(bad({}, {})).toThrow('imap.password is required');
    expect(() => validateMailImporterConfig('imap', { username: 'u' }, { password: 'x' })).toThrow(
      'imap.host is required',
    );
  });

  it('validates Graph and SMTP importer settings', () => {
    const graph = {
      tenantId: 'contoso.onmicrosoft.com',
      clientId: '1b2c3d4e-0000-1111-2222-333344445555',
      mailbox: 'r@contoso.com',
    };
    expect(validateMailImporterConfig('graph', graph, { clientSecret: 's' })).toEqual({
      ...graph,
      folder: 'Inbox',
      processedFolder: 'Processed',
      authorityUrl: 'https://login.microsoftonline.com',
      graphUrl: 'https://graph.microsoft.com/v1.0',
    });
    expect(() => validateMailImporterConfig('graph', graph, {})).toThrow('graph.clientSecret is required');
    expect(() =>
      validateMailImporterConfig('graph', { ...graph, graphUrl: 'http://graph.example.com' }, { clientSecret: 's' }),
    ).toThrow('graph.graphUrl must be an https:// URL');
    expect(validateMailImporterConfig('smtp', {}, {})).toEqual({
      host: '127.0.0.1',
      port: 2525,
      maxSizeBytes: 25 * 1024 * 1024,
    });
    expect(() => validateMailImporterConfig('smtp', { username: 'u' }, {})).toThrow('smtp.password is required');
    expect(() => validateMailImporterConfig('pop3', {}, {})).toThrow(/unknown mail importer kind "pop3"/);
  });

  it('loads adapters lazily and refuses unknown kinds', async () => {
    expect((await loadMailSourceAdapter('graph')).kind).toBe('graph');
    await expect(loadMailSourceAdapter('smtp')).rejects.toThrow(/push receiver/);
    await expect(loadMailSourceAdapter('__proto__')).rejects.toThrow(/unknown mail source kind/);
  });
});
