import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadDestinationAdapter } from '../../adapters/destinations/registry.js';
import type { Destination, UploadHandle } from '../../adapters/destinations/destination.contract.js';
import { loadSourceAdapter } from '../../adapters/sources/registry.js';
import { compressionExtension } from '../../compression/compression.js';
import type { RetentionPolicy, Schedule } from '../../core/domain.js';
import { formatBytes } from '../../core/duration.js';
import { ENCRYPTED_EXTENSION } from '../../crypto/backup-stream.js';
import { keyIdOf } from '../../crypto/keys.js';
import type { JobRow } from '../../db/schema.js';
import type { BackupJobConfig } from '../../services/job.types.js';
import type { EngineDeps } from '../engine-deps.js';
import { artifactKey, SIDECAR_SUFFIX } from '../pipeline/artifact-key.js';
import { backupStages } from '../pipeline/backup-stages.js';
import { FanOut } from '../pipeline/stream-tools.js';
import type { RunContext } from '../run-context.js';
import { applyRetention } from './retention.js';
import { RunFailure, type Operation, type OperationOutcome } from './operation.js';
import { verifyStoredObject } from './verify.js';

interface OpenedDestination {
  id: number;
  name: string;
  kind: string;
  retention: RetentionPolicy;
  dest: Destination;
  upload?: UploadHandle;
  error?: Error;
}

const KEEPWATCH_VERSION = '0.1.0';

/**
 * initialize → dump (source → compress → encrypt → hash → every destination, one streamed pass,
 * no temporary copy) → upload (commit: fsync + rename / complete) → verify → complete → retention.
 */
