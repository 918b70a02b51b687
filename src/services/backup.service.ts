import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadDestinationAdapter } from '../adapters/destinations/registry.js';
import type { CompressionAlgorithm } from '../core/domain.js';
import { ConflictError, IntegrityError, NotFoundError, ValidationError } from '../core/errors.js';
import { createDecompressStream } from '../compression/compression.js';
import { createDecryptStream } from '../crypto/backup-stream.js';
import type { BackupWithNames } from '../db/repositories/backup.repository.js';
import { canSeeCustomer, customerScope, requireAccess, type Actor } from './access.js';
import type { EncryptionProfileService } from './encryption-profile.service.js';
import type { JobService } from './job.service.js';
import type { ResourceService } from './resource.service.js';
import type { RunService } from './run.service.js';
import { audit, type ServiceDeps } from './service-deps.js';

const SIDECAR_SUFFIX = '.meta.json';
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function backupDto(b: BackupWithNames) {
  return {
    id: b.id,
    runId: b.run_id,
    jobId: b.job_id,
    jobName: b.job_name,
    customerId: b.customer_id,
    destination: { id: b.destination_id, name: b.destination_name, kind: b.destination_kind },
    key: b.object_key,
    size: b.size,
    rawSize: b.raw_size,
    sha256: b.sha256,
    compression: b.compression,
    encrypted: b.encrypted === 1,
    keyId: b.key_id,
    extension: b.extension,
    createdAt: iso(b.created_at),
    pinned: b.pinned === 1,
    verifiedAt: iso(b.verified_at),
    metadata: JSON.parse(b.metadata) as Record<string, unknown>,
  };
}

