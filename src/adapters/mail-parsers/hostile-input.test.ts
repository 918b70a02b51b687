import { describe, expect, it } from 'vitest';
import type { MailInput, ReportParser } from '../../core/mail-report.js';
import { parsers as acronis } from './acronis/index.js';
import { blankMail } from './common/fixture-mail.test-support.js';
import { htmlTables } from './common/html-tables.js';
import { htmlToTidyText } from './common/html-text.js';
import { parsers as nakivo } from './nakivo/index.js';
import { parsers as synology } from './synology/index.js';
import { parsers as veeam } from './veeam/index.js';
import { parsers as windowsServerBackup } from './windows-server-backup/index.js';

/**
 * Mail arrives from anyone who can write to the monitored mailbox. Truncated or hostile bodies
 * must cost roughly linear time in every parser (no regex backtracking over the whole message),
 * and a parse either returns a report or throws an Error.
 */

const all: ReportParser[] = [...veeam, ...acronis, ...windowsServerBackup, ...synology, ...nakivo];

// Product markers up front so that every parser gets past matches() into its expensive parts.
const MARKERS =
  'Veeam Backup &amp; Replication Veeam Agent for Linux Acronis Backup failed NAKIVO Job report Job status: ' +
  'Synology Active Backup for Business Backup Report for X Backup Result: Last Successful Backup: ' +
  'Microsoft-Windows-Backup\nId : 5\nMessage : x\n>Backup job: X< >Configuration Backup<';

function hostile(): MailInput {
  const n = 20_000;
  const html =
    MARKERS +
    '<table><tr><td>'.repeat(2_000) +
    '<style '.repeat(n) +
    '<!-- '.repeat(n) +
    '<a href="x" '.repeat(n) +
    'backup task '.repeat(n) +
    ' on x '.repeat(n) +
    '&amp'.repeat(n) +
    '1 '.repeat(n) +
    ' '.repeat(200_000) +
    '12:00 '.repeat(n);
  return blankMail({ subject: `[Failed] ${' '.repeat(50_000)}x`, html, text: htmlToTidyText(html) });
}

describe('hostile input', () => {
  it('renders and tabulates large malformed HTML quickly', () => {
    const { html } = hostile();
    const started = Date.now();
    htmlToTidyText(html ?? '');
    htmlTables(html ?? '');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each(all.map((p) => [p.name, p] as const))('%s stays fast and never hangs', (_name, parser) => {
    const mail = hostile();
    const started = Date.now();
    if (parser.matches(mail)) {
      try {
        parser.parse(mail);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    }
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
