import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { loadDestinationAdapter } from '../adapters/destinations/registry.js';
import type { EngineDeps } from './engine-deps.js';

/** A node whose heartbeat is older than this is considered dead. */
export const NODE_DEAD_MS = 15_000;

/**
 * Crash recovery. A run left `running` by a process that died (kill -9, power loss) becomes
 * `failed` with "interrupted"; its scratch files and unfinished uploads are removed; queued
 * runs are left alone, so they run when a worker is free.
 *
 * On SQLite there is one server per database (the data directory lock guarantees it), so on
 * start every `running` run is an orphan. On PostgreSQL other nodes may be running runs, so only
 * runs whose node stopped heart-beating are taken.
 */
export async function recoverInterrupted(deps: EngineDeps, opts: { startup: boolean }): Promise<number[]> {
  const { repos, clock } = deps;
  const now = clock();
  // A heartbeat run opened by /ping/<token>/start is `running` without any process executing it:
  // its completion comes by HTTP, so it is nobody's orphan.
  const running = (await repos.runs.running()).filter((r) => r.operation !== 'report');
  let orphans = running;
  if (repos.db.dialect === 'postgres' || !opts.startup) {
    const alive = new Set(await repos.nodes.alive(now - NODE_DEAD_MS));
    alive.add(deps.nodeId);
    orphans = running.filter((r) => !r.node_id || !alive.has(r.node_id));
    // A node that is alive must still be heart-beating its runs.
    orphans = orphans.concat(
      running.filter(
        (r) =>
          r.node_id &&
          alive.has(r.node_id) &&
          r.node_id !== deps.nodeId &&
          (r.heartbeat_at ?? 0) < now - 4 * NODE_DEAD_MS &&
          !orphans.includes(r),
      ),
    );
  } else {
    orphans = running.filter((r) => r.node_id !== deps.nodeId);
  }
  // Those runs do have a limit, though: one whose success/fail ping never came fails once it is
  // older than its job's maxRunSeconds (the next ping of the job checks the same).
  if (deps.heartbeats) {
    const expired = await deps.heartbeats.expireOverdue();
    if (expired.length)
      deps.log('warn', `heartbeat run(s) ${expired.join(', ')} got no completion ping in time and are now failed`);
  }
  const recovered: number[] = [];
  for (const run of orphans) {
    const ok = await repos.runs.transition(run.id, ['running'], {
      status: 'failed',
      finished_at: now,
      step: null,
      error: 'interrupted: the process running it stopped (crash or kill) before it finished',
    });
    if (!ok) continue;
    await repos.runs.appendLogs([
      {
        run_id: run.id,
        at: now,
        level: 'error',
        message: 'interrupted: the process running this run stopped before it finished; no backup was recorded',
      },
    ]);
    deps.events.emit('status', { runId: run.id, status: 'failed' });
    recovered.push(run.id);
    deps.log('warn', `run ${run.id} was interrupted (node ${run.node_id ?? '?'}) and is now failed`);
  }
  if (recovered.length || opts.startup) await cleanupLeftovers(deps, { startup: opts.startup });
  return recovered;
}

/**
 * Scratch directories and partial uploads of runs that are not running anywhere.
 *
 * This runs while other runs go on (here and, on PostgreSQL, on other nodes sharing a
 * destination), so a file is only removed when its run is known to be over: a run that is
 * queued or running now, or that is newer than the snapshot (queued and started while we
 * were looking), keeps its files. Scratch entries without a run id (a source test's, say) may
 * be in use by a request of this process, so they only go at start.
 */
export async function cleanupLeftovers(deps: EngineDeps, opts: { startup?: boolean } = {}): Promise<void> {
  const runs = deps.repos.runs;
  const newest = (await runs.list({ scope: null, page: 1, pageSize: 1 })).items[0]?.id ?? 0;
  const active = (await runs.list({ scope: null, status: ['queued', 'running'], page: 1, pageSize: 1_000_000 })).items;
  const keep = new Set(active.map((r) => r.id));
  const inUse = (runId: number) => keep.has(runId) || runId > newest;
  const tmp = path.join(deps.dataDir, 'tmp');
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  for (const name of await readdir(tmp)) {
    const m = /^run-(\d+)-/.exec(name);
    if (m ? inUse(Number(m[1])) : !opts.startup) continue;
    await rm(path.join(tmp, name), { recursive: true, force: true });
  }
  // A run queued after the snapshot writes its partial only after its initialize step (source
  // check, destinations opened), far later than this listing: the snapshot's ids suffice here.
  const keepRunIds = [...keep];
  for (const d of await deps.repos.destinations.list(null)) {
    try {
      const { config } = await deps.destinations.resolvedConfig(d.id);
      const dest = await (await loadDestinationAdapter(d.kind)).open(config);
      try {
        const n = await dest.cleanupPartials({ keepRunIds });
        if (n) deps.log('info', `removed ${n} unfinished upload(s) from destination '${d.name}'`);
      } finally {
        await dest.close();
      }
    } catch (err) {
      deps.log('warn', `cleanup of destination '${d.name}' skipped: ${(err as Error).message}`);
    }
  }
}