/** The storage explorer's use cases: list, pin, delete, verify, restore, download. */
export class BackupService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly s: {
      jobs: JobService;
      runs: RunService;
      sources: ResourceService;
      destinations: ResourceService;
      profiles: EncryptionProfileService;
    },
  ) {}

  private async find(actor: Actor, id: number): Promise<BackupWithNames> {
    const b = Number.isInteger(id) ? await this.deps.repos.backups.get(id) : undefined;
    if (!b || !canSeeCustomer(actor, b.customer_id)) throw new NotFoundError(`backup ${id} not found`);
    return b;
  }

  async list(actor: Actor, q: { job?: string | number | undefined; destinationId?: number | undefined }) {
    requireAccess(actor, 'read', undefined, 'backups');
    const jobId = q.job !== undefined ? await this.jobIdForFilter(actor, q.job) : undefined;
    const rows = await this.deps.repos.backups.list({
      scope: customerScope(actor),
      jobId,
      destinationId: q.destinationId,
    });
    return { items: rows.map(backupDto), total: rows.length, page: 1, pageSize: rows.length };
  }

  /**
   * A live job by id or name; a numeric id may also be a deleted job, whose backups are kept and
   * stay listable (the list itself is limited to the caller's customers, so no access leaks).
   */
  private async jobIdForFilter(actor: Actor, ref: string | number): Promise<number> {
    try {
      return (await this.s.jobs.find(actor, ref)).id;
    } catch (err) {
      if (err instanceof NotFoundError && /^\d+$/.test(String(ref).trim())) return Number(ref);
      throw err;
    }
  }

  async get(actor: Actor, id: number) {
    const b = await this.find(actor, id);
    requireAccess(actor, 'read', b.customer_id, 'backup');
    return backupDto(b);
  }

  async setPinned(actor: Actor, id: number, pinned: boolean) {
    const b = await this.find(actor, id);
    requireAccess(actor, 'write', b.customer_id, 'backup');
    await this.deps.repos.backups.update(id, { pinned: pinned ? 1 : 0 });
    await audit(this.deps, actor, {
      action: pinned ? 'pin' : 'unpin',
      entity: 'backup',
      entityId: id,
      customerId: b.customer_id,
    });
    return this.get(actor, id);
  }

  async delete(actor: Actor, id: number) {
    const b = await this.find(actor, id);
    requireAccess(actor, 'delete_backup', b.customer_id, 'backup');
    if (b.pinned) throw new ConflictError(`backup ${id} is pinned; unpin it before deleting`);
    const { row, config } = await this.s.destinations.resolvedConfig(b.destination_id);
    const dest = await (await loadDestinationAdapter(row.kind)).open(config);
    try {
      await dest.delete(b.object_key);
      await dest.delete(b.object_key + SIDECAR_SUFFIX).catch(() => undefined);
    } finally {
      await dest.close();
    }
    await this.deps.repos.backups.update(id, { deleted_at: this.deps.clock() });
    await audit(this.deps, actor, {
      action: 'delete',
      entity: 'backup',
      entityId: id,
      customerId: b.customer_id,
      before: { key: b.object_key, destination: row.name },
    });
    return { deleted: true };
  }

  async verify(actor: Actor, id: number) {
    const b = await this.find(actor, id);
    requireAccess(actor, 'run', b.customer_id, 'backup');
    const job = (await this.deps.repos.jobs.get(b.job_id)) ?? (await this.jobEvenIfDeleted(b.job_id));
    const run = await this.s.runs.enqueue({
      job,
      operation: 'verify',
      trigger: 'manual',
      params: { backupId: id },
      requestedBy: actor.userId,
    });
    return this.s.runs.get(actor, run.id);
  }

  /** Queues a restore run; the target is the original source or another of the same engine. */
  async restore(
    actor: Actor,
    id: number,
    input: { sourceId?: number | string; source?: number | string; database?: string | undefined },
  ) {
    const b = await this.find(actor, id);
    requireAccess(actor, 'restore', b.customer_id, 'backup');
    const ref = input.sourceId ?? input.source;
    if (ref === undefined || ref === '')
      throw new ValidationError('restore.sourceId is required (the source to restore into)');
    const target = await this.s.sources.find(actor, ref);
    requireAccess(actor, 'restore', target.customer_id, 'source');
    const meta = JSON.parse(b.metadata) as { source?: { kind?: string } };
    if (meta.source?.kind && meta.source.kind !== target.kind) {
      throw new ValidationError(
        `backup ${id} is a ${meta.source.kind} dump; source '${target.name}' is ${target.kind}`,
      );
    }
    if (input.database !== undefined && !/^[A-Za-z0-9_$.\-/ ]{1,200}$/.test(input.database)) {
      throw new ValidationError('restore.database must be 1–200 letters, digits, spaces or _ $ . - /');
    }
    const job = (await this.deps.repos.jobs.get(b.job_id)) ?? (await this.jobEvenIfDeleted(b.job_id));
    const run = await this.s.runs.enqueue({
      job,
      operation: 'restore',
      trigger: 'manual',
      params: { backupId: id, sourceId: target.id, ...(input.database ? { database: input.database } : {}) },
      requestedBy: actor.userId,
    });
    await audit(this.deps, actor, {
      action: 'restore',
      entity: 'backup',
      entityId: id,
      customerId: b.customer_id,
      after: { runId: run.id, source: target.name, database: input.database ?? null },
    });
    return this.s.runs.get(actor, run.id);
  }

  private async jobEvenIfDeleted(jobId: number) {
    const job = await this.deps.repos.db.kysely
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', jobId)
      .executeTakeFirst();
    if (!job) throw new NotFoundError(`job ${jobId} not found`);
    return job;
  }

  /**
   * A download stream: the stored bytes (`raw`), or the original dump (decrypted, decompressed,
   * each chunk authenticated before it is sent). A tampered file aborts the stream mid-way.
   */
  async download(
    actor: Actor,
    id: number,
    raw: boolean,
  ): Promise<{ stream: Readable; filename: string; size: number | null }> {
    const b = await this.find(actor, id);
    requireAccess(actor, raw ? 'read' : 'restore', b.customer_id, 'backup');
    const { row, config } = await this.s.destinations.resolvedConfig(b.destination_id);
    const dest = await (await loadDestinationAdapter(row.kind)).open(config);
    const input = await dest.read(b.object_key);
    const base = b.object_key.split('/').pop()!;
    await audit(this.deps, actor, {
      action: raw ? 'download_raw' : 'download',
      entity: 'backup',
      entityId: id,
      customerId: b.customer_id,
    });
    if (raw) {
      input.once('close', () => void dest.close());
      return { stream: input, filename: base, size: b.size };
    }
    const out = new PassThrough();
    // Unencrypted files have no per-chunk tags: only the recorded SHA-256 tells a changed byte,
    // so the download fails at the end instead of completing with damaged data.
    const stages: NodeJS.ReadWriteStream[] = [sha256Check(b.sha256)];
    if (b.encrypted) stages.push(createDecryptStream({ keyFor: (k) => this.s.profiles.keyById(k) }));
    stages.push(createDecompressStream(b.compression as CompressionAlgorithm));
    void pipeline([input, ...stages, out])
      .catch((err: Error) => out.destroy(err))
      .finally(() => void dest.close());
    return { stream: out, filename: `${base.split('.')[0]}.${b.extension}`, size: b.raw_size };
  }
}

/** Passes bytes through and fails at the end when their SHA-256 is not the expected one. */
function sha256Check(expected: string): Transform {
  const hash = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      const actual = hash.digest('hex');
      cb(
        actual === expected
          ? null
          : new IntegrityError(
              `stored file's SHA-256 ${actual.slice(0, 16)}… differs from the recorded ${expected.slice(0, 16)}… (file changed or damaged)`,
            ),
      );
    },
  });
}
