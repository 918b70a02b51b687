import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, type TestContext } from 'vitest';
import { E2E_RESULTS, type E2eServer } from './e2e-server.js';

/** Debian's Chromium; the suite never downloads a browser. */
export const CHROMIUM = process.env.KEEPWATCH_E2E_CHROMIUM || '/usr/bin/chromium';

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** How long one action or wait may take: generous, the CI machine is shared and slow. */
export const UI_TIMEOUT = 15_000;

interface OpenPage {
  context: BrowserContext;
  page: Page;
  server: E2eServer;
  console: string[];
}

export interface BrowserSuite {
  /**
   * A fresh browser context (no cookies) and page for the running test, on `server`. It is
   * closed after the test; when the test failed, its screenshot, console and the server log
   * are saved first as test-results/e2e/<test>.{png,console.log,server.log}.
   */
  page(server: E2eServer, opts?: { viewport?: { width: number; height: number } }): Promise<Page>;
  /** Saves a screenshot of a main screen as an artifact: test-results/e2e/screens/<name>.png. */
  screen(page: Page, name: string): Promise<void>;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 100);

function testName(ctx: TestContext): string {
  const parts: string[] = [ctx.task.name];
  for (let s = ctx.task.suite; s && s.name; s = s.suite) parts.unshift(s.name);
  return slug(parts.join(' '));
}

/**
 * Registers the hooks of a browser-driven suite: one Chromium for the file, a context per test,
 * artifacts on failure. Call once at the top of a describe block.
 */
