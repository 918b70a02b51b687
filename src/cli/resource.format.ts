import type { Backup, Run } from './api.types.js';
import { formatBytes, formatDetails, formatDuration, formatTable, formatTimestamp } from './output.format.js';

/** "keep last 7", "GFS 7d/4w/12m/1y", "none" (the shapes of core/domain RetentionPolicy). */
export function formatRetention(retention: unknown): string {
  const policy = (retention ?? { type: 'none' }) as Record<string, unknown>;
  if (policy.type === 'keep_last') return `keep last ${String(policy.count)}`;
  if (policy.type === 'gfs') {
    return `GFS ${String(policy.daily)}d/${String(policy.weekly)}w/${String(policy.monthly)}m/${String(policy.yearly)}y`;
  }
  return 'no retention';
}

export function runsTable(runs: readonly Run[]): string {
  return formatTable(
    ['ID', 'JOB', 'OPERATION', 'STATUS', 'TRIGGER', 'STARTED', 'DURATION', 'WRITTEN'],
    runs.map((run) => [
      String(run.id),
      run.jobName,
      run.operation,
      statusText(run),
      run.trigger,
      formatTimestamp(run.startedAt ?? run.queuedAt),
      formatDuration(run.durationMs),
      formatBytes(run.bytesWritten),
    ]),
  );
}

export function formatRun(run: Run): string {
  const details = formatDetails([
    ['ID', String(run.id)],
    ['Job', `${run.jobName} (id ${run.jobId})`],
    ['Operation', run.operation],
    ['Status', statusText(run)],
    ['Trigger', run.trigger],
    ['Queued', formatTimestamp(run.queuedAt)],
    ['Started', formatTimestamp(run.startedAt)],
    ['Finished', formatTimestamp(run.finishedAt)],
    ['Duration', formatDuration(run.durationMs)],
    ['Read', formatBytes(run.bytesRead)],
    ['Written', formatBytes(run.bytesWritten)],
    ['Backups', run.backupIds.length ? run.backupIds.join(', ') : '-'],
    ...(run.error ? [['Error', run.error] as const] : []),
  ]);
  if (run.steps.length === 0) return details;
  const steps = formatTable(
    ['STEP', 'STATUS', 'STARTED', 'FINISHED'],
    run.steps.map((step) => [
      step.name,
      step.status,
      formatTimestamp(step.startedAt),
      formatTimestamp(step.finishedAt),
    ]),
  );
  return `${details}\n\nSteps:\n${steps}`;
}

export function backupsTable(backups: readonly Backup[]): string {
  return formatTable(
    ['ID', 'JOB', 'DESTINATION', 'CREATED', 'SIZE', 'COMPRESSION', 'ENCRYPTED', 'PINNED'],
    backups.map((backup) => [
      String(backup.id),
      backup.jobName,
      backup.destination.name,
      formatTimestamp(backup.createdAt),
      formatBytes(backup.size),
      backup.compression,
      backup.encrypted ? 'yes' : 'no',
      backup.pinned ? 'yes' : 'no',
    ]),
  );
}

export function formatBackup(backup: Backup): string {
  return formatDetails([
    ['ID', String(backup.id)],
    ['Job', `${backup.jobName} (id ${backup.jobId})`],
    ['Run', String(backup.runId)],
    ['Destination', `${backup.destination.name} (${backup.destination.kind ?? '?'})`],
    ['Key', backup.key],
    ['Created', formatTimestamp(backup.createdAt)],
    ['Size', `${formatBytes(backup.size)} (${backup.size} bytes)`],
    ['Raw size', backup.rawSize == null ? '-' : `${formatBytes(backup.rawSize)} (${backup.rawSize} bytes)`],
    ['SHA-256', backup.sha256],
    ['Compression', backup.compression],
    ['Encrypted', backup.encrypted ? `yes (key id ${backup.keyId ?? '?'})` : 'no'],
    ['Pinned', backup.pinned ? 'yes' : 'no'],
    ['Verified', formatTimestamp(backup.verifiedAt)],
  ]);
}

/** "success", or "success (Up to date)" when the label says more than the status. */
function statusText(run: Run): string {
  const label = run.statusLabel;
  return label && label.toLowerCase() !== run.status ? `${run.status} (${label})` : run.status;
}
