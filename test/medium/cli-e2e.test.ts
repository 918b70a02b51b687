import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCli, type CliResult } from '../helpers/cli.js';
import { createPgDatabase, pgQuery, PG_ADMIN_URL, uniqueName } from '../helpers/databases.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The "Done means", through the `keepwatch` command line only: a real server on a
 * loopback port, the CLI as a child process (as a user runs it, stdout not a terminal), a real
 * PostgreSQL database backed up with zstd + encryption + GFS retention on a cron schedule,
 * then listed, verified, restored and decrypted without a server.
 */

// Trust auth accepts any password: this one proves the secret travels through ${env:...}
// and is never printed back.
const PG_PASSWORD = 'pg-secret-7f3a9c';
const JOB = 'pg-app-nightly';

let t: TestApp;
let base: string;
let closedPort: number;
let dir: string;
let credentials: string;
let source: { name: string; url: string; drop(): Promise<void> };
const missingDatabase = uniqueName('kwcli_missing');
const restoredDatabase = uniqueName('kwcli_restored');
const restoredUrl = (() => {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${restoredDatabase}`;
  return url.toString();
})();

/** The CLI as the logged-in user: server and token come from the credentials file only. */
function kw(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCli(args, { env: { KEEPWATCH_CONFIG: credentials, HOME: dir, ...env }, cwd: dir });
}

/** Fails with the CLI's own output, so a broken command explains itself. */
function ok(result: CliResult): CliResult {
  expect(result.stderr, result.stdout).not.toMatch(/^error:/m);
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

function json<T = any>(result: CliResult): T {
  return JSON.parse(ok(result).stdout) as T;
}

/** Row count and a content checksum of each table, in a stable order. */
async function fingerprint(url: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of ['customers', 'orders', 'notes']) {
    const [row] = await pgQuery<{ n: string; sum: string }>(
      url,
      `select count(*)::text as n, md5(string_agg(t::text, '|' order by t.id)) as sum from ${table} t`,
    );
    out[table] = `${row?.n}:${row?.sum}`;
  }
  return out;
}

function configYaml(schedule: string): string {
  const pg = (database: string) =>
    [
      '      host: 127.0.0.1',
      '      port: 5432',
      '      user: postgres',
      '      password: "${env:PG_PASSWORD}"',
      `      database: ${database}`,
    ].join('\n');
  return `apiVersion: keepwatch/v1
sources:
  - name: pg-app
    type: postgres
    config:
${pg(source.name)}
  - name: pg-missing
    type: postgres
    config:
${pg(missingDatabase)}
destinations:
  - name: local-disk
    type: local
    config:
      path: ${path.join(dir, 'backups')}
encryptionProfiles:
  - name: main
jobs:
  - name: ${JOB}
    description: nightly dump of the app database
    source: pg-app
    destinations:
      - destination: local-disk
        retention: { type: gfs, daily: 7, weekly: 4, monthly: 12, yearly: 2 }
    compression: { algorithm: zstd, level: 3 }
    encryptionProfile: main
    schedule: { type: cron, expression: "${schedule}", timezone: Europe/Paris }
  - name: pg-broken
    source: pg-missing
    destinations:
      - destination: local-disk
    compression: { algorithm: gzip, level: 6 }
`;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kw-cli-e2e-'));
  credentials = path.join(dir, 'config', 'credentials.json');
  source = await createPgDatabase('kwcli_src');
  await pgQuery(
    source.url,
    `create table customers (id int primary key, name text not null, created date not null);
     insert into customers select i, 'customer ' || i, date '2020-01-01' + i from generate_series(1, 1500) i;
     create table orders (id int primary key, customer_id int references customers, amount numeric(10,2), note text);
     insert into orders select i, 1 + i % 1500, (i * 7 % 10000) / 100.0, md5(i::text) from generate_series(1, 6000) i;
     create table notes (id int primary key, body text);
     insert into notes select i, repeat('line ' || i || E' tab\\t quote'' ', 3) from generate_series(1, 2500) i;`,
  );
  t = await startTestApp('sqlite');
  await t.app.http.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.http.server.address() as { port: number }).port}`;
  // A port that was just free and is now closed: nothing answers there.
  closedPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
});

