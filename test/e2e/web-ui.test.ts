import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  action,
  choose,
  clickLabelOf,
  field,
  fieldError,
  navigate,
  signIn,
  until,
  useBrowser,
  UI_TIMEOUT,
} from '../helpers/browser.js';
import { ADMIN_PASSWORD, ADMIN_USER, startE2eServer, type E2eServer } from '../helpers/e2e-server.js';
import { REPO_ROOT } from '../helpers/server-process.js';

/**
 * The web UI end to end, in Debian's Chromium against real server processes: a person who has
 * never seen Keepwatch sets up a SQLite backup job in the browser, runs it, watches it, finds it
 * in History, downloads and restores it. Elements are found by role and accessible name only.
 */

const sqlite = (db: string, sql: string) => execFileSync('sqlite3', [db, sql], { encoding: 'utf8' }).trim();

/** ~3 MB of text rows: a Brotli-11 backup runs for several seconds, so the run page opens before it ends even on a busy machine. */
const APP_ROWS = 30_000;
function createAppDatabase(db: string, rows: number) {
  sqlite(
    db,
    `CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL);
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
     INSERT INTO notes(body) SELECT 'note ' || i || ' ' || hex(randomblob(24)) || ' keepwatch nightly' FROM n;`,
  );
}

const JOB = 'Nightly app';

