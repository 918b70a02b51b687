import { Box, Paper, Text } from '@mantine/core';
import { useEffect, useRef } from 'react';
import type { LogLine } from '../../api/types';

const LEVEL_COLOR: Record<string, string | undefined> = { error: 'red', warn: 'orange', warning: 'orange' };

const time = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour12: false });

/**
 * The run's log as it streams: monospace, one line per entry, follows new lines unless the
 * reader has scrolled up to read something.
 */
export function LogPanel({ lines, live }: { lines: LogLine[]; live: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const follow = useRef(true);

  useEffect(() => {
    const el = ref.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [lines.length]);

  return (
    <Paper withBorder p={0}>
      <Box
        ref={ref}
        role="log"
        aria-label="Run log"
        aria-live={live ? 'polite' : 'off'}
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
        ff="monospace"
        fz="xs"
        p="sm"
        mah={420}
        mih={120}
        style={{ overflowY: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
      >
        {lines.length === 0 ? (
          <Text c="dimmed" fz="xs" ff="monospace">
            {live ? 'Waiting for log lines…' : 'No log lines.'}
          </Text>
        ) : (
          lines.map((l) => (
            <div key={l.id} data-level={l.level}>
              <Text span c="dimmed" inherit>
                {time(l.at)}{' '}
              </Text>
              <Text span c={LEVEL_COLOR[l.level]} fw={l.level === 'error' ? 600 : undefined} inherit>
                {l.level !== 'info' ? `${l.level.toUpperCase()} ` : ''}
                {l.message}
              </Text>
            </div>
          ))
        )}
      </Box>
    </Paper>
  );
}
