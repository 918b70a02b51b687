import { describe, expect, it } from 'vitest';
import { ApiClient } from './api-client.js';
import type { LogLine, Run } from './api.types.js';
import { followRun } from './run-follower.js';

const run = (status: Run['status']): Run => ({
  id: 9,
  jobId: 1,
  jobName: 'pg',
  customerId: 1,
  operation: 'backup',
  status,
  statusLabel: status,
  trigger: 'manual',
  queuedAt: '2025-01-01T00:00:00Z',
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  step: null,
  steps: [],
  bytesRead: 0,
  bytesWritten: 0,
  rate: 0,
  error: null,
  backupIds: [],
  cancelRequested: false,
});
const line = (id: number): LogLine => ({ id, at: '2025-01-01T00:00:00Z', level: 'info', message: `line ${id}` });
const sse = (events: [string, unknown][]): string =>
  events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');

/** A server whose event stream drops once mid-run, then finishes on the second connection. */
function flakyServer(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  let connections = 0;
  const stored = [line(1), line(2), line(3), line(4)];
  const respond = (body: string | object): Response =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), { status: 200 });
  const reply = (input: string | URL | Request): Response => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    calls.push(url.pathname + url.search);
    if (url.pathname.endsWith('/events')) {
      connections += 1;
      return connections === 1
        ? respond(
            sse([
              ['snapshot', run('running')],
              ['log', line(2)],
              ['progress', { step: 'dump' }],
            ]),
          )
        : respond(
            sse([
              ['snapshot', run('running')],
              ['log', line(3)],
              ['log', line(4)],
              ['end', run('warning')],
            ]),
          );
    }
    if (url.pathname.endsWith('/logs')) {
      const after = Number(url.searchParams.get('after'));
      // Before the drop the server has stored lines 1–2; after it, all four.
      const known = connections === 1 ? stored.slice(0, 2) : stored;
      return respond({ items: known.filter((l) => l.id > after) });
    }
    return respond(run('running'));
  };
  const fetchImpl: typeof fetch = (input) => Promise.resolve(reply(input));
  return { fetch: fetchImpl, calls };
}

describe('followRun', () => {
  it('shows every log line once across a reconnect and returns the final run', async () => {
    const server = flakyServer();
    const client = new ApiClient('http://kw', 't', server.fetch);
    const lines: number[] = [];
    const progress: (string | null)[] = [];
    const final = await followRun(
      client,
      9,
      { log: (l) => lines.push(l.id), progress: (p) => progress.push(p.step) },
      { sleep: () => Promise.resolve() },
    );
    expect(final.status).toBe('warning');
    expect(lines).toEqual([1, 2, 3, 4]);
    expect(progress).toEqual(['dump']);
    expect(server.calls.filter((c) => c.endsWith('/events'))).toHaveLength(2);
  });

  it('skips lines already printed before following', async () => {
    const client = new ApiClient('http://kw', 't', flakyServer().fetch);
    const lines: number[] = [];
    await followRun(client, 9, { log: (l) => lines.push(l.id) }, { afterLogId: 2, sleep: () => Promise.resolve() });
    expect(lines).toEqual([3, 4]);
  });

  it('gives up on a 404 at once', async () => {
    const fetchImpl: typeof fetch = () =>
      Promise.resolve(
        new Response(JSON.stringify({ error: { code: 'not_found', message: 'no run 9' } }), { status: 404 }),
      );
    await expect(followRun(new ApiClient('http://kw', 't', fetchImpl), 9, {})).rejects.toThrow('no run 9');
  });
});