export function useBrowser(): BrowserSuite {
  let browser: Browser | null = null;
  let open: OpenPage[] = [];

  beforeAll(async (suite) => {
    // Failure artifacts of an earlier run of this suite would read as failures of this one.
    const names: string[] = [];
    for (let s: { name: string; suite?: unknown } | undefined = suite; s?.name; s = s.suite as typeof s)
      names.unshift(s.name);
    const prefix = `${slug(names.filter((n) => !n.endsWith('.ts')).join(' '))}-`;
    for (const f of existsSync(E2E_RESULTS) ? readdirSync(E2E_RESULTS) : []) {
      if (f.startsWith(prefix) && /\.(png|console\.log|server\.log)$/.test(f)) rmSync(path.join(E2E_RESULTS, f));
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, timeout: 60_000 });
  });

  afterEach(async (ctx) => {
    const pages = open;
    open = [];
    const failed = ctx.task.result?.state === 'fail';
    if (failed && pages.length) {
      mkdirSync(E2E_RESULTS, { recursive: true });
      const base = path.join(E2E_RESULTS, testName(ctx));
      for (const [i, p] of pages.entries()) {
        const name = pages.length > 1 ? `${base}-${i + 1}` : base;
        await p.page.screenshot({ path: `${name}.png`, fullPage: true, timeout: 10_000 }).catch(() => undefined);
        writeFileSync(`${name}.console.log`, `${p.page.url()}\n${p.console.join('\n')}\n`);
        if (existsSync(p.server.logFile)) copyFileSync(p.server.logFile, `${name}.server.log`);
      }
    }
    for (const p of pages) await p.context.close().catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    browser = null;
  });

  return {
    async page(server, opts) {
      if (!browser) throw new Error('the browser is not running (useBrowser() must be called in the describe block)');
      const context = await browser.newContext({
        baseURL: server.url,
        acceptDownloads: true,
        viewport: opts?.viewport ?? { width: 1366, height: 900 },
        locale: 'en-GB',
        timezoneId: 'UTC',
      });
      context.setDefaultTimeout(UI_TIMEOUT);
      context.setDefaultNavigationTimeout(30_000);
      const page = await context.newPage();
      const entry: OpenPage = { context, page, server, console: [] };
      page.on('console', (m) => entry.console.push(`[${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => entry.console.push(`[pageerror] ${e.stack ?? e.message}`));
      page.on('requestfailed', (r) =>
        entry.console.push(`[requestfailed] ${r.method()} ${r.url()} ${r.failure()?.errorText}`),
      );
      open.push(entry);
      return page;
    },
    async screen(page, name) {
      const dir = path.join(E2E_RESULTS, 'screens');
      mkdirSync(dir, { recursive: true });
      // From the top: a full-page shot of a scrolled page draws the fixed header mid-page.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(dir, `${slug(name)}.png`), fullPage: true });
    },
  };
}

// ---- Interaction helpers (playwright-core has no auto-retrying expect: poll with vitest) ----

/** Signs in through the login form and waits for the signed-in frame. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  if (!/\/login(\?|$)/.test(page.url())) await page.goto('/login');
  await field(page, 'User name').fill(username);
  await field(page, 'Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'User menu' }).waitFor();
}

/** Opens a signed-in frame page through the navigation (as a user does). */
export async function navigate(
  page: Page,
  link:
    | 'Dashboard'
    | 'Jobs'
    | 'History'
    | 'Backups'
    | 'Settings'
    | 'Inbox'
    | 'Customers'
    | 'Run Checks'
    | 'Daily Jobs'
    | 'Tickets'
    | 'Overrides',
) {
  await page.getByRole('navigation').getByRole('link', { name: link, exact: true }).click();
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A form control by its exact label. Mantine appends an aria-hidden " *" to required labels,
 * which getByLabel still reads, so the match allows it.
 */
export const field = (scope: Page | Locator, label: string) =>
  scope
    .getByLabel(new RegExp(`^\\s*${escapeRe(label)}(\\s*\\*)?\\s*$`))
    // An open Mantine dropdown (role=listbox) is labelled by the same label: only the control.
    .and(scope.locator('input, textarea, select, button, [role="radiogroup"], [role="combobox"]'));

/**
 * A control the brief names as a button; a button that navigates may be rendered as a link
 * (Mantine Button component={Link}), which is right for assistive technology too.
 */
export const action = (scope: Page | Locator, name: string) =>
  scope.getByRole('button', { name, exact: true }).or(scope.getByRole('link', { name, exact: true }));

/**
 * Picks `option` in the Mantine Select (or MultiSelect) labelled `label`: opens the dropdown and
 * clicks the option (options live in a portal, so they are looked up on the page).
 */
export async function choose(page: Page, label: string, option: string | RegExp, scope: Page | Locator = page) {
  const input = field(scope, label);
  await input.click();
  // "App database" also picks "App database (sqlite)": options may carry a detail after the name.
  const name = typeof option === 'string' ? new RegExp(`^\\s*${escapeRe(option)}(\\s*$|\\s+\\(|\\s+[-–—·])`) : option;
  const opt = page.getByRole('option', { name });
  await page.getByRole('listbox').filter({ has: opt }).getByRole('option', { name }).first().click();
}

/**
 * Clicks the visible label of a visually hidden input (Mantine Chip, SegmentedControl, Radio).
 * `input` is the checkbox/radio locator found by role and name.
 */
export async function clickLabelOf(page: Page, input: Locator) {
  const id = await input.getAttribute('id');
  if (!id) return input.click({ force: true });
  await page.locator(`label[for="${id}"]`).click();
}

/** The error text Mantine shows under the input labelled `label` (via aria-describedby). */
export async function fieldError(scope: Page | Locator, page: Page, label: string): Promise<string | null> {
  const input = field(scope, label).first();
  if ((await input.getAttribute('aria-invalid')) !== 'true') return null;
  const ids = ((await input.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
  const texts: string[] = [];
  for (const id of ids) texts.push(await page.locator(`[id="${id}"]`).innerText());
  return texts.join(' ') || '(invalid, no message)';
}

/** Waits until `fn` resolves truthy (vitest's expect.poll with a readable message). */
export async function until(what: string, fn: () => Promise<unknown> | unknown, timeout = UI_TIMEOUT) {
  await expect.poll(async () => Boolean(await fn()), { timeout, interval: 200, message: what }).toBe(true);
}
