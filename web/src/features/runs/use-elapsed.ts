import { useEffect, useState } from 'react';
import type { Run } from '../../api/types';

/**
 * Elapsed time of a run that ticks every second while it runs. It counts on from the last
 * duration the server reported, so a clock difference between browser and server does not show.
 */
export function useElapsed(run: Run | null | undefined): number | null {
  const running = run?.status === 'running';
  const base = run?.durationMs ?? null;
  const [mark, setMark] = useState({ base, at: Date.now() });
  const [now, setNow] = useState(() => Date.now());
  if (mark.base !== base) setMark({ base, at: Date.now() });
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [running]);
  if (base === null) return null;
  return running ? base + Math.max(0, now - mark.at) : base;
}
