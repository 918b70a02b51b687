import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, closeSync, writeFileSync, readFileSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import pino from 'pino';
import { loadNotifierAdapter } from './adapters/notifiers/registry.js';
import { loadDestinationAdapter } from './adapters/destinations/registry.js';
import { loadSourceAdapter } from './adapters/sources/registry.js';
import { buildApi } from './api/server.js';
import type { ApiServices } from './api/services.js';
import type { AppConfig } from './config/app-config.js';
import { statusLabel } from './core/run-status.js';
import type { RunStatus } from './core/domain.js';
import type { JobRow, RunRow } from './db/schema.js';
import { SYSTEM_TASKS } from './core/system-tasks.js';
import { nextFireAfter } from './core/schedule.js';
import { SecretBox } from './crypto/secret-box.js';
import { loadOrCreateMasterKey } from './crypto/keys.js';
import { openDatabase, type Db } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { createRepositories, type Repositories } from './db/repositories/repositories.js';
import type { EngineDeps } from './engine/engine-deps.js';
import { LocalDispatcher } from './engine/local-dispatcher.js';
import { Metrics } from './engine/metrics.js';
import { Notifier } from './engine/notifier.js';
import { recoverInterrupted } from './engine/recovery.js';
import { Runner } from './engine/runner.js';
import { Scheduler } from './engine/scheduler.js';
import { SmtpReceiverRuntime } from './engine/smtp-receiver.runtime.js';
import { requireAccess, SYSTEM_ACTOR, type Actor } from './services/access.js';
import { AuditService } from './services/audit.service.js';
import { AuthService } from './services/auth.service.js';
import { BackupService } from './services/backup.service.js';
import { ConfigService } from './services/config.service.js';
import { CustomerService } from './services/customer.service.js';
import { DailyJobsService } from './services/daily-jobs.service.js';
import { DashboardService } from './services/dashboard.service.js';
import { EncryptionProfileService } from './services/encryption-profile.service.js';
import { HeartbeatService } from './services/heartbeat.service.js';
import { JobService } from './services/job.service.js';
import { MailImporterService } from './services/mail-importer.service.js';
import { InboxService } from './services/inbox.service.js';
import { MailService } from './services/mail.service.js';
import { MonitoredJobService } from './services/monitored-job.service.js';
import { OverrideService } from './services/override.service.js';
import { ParserService } from './services/parser.service.js';
import { RemarkService } from './services/remark.service.js';
import { ResourceService } from './services/resource.service.js';
import { ReviewService } from './services/review.service.js';
import { RunEvents } from './services/run-events.js';
import { RunService } from './services/run.service.js';
import type { ServiceDeps } from './services/service-deps.js';
import { SettingsService } from './services/settings.service.js';
import { TicketService } from './services/ticket.service.js';

export interface App {
  config: AppConfig;
  db: Db;
  repos: Repositories;
  services: ApiServices;
  http: FastifyInstance;
  runner: Runner;
  dispatcher: LocalDispatcher;
  scheduler: Scheduler;
  nodeId: string;
  /** One-time setup token when the admin has no password yet. */
  setupToken: string | null;
  close(): Promise<void>;
}

const NODE_HEARTBEAT_MS = 5000;
const RECOVERY_EVERY_MS = 10_000;

/**
 * The SQLite database belongs to one server process; a second one would break the crash
 * recovery rule ("every running run is an orphan at start"), so it is refused with a clear error.
 */
function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, 'keepwatch.lock');
  try {
    const fd = openSync(file, 'wx', 0o600);
    writeFileSync(fd, String(process.pid));
    closeSync(fd);
  } catch {
    const pid = Number(readFileSync(file, 'utf8'));
    let alive = false;
    try {
      if (pid && pid !== process.pid) {
        process.kill(pid, 0);
        alive = true;
      }
    } catch {
      alive = false;
    }
    if (alive)
      throw new Error(
        `another Keepwatch server (pid ${pid}) uses ${dataDir}; stop it, or use PostgreSQL (DATABASE_URL) to run several`,
      );
    writeFileSync(file, String(process.pid), { mode: 0o600 });
  }
  return () => {
    try {
      if (Number(readFileSync(file, 'utf8')) === process.pid) unlinkSync(file);
    } catch {
      /* already gone */
    }
  };
}