export const backupOperation: Operation = {
  steps: ['initialize', 'dump', 'upload', 'verify', 'complete', 'retention'],

  async execute(ctx: RunContext, job: JobRow, deps: EngineDeps): Promise<OperationOutcome> {
    const cfg = JSON.parse(job.config) as BackupJobConfig;
    const customer = await deps.repos.customers.get(job.customer_id);
    const opened: OpenedDestination[] = [];
    const scratchDir = await mkdtemp(path.join(deps.dataDir, 'tmp', `run-${ctx.runId}-`));

    try {
      // ── initialize: config, credentials, source check, destinations
      ctx.beginStep('initialize');
      const { row: sourceRow, config: sourceConfig } = await deps.sources.resolvedConfig(cfg.sourceId);
      if (cfg.database) sourceConfig.database = cfg.database;
      const source = await loadSourceAdapter(sourceRow.kind);
      const check = await source.test(sourceConfig, { signal: ctx.signal, log: ctx.log, scratchDir });
      if (!check.ok) throw new RunFailure(`source '${sourceRow.name}' check failed: ${check.message}`);
      ctx.log(
        'info',
        `source '${sourceRow.name}' (${sourceRow.kind}) reachable${check.serverVersion ? `, server ${check.serverVersion}` : ''}`,
      );

      let key: Buffer | null = null;
      let keyId: string | null = null;
      if (cfg.encryptionProfileId) {
        const profile = await deps.repos.profiles.get(cfg.encryptionProfileId);
        if (!profile) throw new RunFailure(`encryption profile ${cfg.encryptionProfileId} no longer exists`);
        key = deps.profiles.keyOf(profile);
        keyId = keyIdOf(key).toString('hex');
        ctx.log('info', `encrypting with profile '${profile.name}' (key id ${keyId})`);
      }

      for (const d of await deps.repos.jobs.destinations(job.id)) {
        const { row, config } = await deps.destinations.resolvedConfig(d.destination_id);
        const adapter = await loadDestinationAdapter(row.kind);
        try {
          opened.push({
            id: row.id,
            name: row.name,
            kind: row.kind,
            retention: JSON.parse(d.retention) as RetentionPolicy,
            dest: await adapter.open(config),
          });
        } catch (err) {
          ctx.log('error', `destination '${row.name}' unavailable: ${(err as Error).message}`);
          opened.push({
            id: row.id,
            name: row.name,
            kind: row.kind,
            retention: { type: 'none' },
            dest: null as unknown as Destination,
            error: err as Error,
          });
        }
      }
      if (!opened.some((d) => !d.error)) throw new RunFailure('no destination is available');

      // ── dump: one streamed pass to every destination in parallel
      ctx.beginStep('dump');
      const createdAt = deps.clock();
      const dump = await source.dump(sourceConfig, { signal: ctx.signal, log: ctx.log, scratchDir });
      const ext = [dump.extension, compressionExtension(cfg.compression.algorithm), key ? ENCRYPTED_EXTENSION : '']
        .filter(Boolean)
        .join('.');
      const objectKey = artifactKey({
        customerSlug: customer?.slug ?? 'customer',
        jobName: job.name,
        createdAt,
        runId: ctx.runId,
        extension: ext,
      });
      for (const d of opened) if (!d.error) d.upload = await d.dest.upload(objectKey, { runId: ctx.runId });
      ctx.log(
        'info',
        `writing ${objectKey} to ${opened
          .filter((d) => d.upload)
          .map((d) => `'${d.name}'`)
          .join(', ')}`,
      );

      let rawBytes = 0;
      const fan = new FanOut(
        opened.filter((d) => d.upload).map((d) => ({ name: d.name, stream: d.upload!.stream })),
        (n) => ctx.addWritten(n),
        (t, err) => {
          const d = opened.find((x) => x.name === t.name);
          if (d) d.error = err;
          ctx.log('error', `destination '${t.name}' failed while writing: ${err.message}`);
        },
      );
      const { stages, rawCrc32 } = backupStages({
        compression: cfg.compression,
        key,
        onRawBytes: (n) => {
          rawBytes += n;
          ctx.addRead(n);
        },
      });
      const dumpDone = dump.done.then(
        (r) => r,
        (err: Error) => {
          // The tool failing must stop the byte pipeline too (it may still be waiting for input).
          dump.stream.destroy(err);
          throw err;
        },
      );
      let toolVersion: string | undefined;
      try {
        const [, done] = await Promise.all([
          pipeline([dump.stream as Readable, ...stages, fan], { signal: ctx.signal }),
          dumpDone,
        ]);
        toolVersion = done.toolVersion;
      } catch (err) {
        await abortAll(opened);
        throw err;
      }
      const sha256 = fan.digest();
      ctx.log(
        'info',
        `dump finished: ${formatBytes(rawBytes)} read, ${formatBytes(fan.bytes)} stored (sha256 ${sha256.slice(0, 16)}…)`,
      );

      // An empty or implausibly small dump fails before anything becomes a backup.
      const tooSmall = await sizeProblem(deps, job, cfg, rawBytes);
      if (tooSmall) {
        await abortAll(opened);
        throw new RunFailure(tooSmall);
      }

      // ── upload: make every copy durable and visible
      ctx.beginStep('upload');
      await Promise.all(
        opened
          .filter((d) => d.upload && !d.error)
          .map(async (d) => {
            try {
              await d.upload!.commit();
            } catch (err) {
              d.error = err as Error;
              ctx.log('error', `destination '${d.name}': commit failed: ${(err as Error).message}`);
              await d.upload!.abort().catch(() => undefined);
            }
          }),
      );
      const stored = opened.filter((d) => d.upload && !d.error);
      if (!stored.length) throw new RunFailure('the backup could not be stored on any destination');

      // ── verify: re-read what was stored (hash, authentication tags, decompression)
      ctx.beginStep('verify');
      const verifiedAt: Record<number, number | null> = {};
      for (const d of stored) {
        try {
          const v = await verifyStoredObject({
            dest: d.dest,
            key: objectKey,
            sha256,
            encrypted: !!key,
            compression: cfg.compression.algorithm,
            keyFor: async (id) => (key && id.toString('hex') === keyId ? key : deps.profiles.keyById(id)),
            signal: ctx.signal,
            crc32: rawCrc32() !== null,
          });
          if (v.rawSize !== rawBytes)
            throw new Error(`restored size ${v.rawSize} differs from dumped size ${rawBytes}`);
          if (rawCrc32() !== null && v.rawCrc32 !== rawCrc32())
            throw new Error('decoded content differs from the dump (CRC-32 mismatch)');
          verifiedAt[d.id] = deps.clock();
          ctx.log('info', `verified copy on '${d.name}'`);
        } catch (err) {
          d.error = err as Error;
          ctx.log('error', `verification on '${d.name}' failed: ${(err as Error).message}`);
          await d.dest.delete(objectKey).catch(() => undefined);
        }
      }
      const good = stored.filter((d) => !d.error);
      if (!good.length) throw new RunFailure('verification failed on every destination');

      // ── complete: sidecar metadata and the backup records
      ctx.beginStep('complete');
      const metadata = {
        format: 'keepwatch-backup-metadata/1',
        job: { id: job.id, name: job.name },
        customer: { id: job.customer_id, slug: customer?.slug },
        run: { id: ctx.runId, trigger: ctx.run.trigger },
        source: {
          id: sourceRow.id,
          name: sourceRow.name,
          kind: sourceRow.kind,
          database: sourceConfig.database ?? null,
        },
        createdAt: new Date(createdAt).toISOString(),
        rawSize: rawBytes,
        size: fan.bytes,
        sha256,
        ...(rawCrc32() ? { rawCrc32: rawCrc32() } : {}),
        compression: cfg.compression,
        encryption: key ? { algorithm: 'AES-256-GCM', keyId, format: 'KWBACKUP v1' } : null,
        extension: dump.extension,
        tools: { keepwatch: KEEPWATCH_VERSION, dump: toolVersion ?? null, node: process.version },
      };
      const backupIds: number[] = [];
      for (const d of good) {
        try {
          const side = await d.dest.upload(objectKey + SIDECAR_SUFFIX, { runId: ctx.runId });
          await pipeline(Readable.from([Buffer.from(JSON.stringify(metadata, null, 2))]), side.stream);
          await side.commit();
        } catch (err) {
          // The file carries its own header; a missing sidecar is a warning, not a lost backup.
          ctx.log('warn', `sidecar on '${d.name}' not written: ${(err as Error).message}`);
        }
        const b = await deps.repos.backups.insert({
          run_id: ctx.runId,
          job_id: job.id,
          customer_id: job.customer_id,
          destination_id: d.id,
          object_key: objectKey,
          size: fan.bytes,
          raw_size: rawBytes,
          sha256,
          compression: cfg.compression.algorithm,
          encrypted: key ? 1 : 0,
          key_id: keyId,
          extension: dump.extension,
          created_at: createdAt,
          pinned: 0,
          verified_at: verifiedAt[d.id] ?? null,
          deleted_at: null,
          metadata: JSON.stringify(metadata),
        });
        backupIds.push(b.id);
      }
      const failedDests = opened.filter((d) => d.error);
      const facts = {
        key: objectKey,
        rawSize: rawBytes,
        size: fan.bytes,
        sha256,
        destinations: good.map((d) => d.name),
      };

      // ── retention: only after a clean run (never after a failed or partial one)
      ctx.beginStep('retention');
      if (failedDests.length) {
        ctx.log('warn', 'retention skipped: not every destination succeeded');
      } else {
        const schedule = JSON.parse(job.schedule) as Schedule;
        const timezone = 'timezone' in schedule ? schedule.timezone : (await deps.settings.current()).timezone;
        for (const d of good)
          await applyRetention({
            deps,
            ctx,
            jobId: job.id,
            destinationId: d.id,
            destName: d.name,
            dest: d.dest,
            policy: d.retention,
            timezone,
          });
      }

      if (failedDests.length) {
        return {
          status: 'warning',
          message: `stored on ${good.map((d) => `'${d.name}'`).join(', ')}; failed on ${failedDests.map((d) => `'${d.name}' (${d.error!.message})`).join(', ')}`,
          backupIds,
          facts,
        };
      }
      return { status: 'success', backupIds, facts };
    } finally {
      await Promise.all(opened.filter((d) => !d.error || d.dest).map((d) => d.dest?.close().catch(() => undefined)));
      // Option files with passwords and SQLite snapshots live here: always removed.
      await rm(scratchDir, { recursive: true, force: true });
    }
  },
};

