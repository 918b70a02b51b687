import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { plainMail, veeamMail } from '../helpers/report-mails.js';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** A real product mail from the parsers' fixtures, when that fixture exists. */
const FIXTURE = path.join(REPO, 'src/adapters/mail-parsers/veeam/fixtures/br-backup-success.eml');
const PARSE_KEYS = ['file', 'parser', 'software', 'type', 'jobName', 'status', 'objects', 'startedAt', 'endedAt'];

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kw-cli-mail-'));
  await writeFile(
    path.join(dir, 'failed.eml'),
    veeamMail({
      jobName: 'CLI Nightly',
      status: 'failed',
      objects: [{ name: 'db01', status: 'failed', message: 'Error: snapshot failed' }],
    }),
  );
  await writeFile(path.join(dir, 'note.eml'), plainMail('Not a report'));
  await writeFile(path.join(dir, 'junk.eml'), Buffer.from([0, 1, 2, 3, 0xff]));
  await writeFile(path.join(dir, 'empty.eml'), Buffer.alloc(0));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** `keepwatch mail parse` needs nothing but the files: no server, no credentials. */
describe('keepwatch mail parse (offline)', () => {
  const offline = { KEEPWATCH_SERVER: 'http://127.0.0.1:9', HOME: '/nonexistent' };

  it('prints one JSON object per file with exactly the documented fields', async () => {
    const files = ['failed.eml', 'note.eml', ...(existsSync(FIXTURE) ? [FIXTURE] : [])];
    const r = await runCli(['mail', 'parse', ...files, '--json'], { cwd: dir, env: offline });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Json[];
    expect(out).toHaveLength(files.length);
    for (const item of out) expect(Object.keys(item).sort()).toEqual([...PARSE_KEYS].sort());
    expect(out[0]).toEqual({
      file: 'failed.eml',
      parser: 'veeam-br',
      software: 'Veeam Backup & Replication',
      type: 'Backup Job',
      jobName: 'CLI Nightly',
      status: 'failed',
      objects: [{ name: 'db01', type: 'VM', status: 'failed', message: 'Error: snapshot failed' }],
      startedAt: '2024-01-15T22:00:12.000Z',
      endedAt: '2024-01-15T22:31:45.000Z',
    });
    expect(out[1]).toMatchObject({ file: 'note.eml', parser: null, status: null, jobName: null, objects: [] });
    if (out[2]) expect(out[2]).toMatchObject({ parser: 'veeam-br', jobName: 'Daily VMs', status: 'success' });
  });

  it('reports unreadable files with null fields and an error, exit code 1', async () => {
    const r = await runCli(['--json', 'mail', 'parse', 'missing.eml', 'junk.eml', 'failed.eml'], {
      cwd: dir,
      env: offline,
    });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as Json[];
    expect(out[0]).toEqual({
      file: 'missing.eml',
      parser: null,
      software: null,
      type: null,
      jobName: null,
      status: null,
      objects: null,
      startedAt: null,
      endedAt: null,
      error: 'cannot read missing.eml: no such file',
    });
    expect(out[1].error).toMatch(/not a readable e-mail/);
    expect(out[2].status).toBe('failed');
  });

  it('prints a readable table without --json', async () => {
    const r = await runCli(['mail', 'parse', 'failed.eml', 'note.eml'], { cwd: dir, env: offline });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^FILE\s+PARSER\s+SOFTWARE\s+TYPE\s+JOB\s+STATUS/);
    expect(lines[1]).toMatch(
      /^failed\.eml\s+veeam-br\s+Veeam Backup & Replication\s+Backup Job\s+CLI Nightly\s+failed/,
    );
    expect(lines[2]).toMatch(/^note\.eml\s+-.*not recognised/);
    expect(r.stdout).toContain('db01 failed: Error: snapshot failed');
  });

  it('runs as ./bin/keepwatch, the command the README gives, from a fresh checkout', async () => {
    // Through the shell, exactly as typed: the launcher must be an executable file in the
    // repository, not a symlink that a checkout may turn into a text file.
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        path.join(REPO, 'bin', 'keepwatch'),
        ['mail', 'parse', path.join(dir, 'failed.eml'), '--json'],
        { cwd: REPO, env: { PATH: process.env.PATH, HOME: '/nonexistent', NO_COLOR: '1' } },
        (error, stdout, stderr) =>
          error && typeof error.code !== 'number' ? reject(error) : resolve({ code: error ? 1 : 0, stdout, stderr }),
      );
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject([{ parser: 'veeam-br', jobName: 'CLI Nightly', status: 'failed' }]);
  });
});

describe.each(DIALECTS)('keepwatch mail import (%s)', (dialect) => {
  let t: TestApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp(dialect);
    await t.app.http.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(t.app.http.server.address() as { port: number }).port}`;
    env = { KEEPWATCH_SERVER: base, KEEPWATCH_TOKEN: t.token, HOME: dir };
  });
  afterAll(async () => t?.close());

  it('uploads files, prints one line each, and fails when a file is rejected', async () => {
    const first = await runCli(['mail', 'import', 'failed.eml', 'note.eml'], { cwd: dir, env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^failed\.eml: inbox {2}mail #\d+$/);
    expect(lines[1]).toMatch(/^note\.eml: inbox {2}mail #\d+ {2}\(no parser recognised this message\)$/);
    const inbox = await t.call('GET', '/api/inbox?q=CLI%20Nightly');
    expect(inbox.body.total).toBe(1);

    // Approve it, then the same report again is a duplicate and a new one becomes a run.
    const mailId = Number(/#(\d+)/.exec(lines[0]!)![1]);
    const customer = (await t.call('GET', '/api/customers')).body.items[0].id;
    const approved = await t.call('POST', `/api/inbox/${mailId}/approve`, { customerId: customer });
    expect(approved.status).toBe(200);
    await writeFile(path.join(dir, `next-${dialect}.eml`), veeamMail({ jobName: 'CLI Nightly' }));
    const second = await runCli(['--json', 'mail', 'import', 'failed.eml', `next-${dialect}.eml`], { cwd: dir, env });
    expect(second.code).toBe(0);
    const results = JSON.parse(second.stdout) as Json[];
    expect(results[0]).toMatchObject({ file: 'failed.eml', outcome: 'duplicate', mailId });
    expect(results[1]).toMatchObject({ outcome: 'linked', jobId: approved.body.job.id, error: null });
    const run = await t.call('GET', `/api/runs/${results[1].runId}`);
    expect(run.body).toMatchObject({ status: 'success', trigger: 'email' });

    const bad = await runCli(['mail', 'import', 'empty.eml', 'missing.eml', 'note.eml'], { cwd: dir, env });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^empty\.eml: rejected {2}\(the file is empty\)$/m);
    expect(bad.stdout).toMatch(/^missing\.eml: rejected {2}\(cannot read missing\.eml: no such file\)$/m);
    expect(bad.stdout).toMatch(/^note\.eml: duplicate {2}mail #\d+$/m);
  });

  it('needs credentials', async () => {
    const r = await runCli(['mail', 'import', 'note.eml'], { cwd: dir, env: { ...env, KEEPWATCH_TOKEN: 'kw_wrong' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*(log in|token)/m);
  });
});
