import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, choose, clickLabelOf, field, navigate, signIn, until, useBrowser } from '../helpers/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER, startE2eServer, type E2eServer } from '../helpers/e2e-server.js';
import { REPO_ROOT } from '../helpers/server-process.js';

/**
 * E-mail report monitoring in the browser, against a real server: report e-mails are uploaded
 * into the Inbox (drag and drop and the file picker), read in the safe viewer (sandboxed frame,
 * nothing remote loaded), approved as a monitored job with the customer autocomplete; the next
 * report of that job becomes a run; Re-parse all; archive and delete send the mails back to the
 * Inbox; monitored jobs are exported and imported as JSON; customers are managed on their page.
 * Elements are found by role and accessible name.
 */

const FIXTURES = path.join(REPO_ROOT, 'src', 'adapters', 'mail-parsers');
const TRACKER = 'tracker.invalid';

interface Eml {
  name: string;
  content: Buffer;
}

const fixture = (folder: string, file: string): Eml => ({
  name: file,
  content: readFileSync(path.join(FIXTURES, folder, 'fixtures', file)),
});

/** The first fixture of these product folders that exists (Synology when its parser has landed). */
function secondProductReport(): { eml: Eml; folder: string } {
  const candidates: [string, RegExp][] = [
    ['synology', /success/i],
    ['qnap', /success/i],
    ['proxmox', /success/i],
    ['duplicati', /success/i],
  ];
  for (const [folder, pattern] of candidates) {
    const dir = path.join(FIXTURES, folder, 'fixtures');
    const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.eml') && pattern.test(f)) : undefined;
    if (file) return { eml: fixture(folder, file), folder };
  }
  throw new Error('no second product fixture found under src/adapters/mail-parsers/*/fixtures');
}

/**
 * The Veeam report with remote content added (an image and a CSS background on a host that does
 * not exist): the viewer must show the report without the browser ever asking for them.
 */
function veeamWithTracker(): Eml {
  const raw = fixture('veeam', 'br-backup-success.eml').content.toString('utf8');
  const injected =
    '<body id=3D"body">\n<img src=3D"http://' +
    TRACKER +
    '/pixel.png" alt=3D"tracker" width=3D"1" height=3D"1">\n<div style=3D"background-image: url(http://' +
    TRACKER +
    '/bg.png)">Report for Contoso</div>\n';
  if (!raw.includes('<body id=3D"body">')) throw new Error('the Veeam fixture changed: no <body id="body">');
  return { name: 'veeam-daily-vms.eml', content: Buffer.from(raw.replace('<body id=3D"body">', injected)) };
}

/** The same job's report of the next night: another message (Message-ID, date), same job. */
function veeamNextNight(): Eml {
  const raw = fixture('veeam', 'br-backup-success.eml').content.toString('utf8');
  const next = raw
    .replace(/^Message-ID: .*$/m, 'Message-ID: <next-night-0001@vbr01.contoso.local>')
    .replace(/^Date: .*$/m, 'Date: Tue, 16 Jan 2024 22:31:52 +0000');
  return { name: 'veeam-daily-vms-next.eml', content: Buffer.from(next) };
}

const PLAIN_NOTE: Eml = {
  name: 'lunch.eml',
  content: Buffer.from(
    [
      'From: Alice <alice@contoso.com>',
      'To: backup-reports@contoso.com',
      'Subject: Lunch on Friday?',
      'Date: Wed, 17 Jan 2024 09:00:00 +0000',
      'Message-ID: <lunch-1@contoso.com>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Shall we try the new place?',
      '',
    ].join('\r\n'),
  ),
};

/** Drops files on the element as a user dragging them from the desktop does. */
async function dropFiles(page: Page, target: ReturnType<Page['getByRole']>, files: Eml[]) {
  const payload = files.map((f) => ({ name: f.name, b64: f.content.toString('base64') }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: 'message/rfc822' }));
    }
    return dt;
  }, payload);
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

