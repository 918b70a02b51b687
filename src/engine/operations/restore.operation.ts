import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadDestinationAdapter } from '../../adapters/destinations/registry.js';
import { loadSourceAdapter } from '../../adapters/sources/registry.js';
import type { CompressionAlgorithm } from '../../core/domain.js';
import { formatBytes } from '../../core/duration.js';
import type { JobRow } from '../../db/schema.js';
import type { EngineDeps } from '../engine-deps.js';
import { meter } from '../pipeline/stream-tools.js';
import type { RunContext } from '../run-context.js';
import { RunFailure, type Operation, type OperationOutcome } from './operation.js';
import { openArtifact } from './verify.js';

/** Restores a stored backup into a source (the original or another of the same engine). */
export const restoreOperation: Operation = {
  steps: ['initialize', 'download', 'restore', 'complete'],

  async execute(ctx: RunContext, _job: JobRow, deps: EngineDeps): Promise<OperationOutcome> {
    const params = JSON.parse(ctx.run.params) as { backupId: number; sourceId: number; database?: string };
    const scratchDir = await mkdtemp(path.join(deps.dataDir, 'tmp', `run-${ctx.runId}-`));
    try {
      ctx.beginStep('initialize');
      const backup = await deps.repos.backups.get(params.backupId);
      if (!backup) throw new RunFailure(`backup ${params.backupId} no longer exists`);
      const meta = JSON.parse(backup.metadata) as { source?: { kind?: string } };
      const { row: target, config } = await deps.sources.resolvedConfig(params.sourceId);
      // Preflight: a PostgreSQL dump only goes into PostgreSQL, and so on.
      if (meta.source?.kind && meta.source.kind !== target.kind) {
        throw new RunFailure(
          `backup ${backup.id} is a ${meta.source.kind} dump and cannot be restored into '${target.name}' (${target.kind})`,
        );
      }
      const adapter = await loadSourceAdapter(target.kind);
      const check = await adapter.test(config, { signal: ctx.signal, log: ctx.log, scratchDir, purpose: 'restore' });
      if (!check.ok) throw new RunFailure(`target '${target.name}' is not reachable: ${check.message}`);
      const { row: destRow, config: destConfig } = await deps.destinations.resolvedConfig(backup.destination_id);
      const dest = await (await loadDestinationAdapter(destRow.kind)).open(destConfig);
      const targetDb = params.database ?? (config.database as string | undefined);
      ctx.log(
        'info',
        `restoring backup ${backup.id} (${backup.object_key}, ${formatBytes(backup.raw_size)}) into '${target.name}'${targetDb ? ` database '${targetDb}'` : ''}`,
      );

      try {
        ctx.beginStep('download');
        const input = await dest.read(backup.object_key);
        const artifact = openArtifact({
          input,
          sha256: backup.sha256,
          encrypted: backup.encrypted === 1,
          compression: backup.compression as CompressionAlgorithm,
          keyFor: (id) => deps.profiles.keyById(id),
        });
        // Bytes reach the database tool only after their chunk authenticated; the stored file's
        // SHA-256 is checked when its last byte has been read, and a mismatch fails the stream
        // instead of ending it, so the tool never sees a clean end of input (a SQLite restore then
        // never replaces the target; unencrypted files have nothing else to catch a changed byte).
        const plain = new PassThrough({ highWaterMark: 1 << 20 });
        const feeding = pipeline(
          [input, meter((n) => ctx.addRead(n)), ...artifact.stages, meter((n) => ctx.addWritten(n)), plain],
          { signal: ctx.signal },
        );
        ctx.beginStep('restore');
        const restoring = adapter.restore(config, plain as Readable, {
          signal: ctx.signal,
          log: ctx.log,
          scratchDir,
          extension: backup.extension,
          ...(params.database ? { targetDatabase: params.database } : {}),
        });
        await Promise.all([
          feeding.catch((err: Error) => {
            plain.destroy(err);
            throw err;
          }),
          restoring,
        ]);
        artifact.checkHash();
      } finally {
        await dest.close().catch(() => undefined);
      }
      ctx.beginStep('complete');
      ctx.log('info', `restore finished: ${formatBytes(ctx.bytesWritten)} restored`);
      return { status: 'success', facts: { backupId: backup.id, target: target.name, database: targetDb ?? null } };
    } finally {
      await rm(scratchDir, { recursive: true, force: true });
    }
  },
};
