import { createHash } from 'node:crypto';
import { startSmtpReceiver } from '../adapters/mail-import/smtp-receiver/smtp.receiver.js';
import type { MailImporterRow } from '../db/schema.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { MailImporterService, SmtpListenerStatus } from '../services/mail-importer.service.js';
import type { MailService } from '../services/mail.service.js';

/** Other servers (PostgreSQL) change importers too: look at the table this often. */
const RELOAD_EVERY_MS = 30_000;

interface Listener {
  /** Hash of the settings it was started with (secrets included, never kept in clear). */
  fingerprint: string;
  port: number;
  close(): Promise<void>;
}

export interface SmtpRuntimeDeps {
  repos: Repositories;
  importers: MailImporterService;
  mail: MailService;
  clock: () => number;
  log: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

/**
 * The built-in SMTP receiver's life cycle: one listener per enabled `smtp` importer, started
 * with the server, restarted when its settings change, stopped when it is disabled or deleted.
 * Each message goes to MailService.ingest; a failed ingest makes the SMTP answer a temporary
 * error (4xx), so the sending MTA retries instead of losing the report.
 */
export class SmtpReceiverRuntime {
  private readonly listeners = new Map<number, Listener>();
  /** Why an importer is not listening (port taken...), by importer id. */
  private readonly errors = new Map<number, { fingerprint: string; message: string }>();
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly deps: SmtpRuntimeDeps) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.reload();
    this.timer = setInterval(() => void this.reload(), RELOAD_EVERY_MS);
    this.timer.unref();
  }

  /** Brings the listeners in line with the table; calls are serialised. */
  reload(): Promise<void> {
    this.chain = this.chain
      .then(() => this.sync())
      .catch((err: Error) => this.deps.log('error', `smtp receiver: ${err.message}`));
    return this.chain;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.chain;
    await Promise.all([...this.listeners.keys()].map((id) => this.close(id)));
  }

  status(importerId: number): SmtpListenerStatus {
    const l = this.listeners.get(importerId);
    return l
      ? { listening: true, port: l.port, error: null }
      : { listening: false, port: null, error: this.errors.get(importerId)?.message ?? null };
  }

  private fingerprint(row: MailImporterRow): string {
    return createHash('sha256')
      .update(JSON.stringify([row.config, row.secrets ? this.deps.importers.resolved(row).secrets : null]))
      .digest('hex');
  }

  private async sync(): Promise<void> {
    if (this.stopped) return;
    const rows = await this.deps.repos.mailImporters.enabledOfKind(['smtp']);
    const wanted = new Map(rows.map((r) => [r.id, { row: r, fingerprint: this.fingerprint(r) }]));
    for (const [id, l] of this.listeners) if (wanted.get(id)?.fingerprint !== l.fingerprint) await this.close(id);
    for (const id of this.errors.keys()) if (!wanted.has(id)) this.errors.delete(id);
    for (const { row, fingerprint } of wanted.values()) {
      if (this.listeners.has(row.id) || this.stopped) continue;
      await this.open(row, fingerprint);
    }
  }

  private async open(row: MailImporterRow, fingerprint: string): Promise<void> {
    const { config, secrets } = this.deps.importers.resolved(row);
    const host = typeof config.host === 'string' && config.host ? config.host : '0.0.0.0';
    const port = Number(config.port);
    try {
      const handle = await startSmtpReceiver({
        host,
        port,
        ...(typeof config.username === 'string' && config.username ? { username: config.username } : {}),
        ...(typeof secrets.password === 'string' && secrets.password ? { password: secrets.password } : {}),
        maxSizeBytes: Number(config.maxSizeBytes) || this.deps.mail.maxBytes,
        onMessage: (raw: Buffer) => this.receive(row.id, raw),
        logger: (level, msg) => this.deps.log(level, msg),
      });
      this.listeners.set(row.id, { fingerprint, port: handle.port, close: () => handle.close() });
      const hadError = this.errors.delete(row.id) || row.last_error !== null;
      if (hadError) await this.deps.repos.mailImporters.recordResult(row.id, null, null);
      this.deps.log('info', `smtp receiver '${row.name}' listening on ${host}:${handle.port}`);
    } catch (err) {
      // The receiver wraps the listen error; its code survives in the message.
      const text = `${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`;
      const why = /EADDRINUSE/.test(text)
        ? 'the port is already in use by another program'
        : /EACCES/.test(text)
          ? 'permission denied (ports below 1024 need privileges; use e.g. 2525 and forward)'
          : (err as Error).message;
      const message = `cannot listen on ${host}:${port}: ${why}`;
      // Retried on every reload (the port may become free); said once per distinct problem.
      if (this.errors.get(row.id)?.message !== message) {
        this.deps.log('warn', `smtp receiver '${row.name}': ${message}`);
        await this.deps.repos.mailImporters.recordResult(row.id, null, message);
      }
      this.errors.set(row.id, { fingerprint, message });
    }
  }

  private async receive(importerId: number, raw: Buffer): Promise<void> {
    const res = await this.deps.mail.ingest(raw, { importSource: 'smtp', receivedAt: this.deps.clock() });
    if (res.outcome === 'rejected') {
      this.deps.log('warn', `smtp receiver: message not stored: ${res.error ?? 'unknown error'}`);
      // The receiver answers 4xx: the sender keeps the message and tries again.
      throw new Error(`message not stored: ${res.error ?? 'unknown error'}`);
    }
    await this.deps.repos.mailImporters.recordResult(importerId, this.deps.clock(), null).catch(() => undefined);
  }

  private async close(id: number): Promise<void> {
    const l = this.listeners.get(id);
    if (!l) return;
    this.listeners.delete(id);
    await l.close().catch((err: Error) => this.deps.log('warn', `smtp receiver: closing: ${err.message}`));
  }
}
