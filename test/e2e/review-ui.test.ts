import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choose, clickLabelOf, field, navigate, signIn, until, useBrowser } from '../helpers/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER, startE2eServer, type E2eServer } from '../helpers/e2e-server.js';
import { REPO_ROOT } from '../helpers/server-process.js';

/**
 * The daily review in the browser, against a real server: two monitored jobs learned from a
 * week of report e-mails, then this morning's reports — a failure and a warning — wait in Run
 * Checks. The operator remarks on the failure (💬; the run stays), marks it reviewed, accepts
 * the warning with "Mark as success" and an override for future runs (blue "Success
 * (override)"), and the page is empty. Daily Jobs, Overrides and Tickets show the result; a
 * viewer never sees Run Checks. Elements are found by role and accessible name.
 */

const DAY = 86_400_000;
const CUSTOMER = 'Contoso';
const SQL = 'SQL Nightly';
const FILES = 'File server';
const VIEWER = { username: 'contoso-viewer', password: 'viewer-password-123' };

/** A plain-text report of the kind scripts send: "[Failed] Job name" (the generic status-tag parser). */
function report(status: 'Success' | 'Warning' | 'Failed', job: string, at: number, id: string, body: string) {
  const eml = [
    'From: backup@contoso.example',
    'To: reports@msp.example',
    `Subject: [${status}] ${job}`,
    `Date: ${new Date(at).toUTCString()}`,
    `Message-ID: <${id}@contoso.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n');
  return { name: `${id}.eml`, content: Buffer.from(eml).toString('base64') };
}

describe('Daily review in the web UI', { timeout: 180_000 }, () => {
  const ui = useBrowser();
  let server: E2eServer;
  const seeded = { customerId: 0, sqlJobId: 0, filesJobId: 0, sqlRunId: 0, filesRunId: 0 };

  beforeAll(async () => {
    if (!existsSync(path.join(REPO_ROOT, 'web', 'dist', 'index.html'))) {
      throw new Error('web/dist is missing: build the UI first (npx vite build --config web/vite.config.ts)');
    }
    server = await startE2eServer({ label: 'review-ui' });
    const customer = await server.api('POST', '/api/customers', { name: CUSTOMER });
    seeded.customerId = customer.id;
    await server.api('POST', '/api/users', {
      username: VIEWER.username,
      password: VIEWER.password,
      role: 'viewer',
      allCustomers: false,
      customerIds: [customer.id],
    });

    // A week of nightly successes, an hour before now, so a daily schedule is learned.
    const base = Date.now() - 3_600_000;
    const history = [];
    for (let d = 6; d >= 1; d--) {
      history.push(report('Success', SQL, base - d * DAY, `sql-${d}`, 'Backup of SQL01 completed.'));
      history.push(report('Success', FILES, base - d * DAY + 300_000, `files-${d}`, 'All files copied.'));
    }
    const imported = await server.api('POST', '/api/mail/import', { files: history });
    const firstOf = (file: string) => imported.results.find((r: { file: string }) => r.file === file).mailId;
    // Approving the first report of each job links the other reports of that job.
    const sql = await server.api('POST', `/api/inbox/${firstOf('sql-6.eml')}/approve`, { customerId: customer.id });
    const files = await server.api('POST', `/api/inbox/${firstOf('files-6.eml')}/approve`, {
      customerId: customer.id,
    });
    expect(sql.linked).toBe(6);
    expect(files.linked).toBe(6);
    seeded.sqlJobId = sql.job.id;
    seeded.filesJobId = files.job.id;

    // Learn the schedules now (the system job would do it within 15 minutes), then keep the
    // system jobs quiet: their own runs would be reviewable too.
    const system = (await server.api('GET', '/api/jobs?kind=system')).items as { id: number; name: string }[];
    const learning = system.find((j) => /schedule learning/i.test(j.name));
    expect(learning, 'the schedule learning system job exists').toBeTruthy();
    const run = await server.api('POST', `/api/jobs/${learning!.id}/run`);
    for (let waited = 0; ['queued', 'running'].includes((await server.api('GET', `/api/runs/${run.id}`)).status);) {
      if ((waited += 250) > 60_000) throw new Error('schedule learning did not finish within a minute');
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const j of system) await server.api('POST', `/api/jobs/${j.id}/disable`);
    const learned = await server.api('GET', `/api/jobs/${seeded.sqlJobId}`);
    expect(learned.learnedSchedule?.kind).toBe('daily');

    // Yesterday's review is done: only this morning's reports wait in Run Checks.
    const before = await server.api('GET', '/api/run-checks?pageSize=500');
    await server.api('POST', '/api/run-checks/review', {
      jobIds: before.items.map((i: { job: { id: number } }) => i.job.id),
    });
    const today = await server.api('POST', '/api/mail/import', {
      files: [
        report('Failed', SQL, base, 'sql-0', 'Backup of SQL01 failed: disk full on \\\\nas01\\backup.'),
        report('Warning', FILES, base + 300_000, 'files-0', 'Copied with warnings: 2 files skipped (in use).'),
      ],
    });
    expect(today.results.map((r: { outcome: string }) => r.outcome)).toEqual(['linked', 'linked']);
    seeded.sqlRunId = today.results[0].runId;
    seeded.filesRunId = today.results[1].runId;
    expect((await server.api('GET', '/api/run-checks')).remaining).toBe(2);
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
  });

  const open = async (to: string | null = null, user = { username: ADMIN_USER, password: ADMIN_PASSWORD }) => {
    const page = await ui.page(server);
    await signIn(page, user.username, user.password);
    if (to) await page.goto(to);
    return page;
  };

  const runChecksLink = (page: Page) =>
    page.getByRole('navigation').getByRole('link', { name: 'Run Checks', exact: true });

  it('lists the runs to review, failed first, with the count in the navigation', async () => {
    const page = await open();
    await navigate(page, 'Run Checks');
    await page.waitForURL(/\/run-checks$/);
    await page.getByText('2 runs to review').waitFor();
    expect(await runChecksLink(page).getAttribute('aria-description')).toBe('2 runs to review');

    const table = page.getByRole('table', { name: 'Jobs to review' });
    const rows = table.getByRole('row');
    await until('both jobs are listed', async () => (await rows.count()) === 3);
    const first = await rows.nth(1).innerText();
    const second = await rows.nth(2).innerText();
    expect(first).toContain(SQL);
    expect(first).toContain('Failed');
    expect(first).toContain(CUSTOMER);
    expect(first).toContain('Generic');
    expect(second).toContain(FILES);
    expect(second).toContain('Warning');
    await ui.screen(page, 'run-checks');
  });

  it('remarks on the failed run (💬, the run stays), then marks the job reviewed', async () => {
    const page = await open('/run-checks');
    const row = page.getByRole('table', { name: 'Jobs to review' }).getByRole('row').filter({ hasText: SQL });
    await row.getByRole('link', { name: SQL }).click();
    await page.waitForURL(new RegExp(`/run-checks/${seeded.sqlJobId}$`));
    const drawer = page.getByRole('dialog', { name: SQL });
    const run = drawer.getByRole('region', { name: `Run #${seeded.sqlRunId}` });
    await run.waitFor();
    expect(await run.innerText()).toContain('Failed');
    expect(await run.innerText()).toContain('Not reviewed');
    // The newest run's e-mail is shown (plain text here, in the safe viewer).
    await run
      .getByLabel(`E-mail body: [Failed] ${SQL}`)
      .getByText(/disk full/)
      .waitFor();

    await drawer.getByRole('button', { name: 'Create remark' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create remark' });
    expect(await field(dialog, 'Job').inputValue()).toBe(SQL);
    expect(await field(dialog, 'Run').inputValue()).toContain(`#${seeded.sqlRunId}`);
    await field(dialog, 'Remark').fill('NAS volume full; the customer is adding a disk.');
    await dialog.getByRole('button', { name: 'Create remark' }).click();
    await dialog.waitFor({ state: 'detached' });

    await drawer.getByText('NAS volume full; the customer is adding a disk.').waitFor();
    await drawer.getByRole('img', { name: 'Open remark' }).first().waitFor();
    await row.getByRole('img', { name: 'Open remark' }).waitFor();
    // A remark does not review anything: the run is still waiting.
    expect(await run.innerText()).toContain('Not reviewed');
    expect((await server.api('GET', '/api/run-checks')).remaining).toBe(2);
    const remarks = await server.api('GET', `/api/remarks?jobId=${seeded.sqlJobId}`);
    expect(remarks.items).toMatchObject([{ runId: seeded.sqlRunId, resolvedAt: null }]);
    await ui.screen(page, 'run-checks-job');

    await drawer.getByRole('button', { name: 'Mark as reviewed' }).click();
    await page.waitForURL(/\/run-checks$/);
    await page.getByText('1 run to review').first().waitFor();
    await until('the reviewed job leaves the list', async () => (await row.count()) === 0);
    const reviewed = await server.api('GET', `/api/runs/${seeded.sqlRunId}`);
    expect(reviewed.reviewedAt).toBeTruthy();
    expect(reviewed.reviewedBy).toMatchObject({ username: ADMIN_USER });
  });

  it('accepts the warning with Mark as success and an override: blue "Success (override)", and the page is empty', async () => {
    const page = await open('/run-checks');
    await page
      .getByRole('table', { name: 'Jobs to review' })
      .getByRole('row')
      .filter({ hasText: FILES })
      .getByRole('link', { name: FILES })
      .click();
    const drawer = page.getByRole('dialog', { name: FILES });
    const run = drawer.getByRole('region', { name: `Run #${seeded.filesRunId}` });
    await run.getByRole('button', { name: 'Mark as success' }).click();

    const dialog = page.getByRole('dialog', { name: 'Mark as success' });
    await clickLabelOf(page, dialog.getByRole('switch', { name: 'Also create an override for future runs' }));
    // Pre-filled from the run: a job-level rule for this job's warnings, treated as success.
    const jobLevel = dialog.getByRole('radio', { name: 'One job', exact: true });
    await jobLevel.waitFor();
    expect(await jobLevel.isChecked()).toBe(true);
    await until('the job is filled in', async () => (await field(dialog, 'Job').inputValue()).startsWith(FILES));
    expect(await dialog.getByRole('checkbox', { name: 'Warning' }).isChecked()).toBe(true);
    expect(await dialog.getByRole('checkbox', { name: 'Failed' }).isChecked()).toBe(false);
    expect(await dialog.getByRole('switch', { name: 'Treat as success' }).isChecked()).toBe(true);
    expect(await field(dialog, 'Error text match').inputValue()).toBe('Contains');
    // Editable before it is saved.
    await field(dialog, 'Error text').fill('files skipped (in use)');
    await field(dialog, 'Comment').fill('Open files on the file server are expected.');
    await ui.screen(page, 'run-checks-mark-success');
    await dialog.getByRole('button', { name: 'Mark as success and save override' }).click();
    await dialog.waitFor({ state: 'detached' });

    const badge = run.getByText('Success (override)');
    await badge.waitFor();
    expect(await run.locator('[data-overridden="true"]').getAttribute('data-original-status')).toBe('warning');
    await badge.hover();
    await page.getByRole('tooltip').filter({ hasText: 'Overridden: reported as Warning' }).waitFor();
    await run.getByText(`Reviewed by ${ADMIN_USER}`).waitFor();
    await drawer.getByText('All runs of this job are reviewed').waitFor();
    await ui.screen(page, 'run-checks-override');

    const overrides = (await server.api('GET', '/api/overrides')).items;
    expect(overrides).toMatchObject([
      {
        level: 'job',
        jobId: seeded.filesJobId,
        statuses: ['warning'],
        errorMatch: 'contains',
        errorText: 'files skipped (in use)',
        treatAsSuccess: true,
        comment: 'Open files on the file server are expected.',
      },
    ]);
    const marked = await server.api('GET', `/api/runs/${seeded.filesRunId}`);
    expect(marked).toMatchObject({ status: 'warning', effectiveStatus: 'success', overridden: true });
    expect(marked.reviewedAt).toBeTruthy();

    await drawer.getByRole('button', { name: 'Back to Run Checks' }).click();
    await page.waitForURL(/\/run-checks$/);
    await drawer.waitFor({ state: 'hidden' });
    await page.getByRole('heading', { name: 'All runs reviewed' }).waitFor();
    await until(
      'the navigation badge is gone',
      async () => !(await runChecksLink(page).getAttribute('aria-description')),
    );
    await ui.screen(page, 'run-checks-empty');
  });

  it("lists today's jobs in Daily Jobs with status, reviewed mark and indicators", async () => {
    const page = await open();
    await navigate(page, 'Daily Jobs');
    await page.waitForURL(/\/daily-jobs$/);
    const api = await server.api('GET', '/api/daily-jobs');
    await until('the date picker shows today', async () => (await field(page, 'Date').inputValue()) === api.date);
    const table = page.getByRole('table', { name: 'Daily jobs' });
    const LABEL: Record<string, string> = {
      success: 'Success',
      warning: 'Warning',
      failed: 'Failed',
      missed: 'Missed',
      expected: 'Expected',
    };
    for (const name of [SQL, FILES]) {
      const item = api.items.find((i: { job: { name: string } }) => i.job.name === name);
      expect(item, `${name} is expected today`).toBeTruthy();
      const row = table.getByRole('row').filter({ hasText: name });
      await row.waitFor();
      const text = await row.innerText();
      expect(text).toContain(CUSTOMER);
      expect(text).toContain('Generic');
      expect(text).toContain(item.scheduleText);
      expect(text).toContain(item.overridden ? 'Success (override)' : LABEL[item.status]);
      await row.getByRole('img', { name: item.reviewed ? 'Reviewed' : 'Not reviewed' }).waitFor();
      if (name === SQL) await row.getByRole('img', { name: 'Open remark' }).waitFor();
    }
    // When this morning's reports fall in today's window (not just after midnight), the UI shows them.
    const files = api.items.find((i: { job: { name: string } }) => i.job.name === FILES);
    if (files.lastRun?.id === seeded.filesRunId) {
      expect(files).toMatchObject({ status: 'success', overridden: true, reviewed: true });
    }
    await ui.screen(page, 'daily-jobs');

    await table.getByRole('row').filter({ hasText: SQL }).getByRole('cell').first().click();
    await page.waitForURL(new RegExp(`/jobs/${seeded.sqlJobId}$`));
  });

  it('lists the override, re-evaluates unreviewed runs and edits the rule', async () => {
    const page = await open();
    await navigate(page, 'Overrides');
    const table = page.getByRole('table', { name: 'Overrides' });
    const row = table.getByRole('row').filter({ hasText: `Job ${FILES}` });
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain('Warning');
    expect(text).toContain('message contains "files skipped (in use)"');
    expect(text).toContain('Open files on the file server are expected.');
    const id = (await server.api('GET', '/api/overrides')).items[0].id;
    await row.getByRole('button', { name: `Delete override #${id}` }).waitFor();

    await page.getByRole('button', { name: 'Re-evaluate unreviewed runs' }).click();
    await page.getByText('0 runs changed').first().waitFor();

    await row.getByRole('button', { name: `Edit override #${id}` }).click();
    const dialog = page.getByRole('dialog', { name: `Edit override #${id}` });
    expect(await field(dialog, 'Error text').inputValue()).toBe('files skipped (in use)');
    await field(dialog, 'Valid until').fill('2099-12-31');
    await field(dialog, 'Comment').fill('Open files are expected until the VSS fix.');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('Open files are expected until the VSS fix.').waitFor();
    const saved = (await server.api('GET', `/api/overrides/${id}`)) as { validUntil: string; jobId: number };
    expect(saved.jobId).toBe(seeded.filesJobId);
    // The whole last day, in the instance time zone (UTC on a fresh install).
    expect(saved.validUntil).toBe('2099-12-31T23:59:59.999Z');
    await page.waitForTimeout(400); // the dialog's fade-out
    await ui.screen(page, 'overrides');
  });

  it('shows the remark, creates a ticket scoped to a job and resolves it', async () => {
    const page = await open();
    await navigate(page, 'Tickets');
    await page.getByRole('tab', { name: 'Remarks' }).click();
    const remarks = page.getByRole('table', { name: 'Remarks' });
    const remark = remarks.getByRole('row').filter({ hasText: 'NAS volume full' });
    await remark.waitFor();
    expect(await remark.innerText()).toContain(SQL);
    expect(await remark.innerText()).toContain(`#${seeded.sqlRunId}`);

    await page.getByRole('tab', { name: 'Tickets' }).click();
    await page.getByRole('button', { name: 'New ticket' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create ticket' });
    await field(dialog, 'Ticket code').fill('PSA-4711');
    await field(dialog, 'Description').fill('Replace the full NAS volume');
    await choose(page, 'Jobs', `${SQL} (${CUSTOMER})`, dialog);
    // A multi-select stays open for more picks: leave it.
    await field(dialog, 'Ticket code').click();
    await dialog.getByRole('button', { name: 'Create ticket' }).click();
    await dialog.waitFor({ state: 'detached' });

    const tickets = page.getByRole('table', { name: 'Tickets' });
    const ticket = tickets.getByRole('row').filter({ hasText: 'PSA-4711' });
    await ticket.waitFor();
    expect(await ticket.innerText()).toContain(`Job ${SQL}`);
    const job = await server.api('GET', `/api/jobs/${seeded.sqlJobId}`);
    expect(job).toMatchObject({ hasOpenRemark: true, hasOpenTicket: true });
    await ui.screen(page, 'tickets');

    await ticket.getByRole('button', { name: 'Resolve ticket PSA-4711' }).click();
    await until('the resolved ticket leaves the open list', async () => (await ticket.count()) === 0);
    await clickLabelOf(page, page.getByRole('radio', { name: 'All' }));
    await ticket.getByRole('button', { name: 'Reopen ticket PSA-4711' }).waitFor();
    expect((await server.api('GET', `/api/jobs/${seeded.sqlJobId}`)).hasOpenTicket).toBe(false);
  });

  it('admins show reviewed runs, undo a review and review again in bulk', async () => {
    const page = await open('/run-checks');
    await page.getByRole('heading', { name: 'All runs reviewed' }).waitFor();
    await clickLabelOf(page, page.getByRole('switch', { name: 'Show reviewed' }));
    const table = page.getByRole('table', { name: 'Jobs to review' });
    const row = table.getByRole('row').filter({ hasText: SQL });
    await row.getByRole('link', { name: SQL }).click();
    const drawer = page.getByRole('dialog', { name: SQL });
    const run = drawer.getByRole('region', { name: `Run #${seeded.sqlRunId}` });
    await run.getByRole('button', { name: 'Undo review' }).click();
    await run.getByText('Not reviewed').waitFor();
    await page.getByText('1 run to review').first().waitFor();
    await drawer.getByRole('button', { name: 'Close' }).click();
    await page.waitForURL(/\/run-checks\?reviewed=1$/);

    await row.getByRole('checkbox', { name: `Select ${SQL}` }).check();
    await page.getByRole('button', { name: 'Mark selected as reviewed' }).click();
    await page.getByText('All runs reviewed').first().waitFor();
    expect((await server.api('GET', '/api/run-checks')).remaining).toBe(0);
  });

  it('a viewer sees Daily Jobs but not Run Checks', async () => {
    const page = await open(null, VIEWER);
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Daily Jobs', exact: true }).waitFor();
    expect(await runChecksLink(page).count()).toBe(0);
    await navigate(page, 'Daily Jobs');
    await page.getByRole('table', { name: 'Daily jobs' }).getByRole('row').filter({ hasText: SQL }).waitFor();

    await page.goto('/run-checks');
    await page.getByText('Reviewing runs is for operators and admins').waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/run-checks')).status);
    expect(status).toBe(403);
  });
});
