import type { Run, Step } from '../../api/types';

/** What a run goes through before the engine has recorded its steps (a queued run). */
const PLANNED: Record<Run['operation'], string[]> = {
  backup: ['initialize', 'dump', 'upload', 'verify', 'complete', 'retention'],
  restore: [],
  verify: [],
  system: [],
};

export const stepLabel = (name: string) => name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, ' ');

export function stepsOf(run: Run): Step[] {
  if (run.steps.length) return run.steps;
  return PLANNED[run.operation].map((name) => ({ name, status: 'pending', startedAt: null, finishedAt: null }));
}

/** Index of the step to highlight: the running one, else the first not done (all done: past the end). */
export function currentStepIndex(run: Run, steps: Step[]): number {
  const running = steps.findIndex((s) => s.status === 'running' || (run.step !== null && s.name === run.step));
  if (running >= 0) return running;
  const failed = steps.findIndex((s) => s.status === 'failed');
  if (failed >= 0) return failed;
  const pending = steps.findIndex((s) => s.status === 'pending');
  return pending >= 0 ? pending : steps.length;
}
