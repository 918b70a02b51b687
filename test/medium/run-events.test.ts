/* eslint-disable @typescript-eslint/no-explicit-any -- SSE payloads are checked field by field below */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** Reads a Server-Sent Events stream until `end` (or the stream closes) and returns the events. */
async function readEvents(url: string, token: string): Promise<{ event: string; data: any }[]> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const events: { event: string; data: any }[] = [];
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
    if (events.some((e) => e.event === 'end')) break;
  }
  return events;
}

describe('live run progress over Server-Sent Events', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
    await t.app.http.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.app.http.server.address() as { port: number };
    base = `http://127.0.0.1:${addr.port}`;
    const src = path.join(t.dataDir, 'src.db');
    // A few MB so the run lasts long enough to produce progress events.
    execFileSync('sqlite3', [
      src,
      'create table t(a int, b text); with recursive n(i) as (select 1 union all select i+1 from n where i < 200000) insert into t select i, hex(randomblob(16)) from n;',
    ]);
    await t.call('POST', '/api/sources', { name: 's', kind: 'sqlite', config: { path: src } });
    await t.call('POST', '/api/destinations', {
      name: 'd',
      kind: 'local',
      config: { path: path.join(t.dataDir, 'b') },
    });
    await t.call('POST', '/api/jobs', {
      name: 'live',
      source: 's',
      destinations: [{ destination: 'd' }],
      compression: { algorithm: 'gzip', level: 6 },
    });
  });
  afterAll(async () => t?.close());

  it('streams a snapshot, log lines, status changes and the end of a run', async () => {
    const run = await t.call('POST', '/api/jobs/live/run');
    expect(run.status).toBe(201);
    const events = await readEvents(`${base}/api/runs/${run.body.id}/events`, t.token);
    expect(events[0]!.event).toBe('snapshot');
    expect(events[0]!.data.id).toBe(run.body.id);
    const logs = events.filter((e) => e.event === 'log').map((e) => e.data.message as string);
    expect(logs.some((m) => m.includes('step: dump'))).toBe(true);
    expect(logs.some((m) => m.includes('verified copy'))).toBe(true);
    // Log lines arrive once each, in order.
    const ids = events.filter((e) => e.event === 'log').map((e) => e.data.id as number);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const end = events[events.length - 1]!;
    expect(end.event).toBe('end');
    expect(end.data.status).toBe('success');
    expect(end.data.bytesRead).toBeGreaterThan(1_000_000);
  });

  it('refuses the stream without credentials and for unknown runs', async () => {
    expect((await fetch(`${base}/api/runs/1/events`)).status).toBe(401);
    const res = await fetch(`${base}/api/runs/999999/events`, { headers: { authorization: `Bearer ${t.token}` } });
    expect(res.status).toBe(404);
  });
});