describe('Keepwatch web UI', { timeout: 90_000 }, () => {
  const ui = useBrowser();
  let firstRun: E2eServer;
  let server: E2eServer;
  /** What the flow tests hand to the next one (they follow a user's path, in order). */
  const flow: { jobId?: number; runId?: number } = {};
  const seeded = { acmeJobId: 0, globexJobId: 0, customerB: 0 };

  beforeAll(async () => {
    if (!existsSync(path.join(REPO_ROOT, 'web', 'dist', 'index.html'))) {
      throw new Error('web/dist is missing: build the UI first (npx vite build --config web/vite.config.ts)');
    }
    // Both at once; one that started is kept (and stopped in afterAll) even when the other failed.
    const started = await Promise.allSettled([
      startE2eServer({ label: 'first-run', firstRun: true }).then((s) => (firstRun = s)),
      startE2eServer({ label: 'main' }).then((s) => (server = s)),
    ]);
    for (const r of started) if (r.status === 'rejected') throw r.reason;
    // Two customers with their own sources, destinations and jobs, created by the admin over the API.
    const w = server.workDir;
    const acme = await server.api('POST', '/api/customers', { name: 'Acme' });
    const globex = await server.api('POST', '/api/customers', { name: 'Globex' });
    seeded.customerB = globex.id;
    for (const [c, slug] of [
      [acme, 'acme'],
      [globex, 'globex'],
    ] as const) {
      createAppDatabase(path.join(w, `${slug}.db`), 50);
      await server.api('POST', '/api/sources', {
        name: `${slug}-db`,
        kind: 'sqlite',
        customerId: c.id,
        config: { path: path.join(w, `${slug}.db`) },
      });
      await server.api('POST', '/api/destinations', {
        name: `${slug}-store`,
        kind: 'local',
        customerId: c.id,
        config: { path: path.join(w, `${slug}-backups`) },
      });
    }
    const job = (name: string, customerId: number, slug: string, enabled = true) =>
      server.api('POST', '/api/jobs', {
        name,
        customerId,
        enabled,
        source: `${slug}-db`,
        destinations: [{ destination: `${slug}-store`, retention: { type: 'keep_last', count: 3 } }],
        schedule: { type: 'manual' },
        compression: { algorithm: 'gzip', level: 1 },
      });
    seeded.acmeJobId = (await job('acme-web-db', acme.id, 'acme')).id;
    await job('acme-crm-db', acme.id, 'acme', false);
    seeded.globexJobId = (await job('globex-shop-db', globex.id, 'globex')).id;
    await server.api('POST', '/api/users', {
      username: 'globex-viewer',
      password: 'viewer-password-123',
      role: 'viewer',
      allCustomers: false,
      customerIds: [globex.id],
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([firstRun?.stop(), server?.stop()]);
  });

  it('sets the admin password from the printed setup link, signs in and signs out', async () => {
    const link = firstRun.setupLink();
    expect(link, 'the server prints a one-time setup link on first start').toBeTruthy();
    const page = await ui.page(firstRun);
    await page.goto(link!);
    await page.getByRole('heading', { name: 'Welcome to Keepwatch' }).waitFor();
    await field(page, 'New password').fill('first-admin-password-1');
    await field(page, 'Repeat the password').fill('first-admin-password-1');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(/\/login$/);
    await signIn(page, 'admin', 'first-admin-password-1');
    await page.getByRole('navigation').getByRole('link', { name: 'Jobs', exact: true }).waitFor();

    await page.getByRole('button', { name: 'User menu' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    // Signed out for real: a signed-in page sends back to the sign-in form.
    await page.goto('/jobs');
    await page.waitForURL(/\/login$/);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  it('creates a SQLite source, a local destination and a job from the UI', async () => {
    const w = server.workDir;
    createAppDatabase(path.join(w, 'app.db'), APP_ROWS);
    const page = await ui.page(server);
    await signIn(page, ADMIN_USER, ADMIN_PASSWORD);

    await navigate(page, 'Settings');
    await page.getByRole('tab', { name: 'Sources' }).click();
    await page.getByRole('button', { name: 'New source' }).click();
    let dialog = page.getByRole('dialog');
    await field(dialog, 'Name').fill('App database');
    await choose(page, 'Customer', 'Default', dialog);
    await choose(page, 'Type', 'SQLite', dialog);
    await field(dialog, 'Path').fill(path.join(w, 'app.db'));
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const sourceRow = page.getByRole('row').filter({ hasText: 'App database' });
    await sourceRow.getByRole('button', { name: 'Test connection' }).click();
    await page
      .getByText(/SQLite [\d.]+ database with 1 table/)
      .first()
      .waitFor();
    await ui.screen(page, 'settings-sources');

    await page.getByRole('tab', { name: 'Destinations' }).click();
    await page.getByRole('button', { name: 'New destination' }).click();
    dialog = page.getByRole('dialog');
    await field(dialog, 'Name').fill('Local backups');
    await choose(page, 'Customer', 'Default', dialog);
    await choose(page, 'Type', /^Local/, dialog);
    await field(dialog, 'Path').fill(path.join(w, 'backups'));
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: 'Local backups' }).waitFor();

    await navigate(page, 'Jobs');
    await action(page, 'New job').click();
    await page.waitForURL(/\/jobs\/new$/);
    await field(page, 'Name').fill(JOB);
    await choose(page, 'Customer', 'Default');
    await choose(page, 'Source', 'App database');
    await choose(page, 'Destination', 'Local backups');
    await choose(page, 'Retention', 'Keep last N');
    await field(page, 'Keep last').fill('7');
    await clickLabelOf(page, page.getByRole('radio', { name: 'Cron', exact: true }));
    await field(page, 'Cron expression').fill('30 2 * * *');
    // The plain reading of the expression follows what is typed.
    await page
      .getByText(/\b02:30\b/)
      .first()
      .waitFor();
    await choose(page, 'Compression', 'Brotli');
    await field(page, 'Level').fill('11');
    await ui.screen(page, 'job-editor');
    await page.getByRole('button', { name: 'Save job' }).click();
    await page.waitForURL((u) => !/\/jobs\/new$/.test(u.pathname));

    const job = await server.api('GET', `/api/jobs/${encodeURIComponent(JOB)}`);
    expect(job).toMatchObject({
      name: JOB,
      customer: { name: 'Default' },
      source: { name: 'App database', kind: 'sqlite' },
      destinations: [{ name: 'Local backups', retention: { type: 'keep_last', count: 7 } }],
      schedule: { type: 'cron', expression: '30 2 * * *' },
      compression: { algorithm: 'brotli', level: 11 },
    });
    flow.jobId = job.id;
  });

  it('runs the job and follows its progress live until Success, without reloading', async () => {
    expect(flow.jobId, 'needs the job created by the previous test').toBeTruthy();
    const page = await ui.page(server);
    await signIn(page, ADMIN_USER, ADMIN_PASSWORD);
    await navigate(page, 'Jobs');
    await page.getByRole('link', { name: JOB, exact: true }).click();
    await page.getByRole('heading', { name: JOB }).waitFor();
    await ui.screen(page, 'job-detail');
    // A full page load would drop this marker: the run view must update in place.
    await page.evaluate(() => ((window as unknown as { __kwMarker: number }).__kwMarker = 42));
    await page.getByRole('main').getByRole('button', { name: 'Run now', exact: true }).click();
    // The run view opens by itself, or from the run's link in the latest executions.
    await until('the run view opens', async () => {
      if (/\/runs\/\d+$/.test(new URL(page.url()).pathname)) return true;
      const link = page.getByRole('main').locator('a[href^="/runs/"]').first();
      if (await link.count()) await link.click().catch(() => undefined);
      return false;
    });
    const runId = Number(/\/runs\/(\d+)$/.exec(new URL(page.url()).pathname)![1]);
    flow.runId = runId;
    await page.getByRole('heading', { name: `Run #${runId}` }).waitFor();
    const main = page.getByRole('main');
    const chip = main.locator('[data-status]').first();
    const log = page.getByRole('log');
    await log.waitFor();

    // Watch the page (never reload) until the run ends, noting what the chip and the log showed.
    const snapshots: { chip: string; log: string }[] = [];
    let shot = false;
    await until(
      'the status chip reads "Success"',
      async () => {
        // textContent, not innerText: a Badge is upper-cased by CSS.
        const text = ((await chip.textContent().catch(() => '')) ?? '').trim();
        const logText = (await log.textContent().catch(() => '')) ?? '';
        const last = snapshots.at(-1);
        if (text && (last?.chip !== text || last.log !== logText)) snapshots.push({ chip: text, log: logText });
        if (!shot && text === 'In progress' && /step: dump/.test(logText)) {
          shot = true;
          await ui.screen(page, 'run-in-progress');
        }
        return text === 'Success';
      },
      60_000,
    );
    const chips = [...new Set(snapshots.map((x) => x.chip))];
    expect(chips[0], `the run had already ended when its page opened (chip: ${chips.join(' → ')})`).toMatch(
      /^(Pending|In progress)$/,
    );
    expect(chips.at(-1)).toBe('Success');
    // The log lines the server recorded, and how many of them the panel showed at each moment.
    const messages: string[] = (await server.api('GET', `/api/runs/${runId}/logs?limit=1000`)).items.map(
      (l: { message: string }) => l.message,
    );
    const shown = snapshots.map((x) => messages.filter((m) => x.log.includes(m)).length);
    expect(shown.at(-1), 'every log line is on the page at the end').toBe(messages.length);
    expect(
      shown.some((n, i) => n > 0 && snapshots[i]!.chip !== 'Success'),
      `log lines arrive while the run is in progress (lines shown: ${shown.join(', ')})`,
    ).toBe(true);
    expect(shown[0], `the log panel grew while the page was open (lines shown: ${shown.join(', ')})`).toBeLessThan(
      messages.length,
    );
    expect(await page.evaluate(() => (window as unknown as { __kwMarker?: number }).__kwMarker)).toBe(42);

    for (const step of ['Initialize', 'Dump', 'Upload', 'Verify', 'Complete', 'Retention']) {
      await main.getByText(step, { exact: true }).first().waitFor();
    }
    expect(await log.innerText()).toMatch(/Success after/);
    expect(await main.innerText()).toMatch(/\d(\.\d+)?\s?(B|KiB|MiB|kB|KB|MB)\b/);
    // A backup run lists its artifact with download and restore.
    await main.getByRole('button', { name: 'Download', exact: true }).first().waitFor();
    await main.getByRole('button', { name: 'Restore', exact: true }).first().waitFor();
    await ui.screen(page, 'run-success');
    const run = await server.api('GET', `/api/runs/${runId}`);
    expect(run.status).toBe('success');
  });

  it('finds the run in History', async () => {
    expect(flow.runId, 'needs the run of the previous test').toBeTruthy();
    const page = await ui.page(server);
    await signIn(page, ADMIN_USER, ADMIN_PASSWORD);
    await page.getByText('Last 24 hours').first().waitFor();
    await ui.screen(page, 'dashboard');

    await navigate(page, 'History');
    const runLink = page.getByRole('main').locator(`a[href="/runs/${flow.runId}"]`).first();
    await runLink.waitFor();
    const row = page.getByRole('row').filter({ has: page.locator(`a[href="/runs/${flow.runId}"]`) });
    expect(await row.textContent()).toContain(JOB);
    expect(await row.textContent()).toContain('Success');
    // Sorting by start (both ways) keeps the only run listed.
    await page.getByRole('button', { name: 'Started' }).click();
    await runLink.waitFor();
    await page.getByRole('button', { name: 'Started' }).click();
    await runLink.waitFor();
    await choose(page, 'Status', 'Success');
    await page.keyboard.press('Escape');
    await runLink.waitFor();
    await ui.screen(page, 'history');
    await runLink.click();
    await page.getByRole('heading', { name: `Run #${flow.runId}` }).waitFor();
  });

  it('downloads the backup and restores it into a second SQLite source', async () => {
    expect(flow.runId, 'needs the backup of the run test').toBeTruthy();
    const w = server.workDir;
    const target = path.join(w, 'restored.db');
    const page = await ui.page(server);
    await signIn(page, ADMIN_USER, ADMIN_PASSWORD);

    await navigate(page, 'Settings');
    await page.getByRole('tab', { name: 'Sources' }).click();
    await page.getByRole('button', { name: 'New source' }).click();
    const dialog = page.getByRole('dialog');
    await field(dialog, 'Name').fill('Restored app');
    await choose(page, 'Customer', 'Default', dialog);
    await choose(page, 'Type', 'SQLite', dialog);
    await field(dialog, 'Path').fill(target);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });

    await navigate(page, 'Backups');
    await choose(page, 'Destination', 'Local backups');
    const row = page.getByRole('row').filter({ hasText: JOB }).first();
    await row.waitFor();
    await ui.screen(page, 'backups');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: UI_TIMEOUT }),
      row.getByRole('button', { name: 'Download', exact: true }).click(),
    ]);
    const file = path.join(w, 'downloaded.sqlite');
    await download.saveAs(file);
    expect(readFileSync(file).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    expect(sqlite(file, 'SELECT count(*) FROM notes')).toBe(String(APP_ROWS));

    await row.getByRole('button', { name: 'Restore', exact: true }).click();
    const modal = page.getByRole('dialog');
    await choose(page, 'Target source', 'Restored app', modal);
    await expect.poll(() => field(modal, 'Database name').isVisible()).toBe(true);
    await modal.getByRole('button', { name: 'Restore backup' }).click();
    await until('the restore wrote the second database', () => existsSync(target), 30_000);
    await until(
      'the restore run succeeded',
      async () => {
        const runs = await server.api('GET', '/api/runs?operation=restore');
        return runs.items.some((r: { status: string }) => r.status === 'success');
      },
      30_000,
    );
    expect(sqlite(target, 'PRAGMA integrity_check')).toBe('ok');
    expect(sqlite(target, 'SELECT count(*) FROM notes')).toBe(String(APP_ROWS));
    expect(sqlite(target, 'SELECT body FROM notes WHERE id = 77')).toBe(
      sqlite(path.join(w, 'app.db'), 'SELECT body FROM notes WHERE id = 77'),
    );
  });

  /** Names of the seeded jobs currently listed. */
  const listed = async (page: Page) => {
    const names = await page.getByRole('main').getByRole('table').getByRole('link').allInnerTexts();
    return ['acme-crm-db', 'acme-web-db', 'globex-shop-db', JOB].filter((n) => names.some((x) => x.trim() === n));
  };

  it('filters the jobs list by search, status chips and customer', async () => {
    const page = await ui.page(server);
    await signIn(page, ADMIN_USER, ADMIN_PASSWORD);
    await navigate(page, 'Jobs');
    const expectListed = (names: string[], why: string) =>
      expect.poll(() => listed(page), { timeout: UI_TIMEOUT, message: why }).toEqual(names);
    await page.getByRole('link', { name: 'globex-shop-db' }).waitFor();
    await ui.screen(page, 'jobs');

    await field(page, 'Search jobs').fill('crm');
    await expectListed(['acme-crm-db'], 'search matches any part of a name');
    await field(page, 'Search jobs').fill('');
    await expectListed(['acme-crm-db', 'acme-web-db', 'globex-shop-db'].concat(flow.jobId ? [JOB] : []), 'all');

    const chip = (name: string) => page.getByRole('checkbox', { name, exact: true });
    await clickLabelOf(page, chip('Disabled'));
    await expectListed(['acme-crm-db'], 'status chip Disabled');
    await clickLabelOf(page, chip('Disabled'));
    await clickLabelOf(page, chip('Active'));
    await expectListed(['acme-web-db', 'globex-shop-db'].concat(flow.jobId ? [JOB] : []), 'status chip Active');
    await clickLabelOf(page, chip('Active'));

    await choose(page, 'Customer', 'Globex');
    await expectListed(['globex-shop-db'], 'customer filter');
  });

  it('runs two selected jobs with the bulk "Run now"', async () => {
    const page = await ui.page(server);
    await signIn(page, ADMIN_USER, ADMIN_PASSWORD);
    await navigate(page, 'Jobs');
    await page.getByRole('checkbox', { name: 'Select acme-web-db' }).check();
    await page.getByRole('checkbox', { name: 'Select globex-shop-db' }).check();
    await page.getByRole('button', { name: 'Run now', exact: true }).click();
    for (const id of [seeded.acmeJobId, seeded.globexJobId]) {
      await until(`job ${id} got a run`, async () => (await server.api('GET', `/api/runs?jobId=${id}`)).total >= 1);
    }
    const crm = await server.api('GET', '/api/jobs/acme-crm-db');
    expect(crm.lastRun, 'an unselected job does not run').toBeNull();
  });

  it('shows validation errors at their field', async () => {
    const page = await ui.page(server);
    await signIn(page, ADMIN_USER, ADMIN_PASSWORD);
    await navigate(page, 'Jobs');
    await action(page, 'New job').click();
    await field(page, 'Name').fill('cron-typo');
    await choose(page, 'Customer', 'Acme');
    await choose(page, 'Source', 'acme-db');
    await choose(page, 'Destination', 'acme-store');
    await clickLabelOf(page, page.getByRole('radio', { name: 'Cron', exact: true }));
    await field(page, 'Cron expression').fill('61 25 * * *');
    await page.getByRole('button', { name: 'Save job' }).click();
    await expect
      .poll(() => fieldError(page, page, 'Cron expression'), { timeout: UI_TIMEOUT })
      .toMatch(/cron|minute|hour|invalid|range/i);
    await ui.screen(page, 'job-editor-validation');

    // A refusal of the server (the name is taken for this customer) lands under Name.
    await field(page, 'Cron expression').fill('0 3 * * *');
    await field(page, 'Name').fill('acme-web-db');
    await page.getByRole('button', { name: 'Save job' }).click();
    await expect.poll(() => fieldError(page, page, 'Name'), { timeout: UI_TIMEOUT }).toMatch(/already exists/);
    expect(new URL(page.url()).pathname).toBe('/jobs/new');
    const jobs = await server.api('GET', '/api/jobs?q=cron-typo');
    expect(jobs.total).toBe(0);
  });

  it("a viewer of one customer does not see another customer's jobs, then signs out", async () => {
    const page = await ui.page(server);
    await signIn(page, 'globex-viewer', 'viewer-password-123');
    await navigate(page, 'Jobs');
    await page.getByRole('link', { name: 'globex-shop-db' }).waitFor();
    expect(await listed(page)).toEqual(['globex-shop-db']);
    // Nor by its address.
    await page.goto(`/jobs/${seeded.acmeJobId}`);
    await page.getByRole('button', { name: 'User menu' }).waitFor();
    await expect
      .poll(() => page.getByRole('main').innerText(), { timeout: UI_TIMEOUT })
      .toMatch(/not found|no access|forbidden|not allowed/i);
    expect(await page.getByRole('heading', { name: 'acme-web-db' }).count()).toBe(0);

    await page.getByRole('button', { name: 'User menu' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    await page.goto('/jobs');
    await page.waitForURL(/\/login$/);
  });
});
