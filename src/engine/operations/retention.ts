import type { Destination } from '../../adapters/destinations/destination.contract.js';
import type { RetentionPolicy } from '../../core/domain.js';
import { selectRetention } from '../../core/retention.js';
import type { EngineDeps } from '../engine-deps.js';
import { SIDECAR_SUFFIX } from '../pipeline/artifact-key.js';

/**
 * Applies a destination's policy to the job's recorded backups there. Selection is the pure
 * `selectRetention` (creation time from our records, the job's time zone; never the newest
 * successful backup, never a pinned one); this function only carries out its decision.
 */
export async function applyRetention(opts: {
  deps: EngineDeps;
  ctx: { log: (level: 'info' | 'warn' | 'error', m: string) => void };
  jobId: number;
  destinationId: number;
  destName: string;
  dest: Destination;
  policy: RetentionPolicy;
  timezone: string;
}): Promise<number> {
  const { deps, ctx } = opts;
  if (opts.policy.type === 'none') {
    ctx.log('info', `retention on '${opts.destName}': keep everything`);
    return 0;
  }
  const backups = await deps.repos.backups.forRetention(opts.jobId, opts.destinationId);
  const decision = selectRetention(
    backups.map((b) => ({
      id: b.id,
      createdAt: new Date(b.created_at),
      pinned: b.pinned === 1,
      status: 'success' as const,
    })),
    opts.policy,
    { timezone: opts.timezone, now: new Date(deps.clock()) },
  );
  let deleted = 0;
  for (const d of decision.delete) {
    const b = backups.find((x) => x.id === d.id);
    if (!b) continue;
    try {
      await opts.dest.delete(b.object_key);
      await opts.dest.delete(b.object_key + SIDECAR_SUFFIX).catch(() => undefined);
      await deps.repos.backups.update(b.id, { deleted_at: deps.clock() });
      deleted++;
      ctx.log('info', `retention on '${opts.destName}': deleted ${b.object_key}`);
    } catch (err) {
      ctx.log('warn', `retention on '${opts.destName}': could not delete ${b.object_key}: ${(err as Error).message}`);
    }
  }
  ctx.log('info', `retention on '${opts.destName}': kept ${decision.keep.length}, deleted ${deleted}`);
  return deleted;
}
