import { Stepper } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconMinus, IconX } from '@tabler/icons-react';
import type { Run, Step } from '../../api/types';
import { formatDuration } from '../../components/format';
import { currentStepIndex, stepLabel, stepsOf } from './run-steps-logic';

function stepDescription(s: Step): string {
  if (s.status === 'skipped') return 'Skipped';
  if (s.status === 'failed') return 'Failed';
  if (s.status === 'running') return 'In progress';
  if (s.status === 'done' && s.startedAt && s.finishedAt)
    return `Done in ${formatDuration(Date.parse(s.finishedAt) - Date.parse(s.startedAt))}`;
  return s.status === 'done' ? 'Done' : 'Pending';
}

/** The pipeline's steps (Initialize → Dump → Upload → Verify → Complete → Retention), current one highlighted. */
export function RunSteps({ run }: { run: Run }) {
  const vertical = useMediaQuery('(max-width: 48em)');
  const steps = stepsOf(run);
  if (!steps.length) return null;
  const active = currentStepIndex(run, steps);
  const live = run.status === 'running';
  return (
    <Stepper
      active={active}
      orientation={vertical ? 'vertical' : 'horizontal'}
      size="sm"
      aria-label="Steps"
      allowNextStepsSelect={false}
    >
      {steps.map((s, i) => (
        <Stepper.Step
          key={s.name}
          label={stepLabel(s.name)}
          description={stepDescription(s)}
          loading={live && i === active && s.status !== 'failed'}
          color={s.status === 'failed' ? 'red' : s.status === 'skipped' ? 'gray' : undefined}
          completedIcon={s.status === 'skipped' ? <IconMinus size={16} /> : undefined}
          icon={s.status === 'failed' ? <IconX size={16} /> : undefined}
          data-step={s.name}
          data-status={s.status}
          aria-current={i === active ? 'step' : undefined}
        />
      ))}
    </Stepper>
  );
}
