import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { SimpleGrid, Text } from '@mantine/core';
import type { RunStatus } from '../../api/types';
import { formatBytes } from '../../components/format';
import type { Dashboard } from './dashboard-api';
import { Section } from './Section';

/** Series of the runs chart: the colours of the status chips, failures on top. */
const SERIES: { name: RunStatus; label: string; color: string }[] = [
  { name: 'success', label: 'Success', color: 'green.6' },
  { name: 'warning', label: 'Warning', color: 'orange.5' },
  { name: 'cancelled', label: 'Cancelled', color: 'gray.5' },
  { name: 'missed', label: 'Missed', color: 'grape.5' },
  { name: 'timed_out', label: 'Timed out', color: 'red.4' },
  { name: 'failed', label: 'Failed', color: 'red.7' },
  { name: 'running', label: 'In progress', color: 'blue.5' },
  { name: 'queued', label: 'Pending', color: 'gray.3' },
];

const dayLabel = (date: string) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/**
 * The per-day charts (recharts via @mantine/charts). This module is loaded lazily so the
 * chart library stays out of the initial bundle.
 */
export default function DashboardCharts({ days, timezone }: { days: Dashboard['days']; timezone: string }) {
  const runs = days.map((d) => ({ date: dayLabel(d.date), ...d.runs }));
  const used = SERIES.filter((s) => days.some((d) => d.runs[s.name] > 0));
  const data = days.map((d) => ({ date: dayLabel(d.date), written: d.bytesWritten }));
  const totalRuns = days.reduce((n, d) => n + d.total, 0);
  const totalBytes = days.reduce((n, d) => n + d.bytesWritten, 0);
  const note = (
    <Text size="xs" c="dimmed">
      Last 14 days ({timezone})
    </Text>
  );
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Section title="Runs per day" extra={note}>
        <div role="img" aria-label={`Runs per day by status over the last 14 days: ${totalRuns} runs in all`}>
          <BarChart
            h={240}
            data={runs}
            dataKey="date"
            type="stacked"
            series={used.length ? used : SERIES.slice(0, 1)}
            withLegend
            legendProps={{ verticalAlign: 'bottom' }}
            tickLine="y"
            yAxisProps={{ allowDecimals: false }}
          />
        </div>
      </Section>
      <Section title="Data per day" extra={note}>
        <div
          role="img"
          aria-label={`Data written by backups per day over the last 14 days: ${formatBytes(totalBytes)} in all`}
        >
          {/* A BarChart, not an AreaChart: with React 19, recharts 2 (react-is 18) drops the
              areas @mantine/charts wraps in fragments, leaving only the dots. */}
          <BarChart
            h={240}
            data={data}
            dataKey="date"
            series={[{ name: 'written', label: 'Written', color: 'indigo.6' }]}
            valueFormatter={(v) => formatBytes(v)}
            tickLine="y"
            withLegend
            legendProps={{ verticalAlign: 'bottom' }}
            yAxisProps={{ width: 80 }}
          />
        </div>
      </Section>
    </SimpleGrid>
  );
}