async function abortAll(opened: OpenedDestination[]): Promise<void> {
  await Promise.all(opened.map((d) => d.upload?.abort().catch(() => undefined)));
}

/** The "empty or implausibly small dump" rule (SPEC §2). */
async function sizeProblem(
  deps: EngineDeps,
  job: JobRow,
  cfg: BackupJobConfig,
  rawBytes: number,
): Promise<string | null> {
  if (rawBytes === 0) return 'the dump is empty (0 bytes)';
  if (rawBytes < cfg.sizeCheck.minBytes)
    return `the dump is implausibly small: ${rawBytes} bytes, below the minimum of ${cfg.sizeCheck.minBytes}`;
  if (cfg.sizeCheck.minRatio > 0) {
    const recent = await deps.repos.runs.recentForJob(job.id, 20, 'backup');
    const sizes = recent
      .filter((r) => r.status === 'success' && r.bytes_read > 0)
      .slice(0, 5)
      .map((r) => r.bytes_read)
      .sort((a, b) => a - b);
    if (sizes.length >= 3) {
      const median = sizes[Math.floor(sizes.length / 2)]!;
      if (rawBytes < median * cfg.sizeCheck.minRatio) {
        return `the dump is implausibly small: ${formatBytes(rawBytes)} against a median of ${formatBytes(median)} over the last ${sizes.length} successful runs (threshold ${Math.round(cfg.sizeCheck.minRatio * 100)}%)`;
      }
    }
  }
  return null;
}
