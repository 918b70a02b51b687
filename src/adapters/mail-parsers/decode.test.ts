import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeMail, messageIdentity } from './decode.js';

const fixture = (path: string) => readFileSync(new URL(`./${path}`, import.meta.url));
const eml = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');

describe('decodeMail', () => {
  it('decodes addresses, subject, date and a quoted-printable text part', async () => {
    const mail = await decodeMail(
      eml([
        'From: "Jörg Müller" <Joerg.Mueller@Example.COM>',
        'To: Ops <ops@example.com>, second@example.com',
        'Subject: =?utf-8?q?Sicherung_B=C3=BCro?= =?utf-8?q?_erfolgreich?=',
        'Date: Tue, 05 Mar 2024 01:01:29 +0100',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Gr=C3=BC=C3=9Fe aus dem B=C3=BCro, eine sehr lange Zeile die umgebrochen wu=',
        'rde.',
      ]),
    );
    expect(mail.from).toBe('joerg.mueller@example.com');
    expect(mail.fromName).toBe('Jörg Müller');
    expect(mail.to).toBe('ops@example.com');
    expect(mail.subject).toBe('Sicherung Büro erfolgreich');
    expect(mail.date).toBe(Date.parse('2024-03-05T00:01:29Z'));
    expect(mail.text.trim()).toBe('Grüße aus dem Büro, eine sehr lange Zeile die umgebrochen wurde.');
    expect(mail.html).toBeNull();
    expect(mail.attachments).toEqual([]);
  });

  it('lower-cases header names, unfolds and decodes values, joins repeated headers', async () => {
    const mail = await decodeMail(
      eml([
        'From: a@example.com',
        'X-Custom: one',
        'x-custom: two',
        'X-Folded: first part',
        '\tsecond part',
        'X-Encoded: =?ISO-8859-1?B?U2F1dmVnYXJkZSBjb21wdGFiaWxpdOk=?=',
        'Subject: test',
        '',
        'body',
      ]),
    );
    expect(mail.headers['x-custom']).toBe('one, two');
    expect(mail.headers['x-folded']).toBe('first part second part');
    expect(mail.headers['x-encoded']).toBe('Sauvegarde comptabilité');
    expect(mail.headers['subject']).toBe('test');
  });

  it('renders HTML-only messages as text and keeps the HTML', async () => {
    const mail = await decodeMail(
      eml([
        'From: nas@example.com',
        'Subject: html only',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<html><head><style>td{}</style></head><body><table><tr><td>Severity:</td><td>Warning</td></tr></table>',
        '<script>x()</script><p>R&eacute;sum&eacute;</p></body></html>',
      ]),
    );
    expect(mail.text).toBe('Severity:\tWarning\nRésumé');
    expect(mail.html).toContain('<table>');
  });

  it('prefers the text part of multipart/alternative', async () => {
    const mail = await decodeMail(fixture('proxmox/fixtures/pve8-vzdump-success.eml'));
    expect(mail.text).toMatch(/^\s*Details\n=======\nVMID/);
    expect(mail.html).toContain('<h1 style="font-size: 1.2em">Details</h1>');
  });

  it('lists attachments with name, type and content', async () => {
    const mail = await decodeMail(fixture('generic/fixtures/prefix-success-de.eml'));
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]?.filename).toBe('sicherung.log');
    expect(mail.attachments[0]?.contentType).toBe('text/plain');
    expect(mail.attachments[0]?.content.toString('utf8')).toContain('0 Fehler');
    expect(mail.text).not.toContain('0 Fehler');
  });

  it('uses null for a missing or unparseable Date and empty strings for missing fields', async () => {
    const noDate = await decodeMail(eml(['X-Only: header', '', 'body']));
    expect(noDate.date).toBeNull();
    expect(noDate.from).toBe('');
    expect(noDate.fromName).toBe('');
    expect(noDate.to).toBe('');
    expect(noDate.subject).toBe('');
    const badDate = await decodeMail(eml(['Date: the day after tomorrow', 'Subject: x', '', 'body']));
    expect(badDate.date).toBeNull();
  });

  it('finds the first address inside a group', async () => {
    const mail = await decodeMail(eml(['To: Team: first@example.com, second@example.com;', 'Subject: x', '', 'b']));
    expect(mail.to).toBe('first@example.com');
  });

  it('tolerates a byte-order mark and blank lines before the headers', async () => {
    const mail = await decodeMail(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), eml(['', 'Subject: hi', '', 'b'])]));
    expect(mail.subject).toBe('hi');
  });

  it('accepts an mbox "From " separator before the headers', async () => {
    const mail = await decodeMail(eml(['From root@pve1 Tue Mar  5 01:01:29 2024', 'Subject: from mbox', '', 'b']));
    expect(mail.subject).toBe('from mbox');
  });

  it('refuses input that is not an e-mail', async () => {
    await expect(decodeMail(Buffer.alloc(0))).rejects.toThrow(/^message is not a readable e-mail: the input is empty/);
    await expect(decodeMail(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).rejects.toThrow(
      /^message is not a readable e-mail: no header lines/,
    );
    await expect(decodeMail(Buffer.from('just some text\nwithout any header\n'))).rejects.toThrow(
      /^message is not a readable e-mail/,
    );
    await expect(decodeMail(Buffer.from('\n\nbody after an empty header block'))).rejects.toThrow(
      /^message is not a readable e-mail/,
    );
  });

  it('refuses messages over the size limit', async () => {
    await expect(decodeMail(eml(['Subject: x', '', 'y'.repeat(100)]), { maxBytes: 50 })).rejects.toThrow(
      /^message is not a readable e-mail: it is \d+ bytes, more than the limit of 50/,
    );
  });
});

describe('messageIdentity', () => {
  it('strips angle brackets from the Message-ID and hashes the raw bytes', async () => {
    const raw = fixture('proxmox/fixtures/pbs-gc-success.eml');
    const mail = await decodeMail(raw);
    expect(messageIdentity(raw, mail)).toEqual({
      messageId: '65e6a9bc.gc.store1@pbs1.example.com',
      contentHash: createHash('sha256').update(raw).digest('hex'),
    });
  });

  it("returns '' when the message has no Message-ID", async () => {
    const raw = eml(['Subject: x', '', 'y']);
    const id = messageIdentity(raw, await decodeMail(raw));
    expect(id.messageId).toBe('');
    expect(id.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