export async function runMigrations(config: AppConfig): Promise<string[]> {
  const db = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    return await migrateToLatest(db);
  } finally {
    await db.close();
  }
}

/** Builds the whole application (composition root) without listening. */
export async function createApp(config: AppConfig, opts: { logger?: pino.Logger } = {}): Promise<App> {
  const logger =
    opts.logger ??
    pino({
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    });
  mkdirSync(path.join(config.dataDir, 'tmp'), { recursive: true, mode: 0o700 });
  const db = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  let unlock: () => void;
  try {
    unlock = db.dialect === 'sqlite' ? lockDataDir(config.dataDir) : () => undefined;
  } catch (err) {
    // Refused (another server owns the data directory): leave its database file alone.
    await db.close();
    throw err;
  }
  try {
    await migrateToLatest(db);
  } catch (err) {
    unlock();
    await db.close();
    throw err;
  }
  const repos = createRepositories(db);
  const masterKey = await loadOrCreateMasterKey({
    ...(config.secret ? { envValue: config.secret } : {}),
    keyFilePath: path.join(config.dataDir, 'secret.key'),
  });
  const clock = () => Date.now();
  const deps: ServiceDeps = { repos, box: new SecretBox(masterKey), clock };
  const events = new RunEvents();

  const settings = new SettingsService(deps, {
    ...(config.maxConcurrentRuns ? { maxConcurrentRuns: config.maxConcurrentRuns } : {}),
    ...(config.catchUpWindowSeconds !== undefined ? { catchUpWindowSeconds: config.catchUpWindowSeconds } : {}),
    ...(config.timezone ? { timezone: config.timezone } : {}),
  });
  const auth = new AuthService(deps);
  const customers = new CustomerService(deps);
  const sources = new ResourceService(deps, customers, 'source', repos.sources, loadSourceAdapter, (id) =>
    repos.jobs.usingResource('source', id),
  );
  const destinations = new ResourceService(
    deps,
    customers,
    'destination',
    repos.destinations,
    loadDestinationAdapter,
    (id) => repos.jobs.usingResource('destination', id),
  );
  const channels = new ResourceService(
    deps,
    customers,
    'notification_channel',
    repos.channels,
    loadNotifierAdapter,
    (id) => repos.jobs.usingResource('channel', id),
  );
  const profiles = new EncryptionProfileService(deps, customers, (id) =>
    repos.jobs.usingResource('encryption_profile', id),
  );
  const runs = new RunService(deps, events);
  let scheduler: Scheduler | null = null;
  const jobs = new JobService(deps, {
    customers,
    sources,
    destinations,
    channels,
    profiles,
    runs,
    settings,
    onScheduleChange: () => scheduler?.reschedule(),
    publicUrl: config.publicUrl,
  });
  const backups = new BackupService(deps, { jobs, runs, sources, destinations, profiles });
  const configSvc = new ConfigService(deps, { customers, sources, destinations, channels, profiles, jobs });
  const audit = new AuditService(deps);
  const metrics = new Metrics(repos);
  const notifier = new Notifier(repos, channels);
  const nodeId = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  /** Runs recorded from reports and pings notify like runs Keepwatch executes, by effective status. */
  const notifyReportRun = (what: string, run: RunRow, job: JobRow) => {
    const status = run.effective_status ?? run.status;
    const label =
      statusLabel(status as RunStatus) + (status !== run.status ? ` (override; reported ${run.status})` : '');
    void notifier
      .notifyJob(
        job.id,
        {
          event: 'run.finished',
          status,
          title: `${label}: ${job.name}`,
          text: [`${what} for job '${job.name}': ${label}`, run.error ? `Reason: ${run.error}` : null]
            .filter(Boolean)
            .join('\n'),
          data: {
            job: job.name,
            jobId: job.id,
            runId: run.id,
            operation: run.operation,
            trigger: run.trigger,
            status,
            reportedStatus: run.status,
            error: run.error,
          },
        },
        (level, m) =>
          // Delivery can end after shutdown; a log line lost then must not become an unhandled rejection.
          void repos.runs.appendLogs([{ run_id: run.id, at: clock(), level, message: m }]).catch(() => undefined),
      )
      .catch(() => undefined);
  };
  const mail = new MailService(deps, {
    events,
    // A report is a finished run: the job's channels hear about it like about any other run.
    onReportRun: (run, job) => notifyReportRun('Report e-mail', run, job),
  });
  const log = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) =>
    logger[level](extra ?? {}, msg);
  let smtpRuntime: SmtpReceiverRuntime | null = null;
  const inbox = new InboxService(deps, { mail, jobs });
  const monitoredJobs = new MonitoredJobService(deps);
  const mailImporters = new MailImporterService(deps, {
    runs,
    onChange: () => void smtpRuntime?.reload(),
    onScheduleChange: () => scheduler?.reschedule(),
    smtpStatus: (id) => smtpRuntime?.status(id) ?? { listening: false, port: null, error: null },
  });
  const heartbeats = new HeartbeatService(deps, {
    events,
    // A completed heartbeat is a finished run: the job's channels hear about it like about any other.
    onReportRun: (run, job) => notifyReportRun('Heartbeat', run, job),
  });
  const engineDeps: EngineDeps = {
    repos,
    box: deps.box,
    clock,
    events,
    dataDir: config.dataDir,
    nodeId,
    sources,
    destinations,
    profiles,
    settings,
    notifier,
    metrics,
    log,
    mail,
    mailImporters,
    heartbeats,
  };

  const overrides = new OverrideService(deps);
  const services: ApiServices = {
    auth,
    customers,
    sources,
    destinations,
    channels,
    profiles,
    jobs,
    runs,
    dashboard: new DashboardService(deps, settings),
    backups,
    config: configSvc,
    settings,
    audit,
    events,
    mail,
    inbox,
    monitoredJobs,
    mailImporters,
    heartbeats,
    parsers: new ParserService(),
    review: new ReviewService(deps, { runs, overrides }),
    overrides,
    remarks: new RemarkService(deps),
    tickets: new TicketService(deps),
    dailyJobs: new DailyJobsService(deps, settings),
    async testSource(actor: Actor, ref) {
      const row = await sources.find(actor, ref);
      requireAccess(actor, 'write', row.customer_id, 'source');
      const { config: cfg } = await sources.resolvedConfig(row.id);
      const scratch = path.join(config.dataDir, 'tmp', `test-${randomBytes(4).toString('hex')}`);
      mkdirSync(scratch, { recursive: true, mode: 0o700 });
      try {
        const adapter = await loadSourceAdapter(row.kind);
        return await adapter.test(cfg, {
          signal: AbortSignal.timeout(30_000),
          log: () => undefined,
          scratchDir: scratch,
        });
      } catch (err) {
        return { ok: false, message: (err as Error).message };
      } finally {
        await import('node:fs/promises').then((fs) => fs.rm(scratch, { recursive: true, force: true }));
      }
    },
    async testChannel(actor: Actor, ref) {
      const row = await channels.find(actor, ref);
      requireAccess(actor, 'write', row.customer_id, 'notification channel');
      const lines: string[] = [];
      const ok = await new Notifier(repos, channels, []).deliver(
        row.id,
        {
          event: 'test',
          status: 'info',
          title: `Test from Keepwatch: ${row.name}`,
          text: `This is a test notification sent by ${actor.username}.`,
          data: { channel: row.name },
        },
        (_l, m) => lines.push(m),
      );
      return { ok, message: lines.join('; ') };
    },
    async health() {
      const checks: Record<string, string> = {};
      try {
        await repos.customers.count();
        checks.database = `ok (${db.description})`;
      } catch (err) {
        checks.database = `error: ${(err as Error).message}`;
      }
      return { ok: Object.values(checks).every((c) => c.startsWith('ok')), checks };
    },
    async metrics() {
      return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
    },
  };

  const boot = await auth.bootstrap({ adminUser: config.adminUser, adminPassword: config.adminPassword });
  await ensureSystemJobs(repos, clock);
  // The mail_import job fires only while an IMAP/Graph importer is enabled.
  await mailImporters.syncPolling();
  await repos.nodes.register({ id: nodeId, hostname: os.hostname(), pid: process.pid, now: clock() });

  const runner = new Runner(engineDeps);
  const dispatcher = new LocalDispatcher(
    repos,
    runner,
    async () => (await settings.current()).maxConcurrentRuns,
    (err) => log('error', `dispatcher: ${err.message}`),
  );
  scheduler = new Scheduler(engineDeps, runs);
  events.on('queued', () => dispatcher.wake());
  await recoverInterrupted(engineDeps, { startup: true });

  const http = await buildApi(services, {
    logger: logger as unknown as FastifyBaseLogger,
    secureCookies: config.publicUrl.startsWith('https://'),
    metricsToken: config.metricsToken,
    publicHost: new URL(config.publicUrl).host,
  });

  const timers: NodeJS.Timeout[] = [];
  timers.push(setInterval(() => void repos.nodes.heartbeat(nodeId, clock()).catch(() => undefined), NODE_HEARTBEAT_MS));
  timers.push(
    setInterval(
      () =>
        void recoverInterrupted(engineDeps, { startup: false }).catch((err: Error) =>
          log('error', `recovery: ${err.message}`),
        ),
      RECOVERY_EVERY_MS,
    ),
  );
  for (const t of timers) t.unref();
  if (config.runWorkers) dispatcher.start();
  if (config.runScheduler) scheduler.start();
  // The built-in SMTP receiver listens while an enabled smtp importer exists.
  smtpRuntime = new SmtpReceiverRuntime({ repos, importers: mailImporters, mail, clock, log });
  await smtpRuntime.start();

  let closed = false;
  return {
    config,
    db,
    repos,
    services,
    http,
    runner,
    dispatcher,
    scheduler,
    nodeId,
    setupToken: boot.setupToken,
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearInterval(t);
      await scheduler!.stop();
      await dispatcher.stop();
      await runner.shutdown();
      await dispatcher.drain();
      await smtpRuntime?.stop();
      await http.close();
      await repos.nodes.remove(nodeId).catch(() => undefined);
      await db.close();
      unlock();
    },
  };
}

