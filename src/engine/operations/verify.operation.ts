import { loadDestinationAdapter } from '../../adapters/destinations/registry.js';
import type { CompressionAlgorithm } from '../../core/domain.js';
import { formatBytes } from '../../core/duration.js';
import type { JobRow } from '../../db/schema.js';
import type { EngineDeps } from '../engine-deps.js';
import type { RunContext } from '../run-context.js';
import { RunFailure, type Operation, type OperationOutcome } from './operation.js';
import { verifyStoredObject } from './verify.js';

/** Re-reads one stored backup: SHA-256 of the stored bytes, every chunk's tag, decompression. */
export const verifyOperation: Operation = {
  steps: ['initialize', 'verify', 'complete'],

  async execute(ctx: RunContext, _job: JobRow, deps: EngineDeps): Promise<OperationOutcome> {
    const { backupId } = JSON.parse(ctx.run.params) as { backupId: number };
    ctx.beginStep('initialize');
    const backup = await deps.repos.backups.get(backupId);
    if (!backup) throw new RunFailure(`backup ${backupId} no longer exists`);
    const { row, config } = await deps.destinations.resolvedConfig(backup.destination_id);
    const dest = await (await loadDestinationAdapter(row.kind)).open(config);
    try {
      ctx.beginStep('verify');
      ctx.log('info', `verifying ${backup.object_key} on '${row.name}'`);
      const stat = await dest.stat(backup.object_key);
      if (!stat) throw new RunFailure(`${backup.object_key} is missing on '${row.name}'`);
      if (stat.size !== backup.size)
        throw new RunFailure(`${backup.object_key} is ${stat.size} bytes on '${row.name}', ${backup.size} were stored`);
      try {
        const v = await verifyStoredObject({
          dest,
          key: backup.object_key,
          sha256: backup.sha256,
          encrypted: backup.encrypted === 1,
          compression: backup.compression as CompressionAlgorithm,
          keyFor: (id) => deps.profiles.keyById(id),
          signal: ctx.signal,
          onBytes: (n) => ctx.addRead(n),
          // Backups written before the CRC-32 content check recorded a SHA-256 of the dump.
          crc32: !!(JSON.parse(backup.metadata) as { rawCrc32?: string }).rawCrc32,
          legacySha256: !!(JSON.parse(backup.metadata) as { rawSha256?: string }).rawSha256,
        });
        if (v.rawSize !== backup.raw_size)
          throw new Error(`decompressed size ${v.rawSize} differs from the recorded ${backup.raw_size}`);
        const recorded = JSON.parse(backup.metadata) as { rawCrc32?: string; rawSha256?: string };
        if (recorded.rawCrc32 && v.rawCrc32 !== recorded.rawCrc32)
          throw new Error('decoded content differs from the dump (CRC-32 mismatch)');
        if (recorded.rawSha256 && v.rawSha256 !== recorded.rawSha256)
          throw new Error('decoded content differs from the dump (SHA-256 mismatch)');
      } catch (err) {
        throw new RunFailure(`backup ${backup.id} failed verification: ${(err as Error).message}`);
      }
      ctx.beginStep('complete');
      await deps.repos.backups.update(backup.id, { verified_at: deps.clock() });
      ctx.log(
        'info',
        `backup ${backup.id} is intact (${formatBytes(backup.raw_size)} after decompression, SHA-256 matches, all chunks authenticated)`,
      );
      return { status: 'success', facts: { backupId: backup.id } };
    } finally {
      await dest.close().catch(() => undefined);
    }
  },
};
