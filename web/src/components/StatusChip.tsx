import { Badge, Tooltip } from '@mantine/core';
import {
  IconAlertTriangle,
  IconBan,
  IconCalendarTime,
  IconCheck,
  IconCircleCheckFilled,
  IconClock,
  IconClockX,
  IconLoader,
  IconPlayerPause,
  IconQuestionMark,
  IconX,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { JobStatus, RunStatus } from '../api/types';

/**
 * Status chips follow the seeds' vocabulary. Each has an icon and a word as well as a colour,
 * so statuses stay distinguishable without colour.
 */
const RUN: Record<RunStatus, { label: string; color: string; icon: ReactNode }> = {
  queued: { label: 'Pending', color: 'gray', icon: <IconClock size={14} /> },
  running: { label: 'In progress', color: 'blue', icon: <IconLoader size={14} /> },
  success: { label: 'Success', color: 'green', icon: <IconCheck size={14} /> },
  warning: { label: 'Warning', color: 'orange', icon: <IconAlertTriangle size={14} /> },
  failed: { label: 'Failed', color: 'red', icon: <IconX size={14} /> },
  timed_out: { label: 'Timed out', color: 'red', icon: <IconClockX size={14} /> },
  cancelled: { label: 'Cancelled', color: 'gray', icon: <IconBan size={14} /> },
  missed: { label: 'Missed', color: 'grape', icon: <IconQuestionMark size={14} /> },
};

const JOB: Record<JobStatus, { label: string; color: string; icon: ReactNode }> = {
  active: { label: 'Active', color: 'green', icon: <IconCheck size={14} /> },
  disabled: { label: 'Disabled', color: 'gray', icon: <IconPlayerPause size={14} /> },
  running: { label: 'Running', color: 'blue', icon: <IconLoader size={14} /> },
  failed: { label: 'Failed', color: 'red', icon: <IconX size={14} /> },
  archived: { label: 'Archived', color: 'dark', icon: <IconBan size={14} /> },
};

/** A status a chip can show: a run's, or Daily Jobs' "expected" (a run is due later that day). */
export type ChipStatus = RunStatus | 'expected';

const EXPECTED = { label: 'Expected', color: 'gray', icon: <IconCalendarTime size={14} /> };
const OVERRIDE = { label: 'Success (override)', color: 'blue', icon: <IconCircleCheckFilled size={14} /> };

export interface StatusBadgeChoice {
  kind: ChipStatus | 'override';
  label: string;
  color: string;
  variant: 'light' | 'filled';
  /** The tooltip: an overridden run's original status. */
  title: string | null;
}

/**
 * Which badge a status gets. A run an override (or "Mark as success") turned into a success is
 * the distinct, filled blue "Success (override)", titled with the status it was reported with.
 */
export function statusBadge(
  status: ChipStatus,
  opts: { overridden?: boolean | undefined; original?: RunStatus | null | undefined } = {},
): StatusBadgeChoice {
  if (opts.overridden && status === 'success') {
    const original = opts.original && opts.original !== 'success' ? RUN[opts.original]?.label : null;
    return {
      kind: 'override',
      label: OVERRIDE.label,
      color: OVERRIDE.color,
      variant: 'filled',
      title: original ? `Overridden: reported as ${original}` : 'Overridden: counts as success',
    };
  }
  const s = status === 'expected' ? EXPECTED : (RUN[status] ?? RUN.queued);
  return { kind: status === 'expected' || RUN[status] ? status : 'queued', ...s, variant: 'light', title: null };
}

/**
 * A run's status. With `overridden` and an effective `status` of success, the blue "Success
 * (override)" badge whose tooltip names the `original` status.
 */
export function RunStatusChip({
  status,
  overridden,
  original,
}: {
  status: ChipStatus;
  overridden?: boolean | undefined;
  original?: RunStatus | null | undefined;
}) {
  const choice = statusBadge(status, { overridden, original });
  const icon =
    choice.kind === 'override' ? OVERRIDE.icon : choice.kind === 'expected' ? EXPECTED.icon : RUN[choice.kind].icon;
  const badge = (
    <Badge
      color={choice.color}
      variant={choice.variant}
      tt="none"
      leftSection={icon}
      data-status={status}
      data-overridden={choice.kind === 'override' ? 'true' : undefined}
      data-original-status={choice.kind === 'override' ? (original ?? undefined) : undefined}
      aria-description={choice.title ?? undefined}
    >
      {choice.label}
    </Badge>
  );
  return choice.title ? <Tooltip label={choice.title}>{badge}</Tooltip> : badge;
}

export function JobStatusChip({ status }: { status: JobStatus }) {
  const s = JOB[status] ?? JOB.active;
  return (
    <Badge color={s.color} variant="light" tt="none" leftSection={s.icon} data-status={status}>
      {s.label}
    </Badge>
  );
}

export const RUN_STATUS_OPTIONS = (Object.keys(RUN) as RunStatus[]).map((s) => ({ value: s, label: RUN[s].label }));
export const JOB_STATUS_OPTIONS = (['active', 'disabled', 'running', 'failed'] as JobStatus[]).map((s) => ({
  value: s,
  label: JOB[s].label,
}));