afterAll(async () => {
  await t?.close();
  await source?.drop();
  await pgQuery(PG_ADMIN_URL, `drop database if exists "${restoredDatabase}" with (force)`).catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('keepwatch CLI end to end', () => {
  it('explains missing credentials and an unreachable server', async () => {
    const [anonymous, unreachable] = await Promise.all([
      kw(['whoami'], { KEEPWATCH_SERVER: base }),
      kw(['job', 'list'], { KEEPWATCH_SERVER: `http://127.0.0.1:${closedPort}`, KEEPWATCH_TOKEN: 'kw_whatever' }),
    ]);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/^error: .*keepwatch login/m);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain(`error: cannot reach Keepwatch at http://127.0.0.1:${closedPort}`);
    expect(unreachable.stderr).toContain('is the server running?');
  });

  it('logs in with the password from KEEPWATCH_PASSWORD or stdin and writes a 0600 credentials file', async () => {
    const viaStdin = path.join(dir, 'stdin-credentials.json');
    const [login, stdinLogin] = await Promise.all([
      kw(['login', '--username', 'admin'], { KEEPWATCH_SERVER: base, KEEPWATCH_PASSWORD: ADMIN_PASSWORD }),
      runCli(['login'], {
        env: { KEEPWATCH_SERVER: base, KEEPWATCH_CONFIG: viaStdin, HOME: dir },
        stdin: `${ADMIN_PASSWORD}\n`,
        cwd: dir,
      }),
    ]);
    ok(login);
    expect(login.stdout).toContain(`Logged in to ${base} as admin`);
    expect(login.stdout).not.toContain(ADMIN_PASSWORD);
    ok(stdinLogin);
    for (const file of [credentials, viaStdin]) {
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      expect(saved).toMatchObject({ server: base, username: 'admin' });
      expect(saved.token).toEqual(expect.any(String));
      expect(JSON.stringify(saved)).not.toContain(ADMIN_PASSWORD);
    }
    expect((await stat(path.dirname(credentials))).mode & 0o777).toBe(0o700);

    // No KEEPWATCH_SERVER, no KEEPWATCH_TOKEN: the file alone is enough.
    const whoami = ok(await kw(['whoami']));
    expect(whoami.stdout).toBe(`admin (admin) at ${base}, token from ${credentials}\n`);
  });

  it('applies a YAML configuration: dry run changes nothing, then creates, then is idempotent', async () => {
    const file = path.join(dir, 'keepwatch.yaml');
    await writeFile(file, configYaml('30 2 * * *'));
    const env = { PG_PASSWORD };

    const dry = ok(await kw(['apply', '-f', file, '--dry-run'], env));
    expect(dry.stdout).toMatch(/^job\s+pg-app-nightly\s+create$/m);
    expect(dry.stdout).toContain('nothing was changed');
    expect(ok(await kw(['job', 'list', '--kind', 'backup'])).stdout).toBe('No jobs.\n');

    const created = ok(await kw(['apply', '-f', file], env));
    const rows = (text: string) =>
      text
        .split('\n')
        .filter((line) => /^(source|destination|encryptionProfile|job)\s/.test(line))
        .map((line) => line.split(/\s+/).join(' '));
    expect(rows(created.stdout).sort()).toEqual(
      [
        'source pg-app create',
        'source pg-missing create',
        'destination local-disk create',
        'encryptionProfile main create',
        `job ${JOB} create`,
        'job pg-broken create',
      ].sort(),
    );
    expect(created.stdout).toContain('6 change(s) applied');

    const [again, changedDry] = await Promise.all([
      kw(['apply', '-f', file], env),
      (async () => {
        const edited = path.join(dir, 'edited.yaml');
        await writeFile(edited, configYaml('45 3 * * *'));
        return kw(['apply', '-f', edited, '--dry-run'], env);
      })(),
    ]);
    ok(again);
    expect(rows(again.stdout)).toHaveLength(6);
    expect(rows(again.stdout).every((row) => row.endsWith(' unchanged'))).toBe(true);
    expect(again.stdout).toContain('0 change(s) applied');
    ok(changedDry);
    expect(changedDry.stdout).toMatch(/^job\s+pg-app-nightly\s+update$/m);
    expect(changedDry.stdout).toContain('1 change(s) would be made, nothing was changed');

    // The dry run left the schedule as it was.
    const shown = ok(await kw(['job', 'show', JOB]));
    expect(shown.stdout).toMatch(/Schedule:\s+Every day at 02:30 \(Europe\/Paris\)/);
  });

  it('exports the configuration as YAML without secrets', async () => {
    const exported = ok(await kw(['export']));
    expect(exported.stdout).not.toContain(PG_PASSWORD);
    expect(exported.stdout).not.toMatch(/^\s+password:/m);
    const doc = parseYaml(exported.stdout) as { jobs: any[]; sources: any[] };
    const job = doc.jobs.find((item) => item.name === JOB);
    expect(job).toMatchObject({
      source: 'pg-app',
      compression: { algorithm: 'zstd', level: 3 },
      encryptionProfile: 'main',
      schedule: { type: 'cron', expression: '30 2 * * *', timezone: 'Europe/Paris' },
      destinations: [
        { destination: 'local-disk', retention: { type: 'gfs', daily: 7, weekly: 4, monthly: 12, yearly: 2 } },
      ],
    });
    expect(doc.sources.find((item) => item.name === 'pg-app').config).toMatchObject({
      host: '127.0.0.1',
      database: source.name,
    });
  });

  it('lists and shows the job with its schedule and next run', async () => {
    const [list, show] = await Promise.all([kw(['job', 'list']), kw(['job', 'show', JOB])]);
    ok(list);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+CUSTOMER\s+KIND\s+STATUS\s+SCHEDULE\s+LAST RUN\s+NEXT RUN/);
    const row = list.stdout.split('\n').find((line) => line.includes(JOB));
    expect(row).toMatch(/backup\s+active\s+Every day at 02:30 \(Europe\/Paris\)\s+-\s+(in \d+[mhd]|just now)\s*$/);
    ok(show);
    expect(show.stdout).toMatch(/Next run:\s+\d{4}-\d\d-\d\d \d\d:\d\d/);
    expect(show.stdout).toMatch(/Source:\s+pg-app \(postgres\)/);
    expect(show.stdout).toMatch(/Destinations:\s+local-disk \(local, GFS 7d\/4w\/12m\/2y\)/);
    expect(show.stdout).toMatch(/Compression:\s+zstd level 3/);
    expect(show.stdout).toMatch(/Encryption:\s+main/);
    expect(show.stdout).toContain('No runs yet.');
  });

  let runId: number;
  let backupId: number;

  it('runs the job with --wait, showing steps, log lines and the outcome, then prints and follows its log', async () => {
    const run = await kw(['job', 'run', JOB, '--wait']);
    ok(run);
    // Not a terminal: steps and log lines as plain lines, then the outcome as the last line.
    expect(run.stdout).toMatch(/^backup run #\d+ of pg-app-nightly: (queued|running)$/m);
    expect(run.stdout).toMatch(/ INFO  step: dump$/m);
    expect(run.stdout).toMatch(/ INFO  /);
    const last = run.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^backup run #(\d+) of pg-app-nightly: Success in .* \(.* read, .* written\)$/);
    runId = Number(/#(\d+)/.exec(last)?.[1]);
    expect(run.stdout).not.toContain(PG_PASSWORD);

    const [logs, followed, runs] = await Promise.all([
      kw(['run', 'logs', String(runId)]),
      kw(['run', 'logs', String(runId), '--follow']),
      kw(['--json', 'run', 'show', String(runId)]),
    ]);
    ok(logs);
    expect(logs.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ INFO  /m);
    expect(logs.stdout).not.toContain(PG_PASSWORD);
    // The run is over: --follow prints the stored log and ends with the run's exit code.
    ok(followed);
    expect(followed.stdout).toBe(logs.stdout);
    const shown = json(runs);
    expect(shown.status).toBe('success');
    expect(shown.steps.map((step: { name: string; status: string }) => `${step.name}:${step.status}`)).toEqual(
      expect.arrayContaining(['dump:done', 'upload:done', 'verify:done', 'retention:done']),
    );
    expect(shown.backupIds).toHaveLength(1);
    backupId = shown.backupIds[0];
  });

  it('follows a queued run to its end with run logs --follow', async () => {
    const queued = ok(await kw(['job', 'run', JOB]));
    const id = Number(/queued run #(\d+)/.exec(queued.stdout)?.[1]);
    expect(id).toBeGreaterThan(runId);
    const followed = ok(await kw(['run', 'logs', String(id), '--follow', '--no-progress']));
    expect(followed.stdout).toMatch(/INFO  /);
    // Whether the run was still going or already done when the command started, it ends
    // with the run over and a success exit code.
    expect(followed.stdout).not.toMatch(/^error/m);
    const run = json(await kw(['--json', 'run', 'show', String(id)]));
    expect(run.status).toBe('success');
  });

  it('lists, verifies and restores the backup into a new database with the same data', async () => {
    const [table, listed] = await Promise.all([kw(['backup', 'list', '--job', JOB]), kw(['--json', 'backup', 'list'])]);
    ok(table);
    expect(table.stdout).toMatch(/^ID\s+JOB\s+DESTINATION\s+CREATED\s+SIZE\s+COMPRESSION\s+ENCRYPTED\s+PINNED/);
    const items = json<{ items: any[] }>(listed).items;
    // The first run's backup may have gone to GFS retention (same day, newer backup); the
    // newest one is always kept.
    const newest = items.find((item) => item.jobName === JOB);
    expect(newest).toMatchObject({ compression: 'zstd', encrypted: true });
    backupId = newest.id;
    expect(table.stdout).toMatch(new RegExp(`^${backupId}\\s+${JOB}\\s+local-disk\\s+.*\\s+zstd\\s+yes\\s+no\\s*$`, 'm'));

    const verify = ok(await kw(['backup', 'verify', String(backupId)]));
    expect(verify.stdout.trimEnd().split('\n').at(-1)).toMatch(/^verify run #\d+ of pg-app-nightly: Success/);

    const restore = ok(
      await kw(['backup', 'restore', String(backupId), '--to', 'pg-app', '--database', restoredDatabase, '--yes']),
    );
    expect(restore.stdout.trimEnd().split('\n').at(-1)).toMatch(/^restore run #\d+ of pg-app-nightly: Success/);
    const original = await fingerprint(source.url);
    expect(original.orders).toMatch(/^6000:/);
    expect(await fingerprint(restoredUrl)).toEqual(original);
  });

  it('exports the recovery kit and decrypts the stored file with no server at all', async () => {
    const kit = path.join(dir, 'main.kit');
    const exported = ok(await kw(['encryption', 'export', 'main', '-o', kit]));
    expect((await stat(kit)).mode & 0o777).toBe(0o600);
    const kitText = await readFile(kit, 'utf8');
    expect(kitText.length).toBeGreaterThan(40);
    expect(exported.stdout).toContain('mode 0600');

    const backup = json(await kw(['--json', 'backup', 'show', String(backupId)]));
    const stored = path.join(dir, 'backups', backup.key);
    expect((await stat(stored)).size).toBe(backup.size);
    expect(stored).toMatch(/\.sql\.zst\.kwe$/);

    const out = path.join(dir, 'restored.sql');
    // No token, no credentials file, and the server URL points at a closed port.
    const decrypted = await runCli(['backup', 'decrypt', '--key-file', kit, stored, out], {
      env: {
        KEEPWATCH_SERVER: `http://127.0.0.1:${closedPort}`,
        KEEPWATCH_TOKEN: undefined,
        KEEPWATCH_CONFIG: path.join(dir, 'no-such-credentials.json'),
        HOME: dir,
      },
      cwd: dir,
    });
    ok(decrypted);
    expect(decrypted.stderr).toContain('decrypted, decompressed (zstd)');
    const sql = await readFile(out, 'utf8');
    expect(sql).toContain('PostgreSQL database dump');
    expect(sql).toMatch(/COPY public\.orders \(id, customer_id, amount, note\) FROM stdin;/);
    expect(sql).toContain('1500\tcustomer 1500\t');
    expect(sql).not.toContain(kitText.trim());
  });

  it('disables, enables, duplicates, archives and deletes jobs', async () => {
    const disabled = ok(await kw(['job', 'disable', JOB]));
    expect(disabled.stdout).toBe(`job ${JOB}: disabled\n`);
    const [list, duplicate] = await Promise.all([
      kw(['job', 'list', '--status', 'disabled']),
      kw(['job', 'duplicate', JOB, '--name', 'pg-copy']),
    ]);
    expect(ok(list).stdout).toMatch(new RegExp(`${JOB}\\s+default\\s+backup\\s+disabled`));
    expect(ok(duplicate).stdout).toMatch(/^created job pg-copy \(id \d+\) from pg-app-nightly$/m);
    expect(ok(await kw(['job', 'enable', JOB])).stdout).toBe(`job ${JOB}: active\n`);

    const copy = json(await kw(['--json', 'job', 'show', 'pg-copy'])).job;
    expect(copy).toMatchObject({ compression: { algorithm: 'zstd', level: 3 }, scheduleText: expect.any(String) });
    expect(copy.encryptionProfile.name).toBe('main');

    expect(ok(await kw(['job', 'archive', 'pg-copy'])).stdout).toBe('job pg-copy: archived\n');
    const [active, archived, refused] = await Promise.all([
      kw(['job', 'list']),
      kw(['job', 'list', '--archived']),
      kw(['job', 'delete', 'pg-copy']),
    ]);
    expect(ok(active).stdout).not.toContain('pg-copy');
    expect(ok(archived).stdout).toMatch(/pg-copy\s+default\s+backup\s+archived/);
    // Not a terminal and no --yes: nobody to ask, so nothing is deleted.
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('pass --yes');

    const deleted = ok(await kw(['job', 'delete', 'pg-copy', '--yes']));
    expect(deleted.stdout).toMatch(/^deleted job pg-copy \(id \d+\); its stored backups are kept$/m);
    const gone = await kw(['job', 'show', 'pg-copy']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^error: .*not found/m);

    // Deleting the real job keeps its backups.
    ok(await kw(['job', 'delete', JOB, '--yes']));
    const backups = json<{ items: any[] }>(await kw(['--json', 'backup', 'list']));
    expect(backups.items.map((item) => item.id)).toContain(backupId);
  });

  it('fails a job whose database does not exist: exit 1 and the reason', async () => {
    const run = await kw(['job', 'run', 'pg-broken', '--wait']);
    expect(run.code).toBe(1);
    const last = run.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^backup run #\d+ of pg-broken: Failed in .*: .+/);
    expect(last).toContain(missingDatabase);
    expect(last).toMatch(/does not exist/);
  });

  it('names unknown jobs and bad YAML', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, 'apiVersion: keepwatch/v1\njobs:\n  - name: x\n    source: [unclosed\n  other: {\n');
    const [unknown, unknownRun, badYaml] = await Promise.all([
      kw(['job', 'show', 'no-such-job']),
      kw(['job', 'run', 'no-such-job', '--wait']),
      kw(['apply', '-f', bad], { PG_PASSWORD }),
    ]);
    for (const result of [unknown, unknownRun]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: .*no-such-job.*not found/m);
    }
    expect(badYaml.code).toBe(1);
    expect(badYaml.stderr).toMatch(/^error: .*line \d+/m);
  });
});
