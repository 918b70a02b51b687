import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
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
function kw(
  args: string[],
  env: Record<string, string | undefined> = {},
  onStdout?: (stdout: string) => void,
): Promise<CliResult> {
  return runCli(args, { env: { KEEPWATCH_CONFIG: credentials, HOME: dir, ...env }, cwd: dir, onStdout });
}

/** Fails with the CLI's own output, so a broken command explains itself. */
function ok(result: CliResult): CliResult {
  expect(result.stderr, result.stdout).not.toMatch(/^error:/m);
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

/** A backup as `keepwatch --json backup list` prints it (the fields these tests read). */
interface BackupItem {
  id: number;
  jobName: string;
  key: string;
  size: number;
  compression: string;
  encrypted: boolean;
}

function json<T>(result: CliResult): T {
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
    // A damaged file from an earlier attempt: logging in again replaces it.
    await writeFile(viaStdin, '{"server": "http://127.0', { mode: 0o644 });
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

    expect(stdinLogin.stderr).toContain(`warning: ${viaStdin} is not valid JSON; it will be replaced`);

    // No KEEPWATCH_SERVER, no KEEPWATCH_TOKEN: the file alone is enough. A copy that others
    // can read still works, with a warning.
    await chmod(viaStdin, 0o644);
    const [whoami, exposed] = await Promise.all([kw(['whoami']), kw(['whoami'], { KEEPWATCH_CONFIG: viaStdin })]);
    expect(ok(whoami).stdout).toBe(`admin (admin) at ${base}, token from ${credentials}\n`);
    expect(whoami.stderr).toBe('');
    expect(exposed.code).toBe(0);
    expect(exposed.stdout).toBe(`admin (admin) at ${base}, token from ${viaStdin}\n`);
    expect(exposed.stderr).toBe(`warning: ${viaStdin} is readable by other users; run: chmod 600 ${viaStdin}\n`);
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
      // The same document again, this time from stdin.
      runCli(['apply', '-f', '-'], {
        env: { KEEPWATCH_CONFIG: credentials, HOME: dir, ...env },
        stdin: await readFile(file, 'utf8'),
        cwd: dir,
      }),
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
    // That the schedule is still 02:30 after this dry run is checked by export and job list below.
  });

  it('exports the configuration as YAML without secrets', async () => {
    const exported = ok(await kw(['export']));
    expect(exported.stdout).not.toContain(PG_PASSWORD);
    expect(exported.stdout).not.toMatch(/^\s+password:/m);
    const doc = parseYaml(exported.stdout) as {
      jobs: { name: string }[];
      sources: { name: string; config: unknown }[];
    };
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
    expect(doc.sources.find((item) => item.name === 'pg-app')?.config).toMatchObject({
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
    // A job without compression (system, monitored) shows a dash instead of failing.
    const system = await kw(['job', 'show', 'Retention sweep']);
    ok(system);
    expect(system.stdout).toMatch(/Kind:\s+system/);
    expect(system.stdout).toMatch(/Compression:\s+-/);
  });

  let runId: number;
  let backup: BackupItem;

  it('runs the job with --wait, showing steps, log lines and the outcome, then prints its log', async () => {
    const run = await kw(['job', 'run', JOB, '--wait']);
    ok(run);
    // Not a terminal: the run's state, its log lines (steps included), then the outcome last.
    expect(run.stdout).toMatch(/^backup run #\d+ of pg-app-nightly: (queued|running)$/m);
    const steps = [...run.stdout.matchAll(/ INFO {2}step: (\w+)$/gm)].map((match) => match[1]);
    expect(steps).toEqual(expect.arrayContaining(['dump', 'upload', 'verify', 'retention']));
    expect(run.stdout).toMatch(/ INFO {2}dump finished: .* read, .* stored/);
    const last = run.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^backup run #(\d+) of pg-app-nightly: Success in .* \(.* read, .* written\)$/);
    runId = Number(/#(\d+)/.exec(last)?.[1]);
    expect(run.stdout).not.toContain(PG_PASSWORD);

    const [logs, followed] = await Promise.all([
      kw(['run', 'logs', String(runId)]),
      kw(['run', 'logs', String(runId), '--follow']),
    ]);
    ok(logs);
    // The run is over: --follow prints the same log, then the outcome, and exits with its code.
    expect(ok(followed).stdout).toBe(`${logs.stdout}${last}\n`);
    expect(logs.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ INFO {2}step: dump$/m);
    expect(logs.stdout).toMatch(/INFO {2}Success after/);
    expect(logs.stdout).not.toContain(PG_PASSWORD);
    // Every log line of the run was shown live by --wait too.
    for (const line of logs.stdout.trimEnd().split('\n')) expect(run.stdout).toContain(line);
  });

  it('follows a running run with run logs --follow until it is over', async () => {
    // Hold a lock that pg_dump must wait for: the run stays in its dump step until released,
    // so the follower is attached to a live run, whatever the machine's speed.
    const locker = new pg.Client({ connectionString: source.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table orders in access exclusive mode');
      const queued = ok(await kw(['job', 'run', JOB]));
      const id = Number(/^queued run #(\d+) of pg-app-nightly/.exec(queued.stdout)?.[1]);
      expect(id).toBeGreaterThan(runId);

      let dumping!: () => void;
      const inDump = new Promise<'dumping'>((resolve) => (dumping = () => resolve('dumping')));
      const following = kw(['run', 'logs', String(id), '--follow', '--no-progress'], {}, (out) => {
        if (/pg_dump: database/.test(out)) dumping();
      });
      // The follower shows the dump starting while the run cannot finish: it is live.
      expect(await Promise.race([inDump, following.then(() => 'ended')])).toBe('dumping');
      expect((await t.call('GET', `/api/runs/${id}`)).body.status).toBe('running');
      await locker.query('commit');

      const followed = ok(await following);
      expect(followed.stdout).toMatch(/ INFO {2}step: retention$/m);
      expect(followed.stdout.trimEnd().split('\n').at(-1)).toMatch(
        new RegExp(`^backup run #${id} of pg-app-nightly: Success in `),
      );
      // Each log line once: the stored ones, then the streamed ones, with no repeat.
      const lines = followed.stdout.split('\n').filter((line) => / (INFO|WARN|ERROR) {1,2}/.test(line));
      expect(new Set(lines).size).toBe(lines.length);
    } finally {
      await locker.end();
    }
  });

  it('lists, verifies and restores the backup into a new database with the same data', async () => {
    const [table, listed] = await Promise.all([kw(['backup', 'list', '--job', JOB]), kw(['--json', 'backup', 'list'])]);
    ok(table);
    expect(table.stdout).toMatch(/^ID\s+JOB\s+DESTINATION\s+CREATED\s+SIZE\s+COMPRESSION\s+ENCRYPTED\s+PINNED/);
    const items = json<{ items: BackupItem[] }>(listed).items;
    // The first run's backup may have gone to GFS retention (same day, newer backup); the
    // newest one is always kept.
    const newest = items.find((item) => item.jobName === JOB);
    if (!newest) throw new Error(`no backup of ${JOB} in ${listed.stdout}`);
    backup = newest;
    expect(backup).toMatchObject({
      compression: 'zstd',
      encrypted: true,
      key: expect.stringMatching(/\.sql\.zst\.kwe$/),
    });
    const backupId = backup.id;
    expect(table.stdout).toMatch(
      new RegExp(`^${backupId}\\s+${JOB}\\s+local-disk\\s+.*\\s+zstd\\s+yes\\s+no\\s*$`, 'm'),
    );

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

    // The file as it lies on the destination, named relative to the working directory.
    const stored = path.join('backups', backup.key);
    expect((await stat(path.join(dir, stored))).size).toBe(backup.size);

    const out = path.join(dir, 'restored.sql');
    // No token, no credentials file, and the server URL points at a closed port.
    const decrypted = await runCli(['backup', 'decrypt', '--key-file', 'main.kit', stored, 'restored.sql'], {
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

    expect(ok(await kw(['job', 'archive', 'pg-copy'])).stdout).toBe('job pg-copy: archived\n');
    const [active, archived, refused] = await Promise.all([
      kw(['job', 'list']),
      kw(['job', 'list', '--archived']),
      kw(['job', 'delete', 'pg-copy']),
    ]);
    expect(ok(active).stdout).not.toContain('pg-copy');
    // The copy has the original's settings (schedule included).
    expect(ok(archived).stdout).toMatch(/pg-copy\s+default\s+backup\s+archived\s+Every day at 02:30 \(Europe\/Paris\)/);
    // Not a terminal and no --yes: nobody to ask, so nothing is deleted.
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('pass --yes');

    const [deleted, deletedJob] = await Promise.all([
      kw(['job', 'delete', 'pg-copy', '--yes']),
      kw(['job', 'delete', JOB, '--yes']),
    ]);
    expect(ok(deleted).stdout).toMatch(/^deleted job pg-copy \(id \d+\); its stored backups are kept$/m);
    expect(ok(deletedJob).stdout).toContain(`deleted job ${JOB}`);
    // Deleting a job keeps its backups.
    const [jobs, backups] = await Promise.all([
      kw(['job', 'list', '--kind', 'backup']),
      kw(['--json', 'backup', 'list']),
    ]);
    expect(ok(jobs).stdout).not.toMatch(/pg-copy|pg-app-nightly/);
    expect(json<{ items: BackupItem[] }>(backups).items.map((item) => item.id)).toContain(backup.id);
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
    const broken = 'apiVersion: keepwatch/v1\njobs:\n  - name: x\n    source: [unclosed\n  other: {\n';
    // The same mistake, once read by the server and once by the CLI (which parses files with
    // ${env:...} references to resolve them).
    await writeFile(path.join(dir, 'bad.yaml'), broken);
    await writeFile(path.join(dir, 'bad-ref.yaml'), `${broken.replace('name: x', 'name: "${env:PG_PASSWORD}"')}`);
    const [unknown, badYaml, badRef] = await Promise.all([
      kw(['job', 'run', 'no-such-job', '--wait']),
      kw(['apply', '-f', 'bad.yaml']),
      kw(['apply', '-f', 'bad-ref.yaml'], { PG_PASSWORD }),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("error: job 'no-such-job' not found\n");
    for (const result of [badYaml, badRef]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: .*line 5, column 3/m);
    }
  });
});
