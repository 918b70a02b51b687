import { describe, expect, it } from 'vitest';
import { escapeHtml, renderMail } from './smtp.render.js';

const message = {
  event: 'run.finished',
  status: 'success',
  title: 'nightly-db (Acme)',
  text: 'Backup finished in 2 min.\n1.2 GB written.',
  data: { job: 'nightly-db', customer: 'Acme', bytes: 1234, skipped: null },
};

describe('renderMail', () => {
  it('builds the subject with prefix, icon and status', () => {
    expect(renderMail(message, '[Keepwatch]').subject).toBe('[Keepwatch] ✔ success: nightly-db (Acme)');
    expect(renderMail({ ...message, status: 'failed' }, '').subject).toBe('✖ failed: nightly-db (Acme)');
    expect(renderMail({ ...message, status: 'odd' }, '[KW]').subject).toBe('[KW] • odd: nightly-db (Acme)');
  });

  it('keeps the subject on one line', () => {
    expect(renderMail({ ...message, title: 'a\r\nBcc: evil@example.com' }, '[K]').subject).toBe(
      '[K] ✔ success: a Bcc: evil@example.com',
    );
  });

  it('puts text and facts into the text body', () => {
    const { text } = renderMail(message, '[K]');
    expect(text).toContain('Backup finished in 2 min.\n1.2 GB written.');
    expect(text).toContain('job: nightly-db\ncustomer: Acme\nbytes: 1234');
    expect(text).not.toContain('skipped');
  });

  it('escapes every value in the HTML body', () => {
    const evil = '<img src=x onerror="alert(1)">&\'';
    const { html } = renderMail({ ...message, title: evil, text: evil, data: { [evil]: evil } }, '[K]');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('"alert(1)"');
    expect(html.match(/&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;&amp;&#39;/g)).toHaveLength(4);
  });

  it('escapeHtml covers the five special characters', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });
});
