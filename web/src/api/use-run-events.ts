import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { LogLine, Run } from './types';

const TERMINAL = new Set(['success', 'warning', 'failed', 'timed_out', 'cancelled', 'missed']);

/**
 * Live view of a run over the server's Server-Sent Events: the run as it changes and its log
 * lines, without reloading. When the run ends, cached lists that show it are refreshed.
 */
export function useRunEvents(runId: number | null): { run: Run | null; logs: LogLine[]; connected: boolean } {
  const qc = useQueryClient();
  const [run, setRun] = useState<Run | null>(null);
  const [logs, setLogs] = useState<LogLine[]>([]);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (runId === null) return;
    setRun(null);
    setLogs([]);
    const es = new EventSource(`/api/runs/${runId}/events`);
    const seen = new Set<number>();
    es.onopen = () => setConnected(true);
    es.addEventListener('snapshot', (e) => setRun(JSON.parse((e as MessageEvent).data) as Run));
    es.addEventListener('status', (e) => setRun(JSON.parse((e as MessageEvent).data) as Run));
    es.addEventListener('progress', (e) => {
      const p = JSON.parse((e as MessageEvent).data) as Partial<Run> & { elapsedMs: number | null };
      setRun((r) =>
        r
          ? {
              ...r,
              step: p.step ?? r.step,
              bytesRead: p.bytesRead ?? r.bytesRead,
              bytesWritten: p.bytesWritten ?? r.bytesWritten,
              rate: p.rate ?? r.rate,
              durationMs: p.elapsedMs ?? r.durationMs,
            }
          : r,
      );
    });
    es.addEventListener('log', (e) => {
      const l = JSON.parse((e as MessageEvent).data) as LogLine;
      if (seen.has(l.id)) return;
      seen.add(l.id);
      setLogs((ls) => [...ls, l]);
    });
    es.addEventListener('end', (e) => {
      const r = JSON.parse((e as MessageEvent).data) as Run;
      setRun(r);
      es.close();
      setConnected(false);
      void qc.invalidateQueries();
    });
    es.onerror = () => {
      setConnected(false);
      // EventSource reconnects by itself; a finished run's stream is closed on 'end'.
    };
    return () => es.close();
  }, [runId, qc]);
  return { run, logs, connected: connected && !!run && !TERMINAL.has(run.status) };
}