/** The built-in system jobs exist once per installation, owned by the default customer. */
async function ensureSystemJobs(repos: Repositories, clock: () => number): Promise<void> {
  const owner = (await repos.customers.findByNameOrSlug('default')) ?? (await repos.customers.list(null))[0];
  if (!owner) return;
  const existing = await repos.jobs.list({ scope: null, kind: 'system' });
  for (const t of SYSTEM_TASKS) {
    if (existing.some((j) => (JSON.parse(j.config) as { task: string }).task === t.task)) continue;
    const now = clock();
    await repos.jobs.insert({
      customer_id: owner.id,
      kind: 'system',
      name: t.name,
      description: t.description,
      enabled: 1,
      archived_at: null,
      deleted_at: null,
      schedule: JSON.stringify({ type: 'automatic' }),
      next_fire_at: nextFireAfter(t.automatic, new Date(now))?.getTime() ?? null,
      config: JSON.stringify({ task: t.task }),
      created_at: now,
      updated_at: now,
    });
  }
}

/** `keepwatch serve`: build, listen, print where to go. */
export async function startServer(config: AppConfig): Promise<{ url: string; close(): Promise<void>; app: App }> {
  const app = await createApp(config);
  await app.http.listen({ port: config.port, host: config.host });
  const addr = app.http.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://localhost:${port}`;
  const base = config.publicUrl.includes(`:${config.port}`)
    ? config.publicUrl.replace(`:${config.port}`, `:${port}`)
    : config.publicUrl;
  const lines = [
    `Keepwatch is running on ${url} (${app.db.description}, data in ${config.dataDir})`,
    `API docs: ${url}/api/docs`,
  ];
  if (app.setupToken) {
    lines.push(
      `First start: set the password of '${config.adminUser}' with this one-time link (valid 24 h):`,
      `  ${base}/setup?token=${app.setupToken}`,
      `  or: curl -X POST ${url}/api/auth/setup -H 'content-type: application/json' -d '{"token":"${app.setupToken}","password":"..."}'`,
    );
  }
  // The console message is for the person who started the server (the setup link in particular).
  process.stdout.write(lines.join('\n') + '\n');
  return { url, close: () => app.close(), app };
}

export { SYSTEM_ACTOR };