/** Chooses files in the picker that a click on `button` opens. */
async function pickFiles(page: Page, button: ReturnType<Page['getByRole']>, files: Eml[]) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), button.click()]);
  await chooser.setFiles(files.map((f) => ({ name: f.name, mimeType: 'message/rfc822', buffer: f.content })));
}

describe('E-mail report monitoring in the web UI', { timeout: 120_000 }, () => {
  const ui = useBrowser();
  let server: E2eServer;
  const veeam = veeamWithTracker();
  const second = secondProductReport();
  /** What the parsers read from the two reports (asked from the API, so the test follows the parsers). */
  const parsed: Record<string, { software: string; jobName: string; status: string; type: string | null }> = {};
  const flow: { jobId?: number; subject?: string } = {};

  beforeAll(async () => {
    if (!existsSync(path.join(REPO_ROOT, 'web', 'dist', 'index.html'))) {
      throw new Error('web/dist is missing: build the UI first (npx vite build --config web/vite.config.ts)');
    }
    server = await startE2eServer({ label: 'mail-ui' });
    await server.api('POST', '/api/customers', { name: 'Contoso Ltd' });
    await server.api('POST', '/api/customers', { name: 'Fabrikam' });
    const r = await server.api('POST', '/api/mail/parse', {
      files: [veeam, second.eml].map((f) => ({ name: f.name, content: f.content.toString('base64') })),
    });
    for (const p of r.results) {
      expect(p.software, `${p.file} is recognised by a parser (${p.error ?? ''})`).toBeTruthy();
      parsed[p.file] = p;
    }
    expect(parsed[veeam.name]).toMatchObject({ software: 'Veeam Backup & Replication', jobName: 'Daily VMs' });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  /**
   * A signed-in page at `path`. Sign-in is rate-limited (10 a minute), so the first test signs in
   * through the form and the others reuse its session cookie.
   */
  let session: Parameters<BrowserContext['addCookies']>[0] | null = null;
  const open = async (path = '/inbox') => {
    const page = await ui.page(server);
    if (session) await page.context().addCookies(session);
    else {
      await signIn(page, ADMIN_USER, ADMIN_PASSWORD);
      session = await page.context().cookies();
    }
    await page.goto(path);
    await page.getByRole('button', { name: 'User menu' }).waitFor();
    return page;
  };

  it('uploads report e-mails by drag and drop and by the file picker, and lists them in the Inbox', async () => {
    const page = await open('/');
    await navigate(page, 'Inbox');
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();

    await dropFiles(page, page.getByRole('region', { name: 'Drop .eml files here' }), [veeam, second.eml]);
    await page.getByText('Upload: 2 files: 2 in the Inbox').waitFor();
    const results = page.getByRole('table', { name: 'Upload results' });
    expect(await results.getByRole('row').filter({ hasText: veeam.name }).innerText()).toContain('In the Inbox');

    await pickFiles(page, page.getByRole('button', { name: 'Upload .eml' }), [PLAIN_NOTE]);
    await page.getByText('Upload: 1 file: 1 in the Inbox').waitFor();

    const inbox = page.getByRole('table', { name: 'Inbox messages' });
    const subject = '[Success] Daily VMs (3 machines)';
    flow.subject = subject;
    const veeamRow = inbox.getByRole('row').filter({ hasText: subject });
    await veeamRow.waitFor();
    const cells = await veeamRow.getByRole('cell').allInnerTexts();
    // From, Subject, Received, Backup, Type, Job, Overall, Parsed, EML
    expect(cells[0]).toBe('veeam@contoso.com');
    expect(cells[1]).toBe(subject);
    // Received in the instance time zone (UTC on a fresh install): the Date header's 22:31.
    expect(cells[2]).toMatch(/15 Jan 2024.*22:31/);
    expect(cells[3]).toBe('Veeam Backup & Replication');
    expect(cells[4]).toBe(parsed[veeam.name]!.type ?? '—');
    expect(cells[5]).toBe('Daily VMs');
    expect(cells[6]).toBe('Success');
    expect(cells[7]).toBe('Yes');
    expect(cells[8]).toBe('EML');

    const p2 = parsed[second.eml.name]!;
    const secondRow = inbox.getByRole('row').filter({ hasText: p2.jobName });
    expect(await secondRow.innerText()).toContain(p2.software);

    const note = inbox.getByRole('row').filter({ hasText: 'Lunch on Friday?' });
    expect(await note.getByRole('cell').nth(6).innerText()).toBe('Unparsed');
    expect(await note.getByRole('cell').nth(7).innerText()).toBe('No');

    // The EML link downloads the stored message as it arrived.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      veeamRow.getByRole('link', { name: `Download ${subject} as .eml` }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.eml$/);
    const saved = readFileSync((await download.path())!, 'utf8');
    expect(saved).toContain('Subject: [Success] Daily VMs');
    await ui.screen(page, 'inbox');
  });

  it('shows a message in the safe viewer: sandboxed frame, objects, and nothing remote requested', async () => {
    const page = await open();
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.getByRole('button', { name: `Open ${flow.subject}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: flow.subject }).or(dialog.getByText(flow.subject!).first()).waitFor();

    const objects = dialog.getByRole('table', { name: 'Objects' });
    for (const vm of ['DC01', 'FS01', 'SQL01']) await objects.getByRole('row').filter({ hasText: vm }).waitFor();

    const frame = dialog.locator('iframe[title^="E-mail body"]');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    const srcdoc = (await frame.getAttribute('srcdoc')) ?? '';
    expect(srcdoc).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    );
    // The report renders inside the frame.
    await page
      .frameLocator('iframe[title^="E-mail body"]')
      .getByText(/Backup job: Daily VMs/)
      .first()
      .waitFor();
    // Give a remote load every chance to start, then check none did.
    await page.waitForTimeout(1000);
    expect(requested.filter((u) => u.includes(TRACKER))).toEqual([]);
    // No script runs in the frame: it is sandboxed without allow-scripts.
    expect(srcdoc).not.toMatch(/<script/i);
    await ui.screen(page, 'inbox-message');
  });

  it('approves the job for a customer chosen with the autocomplete; the message leaves the Inbox', async () => {
    const page = await open();
    await page.getByRole('button', { name: `Open ${flow.subject}` }).click();
    const dialog = page.getByRole('dialog');
    const approve = dialog.getByRole('button', { name: 'Approve job' });
    await approve.waitFor();
    expect(await approve.isDisabled(), 'Approve job waits for a customer').toBe(true);

    // Any part of the name finds the customer; there is no way to create one here.
    await field(dialog, 'Customer').fill('ntoso');
    const option = page.getByRole('option', { name: 'Contoso Ltd' });
    await option.waitFor();
    expect(await page.getByRole('option', { name: 'Fabrikam' }).count()).toBe(0);
    expect(await page.getByRole('option', { name: /create/i }).count()).toBe(0);
    await option.click();
    await until('Approve job is enabled once a customer is chosen', () => approve.isEnabled());
    await approve.click();

    await dialog.waitFor({ state: 'detached' });
    const notice = page.getByRole('alert').filter({ hasText: 'Job approved' });
    await notice.waitFor();
    expect(await notice.innerText()).toContain('Contoso Ltd');
    const jobs = await server.api('GET', '/api/jobs?kind=monitored');
    const job = jobs.items.find((j: { name: string }) => j.name === 'Daily VMs');
    expect(job).toMatchObject({ kind: 'monitored', customer: { name: 'Contoso Ltd' } });
    flow.jobId = job.id;
    await until('the approved message leaves the Inbox', async () => {
      return (await page.getByRole('button', { name: `Open ${flow.subject}` }).count()) === 0;
    });

    // The notification links to the new job.
    await notice.getByRole('link', { name: 'Daily VMs' }).click();
    await page.waitForURL(new RegExp(`/jobs/${job.id}$`));
    await page.getByRole('heading', { name: 'Daily VMs' }).waitFor();
  });

  it('lists the monitored job under Jobs grouped by customer, with its first run and e-mail', async () => {
    const page = await open('/');
    await navigate(page, 'Jobs');
    await clickLabelOf(page, page.getByRole('radio', { name: 'Monitored' }));
    const table = page.getByRole('table', { name: 'Monitored jobs' });
    await table.getByRole('columnheader', { name: /Contoso Ltd/ }).waitFor();
    const row = table.getByRole('row').filter({ hasText: 'Daily VMs' });
    const text = await row.innerText();
    expect(text).toContain('Veeam Backup & Replication');
    expect(text).toContain('Success');
    await ui.screen(page, 'jobs-monitored');

    await row.getByRole('link', { name: 'Daily VMs' }).click();
    await page.waitForURL(new RegExp(`/jobs/${flow.jobId}$`));
    const info = await page.getByText('veeam@contoso.com').first().innerText();
    expect(info).toContain('veeam@contoso.com');
    const history = page.getByRole('table', { name: 'Run history' });
    await until('the first run is listed', async () => (await history.getByRole('row').count()) === 2);
    expect(await history.getByRole('row').nth(1).innerText()).toContain('Success');
    await ui.screen(page, 'job-monitored-detail');
    await history.getByRole('button', { name: /^View e-mail of run #\d+$/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('iframe[title^="E-mail body"]').waitFor();
    expect(await dialog.locator('iframe[title^="E-mail body"]').getAttribute('sandbox')).toBe('');
    await dialog.getByRole('table', { name: 'Objects' }).getByRole('row').filter({ hasText: 'DC01' }).waitFor();
  });

  it('records the next report of the same job as a run, not as an Inbox row', async () => {
    const page = await open();
    const before = (await server.api('GET', '/api/inbox')).total;
    await pickFiles(page, page.getByRole('button', { name: 'Upload .eml' }), [veeamNextNight()]);
    await page.getByText('Upload: 1 file: 1 linked to a job').waitFor();
    const result = page.getByRole('table', { name: 'Upload results' }).getByRole('row').nth(1);
    expect(await result.innerText()).toContain('Linked to a job');
    await result.getByRole('link', { name: 'Open job' }).waitFor();
    expect((await server.api('GET', '/api/inbox')).total).toBe(before);
    expect(await page.getByRole('button', { name: `Open ${flow.subject}` }).count()).toBe(0);
    const runs = await server.api('GET', `/api/jobs/${flow.jobId}/runs`);
    expect(runs.total ?? runs.items.length).toBe(2);
  });

  it('re-parses the whole Inbox and says how many were re-parsed and linked', async () => {
    const page = await open();
    const inInbox = (await server.api('GET', '/api/inbox')).total;
    await page.getByRole('button', { name: 'Re-parse all' }).click();
    const summary = page.getByText(/^\d+ re-parsed, \d+ linked$/).first();
    await summary.waitFor();
    expect(await summary.innerText()).toBe(`${inInbox} re-parsed, 0 linked`);
  });

  it('deletes a message (soft) and an admin restores it from the deleted view', async () => {
    const page = await open();
    await page.getByRole('button', { name: 'Open Lunch on Friday?' }).click();
    const dialog = page.getByRole('dialog');
    // An unparsed message cannot be approved, only deleted.
    await dialog.getByText('Not recognised by any parser').waitFor();
    expect(await dialog.getByRole('button', { name: 'Approve job' }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.waitFor({ state: 'detached' });
    await until('the deleted message leaves the Inbox', async () => {
      return (await page.getByRole('button', { name: 'Open Lunch on Friday?' }).count()) === 0;
    });

    await clickLabelOf(page, page.getByRole('switch', { name: 'Show deleted messages' }));
    await page.getByRole('heading', { name: 'Inbox: deleted messages' }).waitFor();
    await page.getByRole('button', { name: 'Restore Lunch on Friday?' }).click();
    await until('the restored message leaves the deleted view', async () => {
      return (await page.getByRole('button', { name: 'Restore Lunch on Friday?' }).count()) === 0;
    });
    await clickLabelOf(page, page.getByRole('switch', { name: 'Show deleted messages' }));
    await page.getByRole('button', { name: 'Open Lunch on Friday?' }).waitFor();
  });

  it('archives then deletes the job: its report e-mails are back in the Inbox', async () => {
    const page = await open(`/jobs/${flow.jobId}`);
    await page.getByRole('heading', { name: 'Daily VMs' }).waitFor();
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    await page.getByText(/This job is archived/).waitFor();
    await page.getByRole('button', { name: 'Unarchive' }).waitFor();

    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Daily VMs?' });
    const warning = await dialog.innerText();
    expect(warning).toContain('runs, remarks and tickets');
    expect(warning).toContain('back to the Inbox');
    await dialog.getByRole('button', { name: 'Delete job' }).click();
    await page.waitForURL(/\/jobs\?kind=monitored$/);

    await navigate(page, 'Inbox');
    const rows = page
      .getByRole('table', { name: 'Inbox messages' })
      .getByRole('row')
      .filter({ hasText: flow.subject! });
    await until('both reports of the deleted job are back in the Inbox', async () => (await rows.count()) === 2);
    expect((await server.api('GET', '/api/jobs?kind=monitored&archived=true')).total).toBe(0);
  });

  it('creates a heartbeat job and shows its ping URL with curl examples', async () => {
    const page = await open('/jobs?kind=monitored');
    await action(page, 'New heartbeat job').click();
    const dialog = page.getByRole('dialog');
    await field(dialog, 'Name').fill('Offsite rsync');
    await choose(page, 'Customer', 'Fabrikam', dialog);
    await dialog.getByRole('button', { name: 'Create job' }).click();
    await dialog.getByText('Offsite rsync created').or(page.getByText('Offsite rsync created')).first().waitFor();
    const url = await dialog.getByLabel('Ping URL', { exact: true }).innerText();
    expect(url).toMatch(/^http:\/\/.+\/ping\/\S+$/);
    const shown = await dialog.innerText();
    expect(shown).toContain(`curl -fsS -m 10 --retry 3 ${url}\n`);
    expect(shown).toContain(`curl -fsS -m 10 --retry 3 ${url}/start`);
    expect(shown).toContain(`curl -fsS -m 10 --retry 3 --data-raw "$OUTPUT" ${url}/fail`);
    await ui.screen(page, 'heartbeat-job-created');
    // The URL works as shown: a ping becomes a success run.
    const pinged = await fetch(url.replace(/^http:\/\/[^/]+/, server.url));
    expect(pinged.status).toBe(200);
    await dialog.getByRole('button', { name: 'Open job' }).click();
    await page.getByRole('heading', { name: 'Offsite rsync' }).waitFor();
    const history = page.getByRole('table', { name: 'Run history' });
    await until('the ping is listed as a run', async () => (await history.getByRole('row').count()) === 2);
  });

  it('exports the monitored jobs as JSON, and importing the file brings a deleted job back', async () => {
    const page = await open('/jobs?kind=monitored');
    const [download] = await Promise.all([page.waitForEvent('download'), action(page, 'Export JSON').click()]);
    expect(download.suggestedFilename()).toBe('keepwatch-monitored-jobs.json');
    const file = readFileSync((await download.path())!);
    const doc = JSON.parse(file.toString('utf8'));
    expect(doc.format).toBe('keepwatch-monitored-jobs/1');
    expect(doc.jobs).toContainEqual(expect.objectContaining({ customer: 'Fabrikam', name: 'Offsite rsync' }));

    const table = page.getByRole('table', { name: 'Monitored jobs' });
    await table.getByRole('button', { name: 'Actions for Offsite rsync' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete Offsite rsync?' })
      .getByRole('button', { name: 'Delete job' })
      .click();
    const row = table.getByRole('row').filter({ hasText: 'Offsite rsync' });
    await until('the deleted job leaves the list', async () => (await row.count()) === 0);

    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), action(page, 'Import JSON').click()]);
    await chooser.setFiles({ name: 'keepwatch-monitored-jobs.json', mimeType: 'application/json', buffer: file });
    await page.getByText(`JSON import: 1 created, ${doc.jobs.length - 1} unchanged`).waitFor();
    await row.waitFor();
  });

  it('manages customers: create, rename, deactivate, CSV export and import', async () => {
    const page = await open('/');
    await navigate(page, 'Customers');
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    await page.getByRole('button', { name: 'New customer' }).click();
    let dialog = page.getByRole('dialog');
    await field(dialog, 'Name').fill('Northwind');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const table = page.getByRole('table', { name: 'Customers' });
    let row = table.getByRole('row').filter({ hasText: 'Northwind' });
    await row.waitFor();
    // No jobs yet: the count is shown, in red.
    const zero = row.getByLabel('0 jobs');
    expect(await zero.getAttribute('data-zero')).toBe('true');

    await row.getByRole('button', { name: 'Rename Northwind' }).click();
    dialog = page.getByRole('dialog');
    await field(dialog, 'Name').fill('Northwind Traders');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    row = table.getByRole('row').filter({ hasText: 'Northwind Traders' });
    await row.getByRole('button', { name: 'Deactivate Northwind Traders' }).click();
    await row.getByText('Inactive').waitFor();
    await ui.screen(page, 'customers');

    const [download] = await Promise.all([page.waitForEvent('download'), action(page, 'Export CSV').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split(/\r?\n/)[0]).toBe('name,slug,active,timezone,jobs');
    expect(csv).toMatch(/^Northwind Traders,northwind[^,]*,false,/m);

    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Import CSV' }).click(),
    ]);
    await chooser.setFiles({
      name: 'customers.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('name,active,timezone\nTailspin Toys,true,Europe/Paris\n'),
    });
    await page.getByText('CSV import: 1 created, 0 updated').waitFor();
    await table.getByRole('row').filter({ hasText: 'Tailspin Toys' }).getByText('Europe/Paris').waitFor();
  });

  it('shows the parsers and configures a mail importer with a write-only password', async () => {
    const page = await open('/settings/parsers');
    const parsers = page.getByRole('table', { name: 'Mail parsers' });
    const veeamRow = parsers.getByRole('row').filter({ hasText: 'veeam-br' });
    await veeamRow.waitFor();
    expect(await veeamRow.innerText()).toContain('Veeam Backup & Replication');
    await ui.screen(page, 'settings-parsers');

    await page.getByRole('tab', { name: 'Mail import' }).click();
    await page.getByRole('button', { name: 'New importer' }).click();
    let dialog = page.getByRole('dialog');
    await field(dialog, 'Name').fill('Reports mailbox');
    expect(await field(dialog, 'Check for new mail').inputValue()).toBe('Every 15 minutes');
    await field(dialog, 'Host').fill('127.0.0.1');
    await field(dialog, 'Port').fill('1');
    await field(dialog, 'User name').fill('reports');
    await field(dialog, 'Password').fill('imap-secret');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page
      .getByRole('table', { name: 'Mail importers' })
      .getByRole('row')
      .filter({ hasText: 'Reports mailbox' });
    expect(await row.innerText()).toContain('Every 15 minutes');
    await ui.screen(page, 'settings-mail-import');

    await row.getByRole('button', { name: 'Edit Reports mailbox' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByText('•••• set').waitFor();
    expect(await dialog.getByRole('button', { name: 'Change password' }).isVisible()).toBe(true);
    expect(await dialog.locator('input[type="password"]').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // Nothing listens on port 1: the test says so instead of hanging.
    await row.getByRole('button', { name: 'Test Reports mailbox' }).click();
    await page.getByRole('alert').filter({ hasText: 'Reports mailbox: test failed' }).waitFor({ timeout: 30_000 });

    // Import now asks for a batch size and opens the import run's live view.
    await row.getByRole('button', { name: 'Import now from Reports mailbox' }).click();
    dialog = page.getByRole('dialog', { name: 'Import now from Reports mailbox' });
    expect(await field(dialog, 'Batch size').inputValue()).toBe('100');
    await field(dialog, 'Batch size').fill('20');
    await dialog.getByRole('button', { name: 'Start import' }).click();
    await page.waitForURL(/\/runs\/\d+$/);
  });
});
