import { Badge } from '@mantine/core';
import {
  IconAlertTriangle,
  IconBan,
  IconCheck,
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

export function RunStatusChip({ status }: { status: RunStatus }) {
  const s = RUN[status] ?? RUN.queued;
  return (
    <Badge color={s.color} variant="light" tt="none" leftSection={s.icon} data-status={status}>
      {s.label}
    </Badge>
  );
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
