import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { NotificationMessage } from '../../src/adapters/notifiers/notifier.contract.js';
import { loadNotifierAdapter } from '../../src/adapters/notifiers/registry.js';
import { ValidationError } from '../../src/core/errors.js';

interface Hit {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const TOKEN = 'Bearer tok-7f3a9c';
const message: NotificationMessage = {
  event: 'run.finished',
  status: 'failed',
  title: 'nightly "db" (Acme)\\ \n next line',
  text: 'pg_dump exited with 1',
  data: { job: 'nightly-db', customer: 'Acme', bytes: 0, runId: 42 },
};

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** A real HTTP server on a free loopback port; `respond` decides the answer (or never answers). */
async function startServer(respond: (res: ServerResponse) => void = (res) => res.writeHead(204).end()) {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      respond(res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits };
}

describe('webhook notifier', () => {
  it('POSTs the message as JSON with the configured headers by default', async () => {
    const { url, hits } = await startServer();
    const webhook = await loadNotifierAdapter('webhook');
    await webhook.send({ url: `${url}/hook?x=1`, headers: { Authorization: TOKEN, 'X-Custom': 'yes' } }, message);
    expect(hits).toHaveLength(1);
    const hit = hits[0]!;
    expect(hit.method).toBe('POST');
    expect(hit.url).toBe('/hook?x=1');
    expect(hit.headers['authorization']).toBe(TOKEN);
    expect(hit.headers['x-custom']).toBe('yes');
    expect(hit.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(hit.body)).toEqual(message);
  });

  it('uses PUT when configured', async () => {
    const { url, hits } = await startServer((res) => res.writeHead(200).end('ok'));
    const webhook = await loadNotifierAdapter('webhook');
    await webhook.send({ url, method: 'PUT' }, message);
    expect(hits[0]?.method).toBe('PUT');
  });

  it('renders the template with values JSON-escaped', async () => {
    const { url, hits } = await startServer();
    const webhook = await loadNotifierAdapter('webhook');
    const template =
      '{"text": "[{{status}}] {{title}}", "job": "{{data.job}}", "run": {{data.runId}}, "facts": {{data}}, "none": {{data.nope}}}';
    await webhook.send({ url, template }, message);
    expect(JSON.parse(hits[0]?.body ?? '')).toEqual({
      text: `[failed] ${message.title}`,
      job: 'nightly-db',
      run: 42,
      facts: message.data,
      none: null,
    });
  });

  it('reports a non-2xx answer by status, without secrets', async () => {
    const { url } = await startServer((res) => res.writeHead(500).end('boom'));
    const webhook = await loadNotifierAdapter('webhook');
    const err = (await webhook
      .send({ url, headers: { Authorization: TOKEN } }, message)
      .catch((e: unknown) => e)) as Error;
    expect(err.message).toBe('webhook answered 500 Internal Server Error');
  });

  it('does not follow redirects (they would carry the auth headers elsewhere)', async () => {
    const other = await startServer();
    const { url } = await startServer((res) => res.writeHead(302, { location: `${other.url}/steal` }).end());
    const webhook = await loadNotifierAdapter('webhook');
    await expect(webhook.send({ url, headers: { 'X-Api-Key': 'k' } }, message)).rejects.toThrow(
      'webhook answered 302 Found',
    );
    expect(other.hits).toEqual([]);
  });

  it('gives up after timeoutMs', async () => {
    const { url, hits } = await startServer(() => undefined); // never answers
    const webhook = await loadNotifierAdapter('webhook');
    const started = Date.now();
    await expect(webhook.send({ url, timeoutMs: 300 }, message)).rejects.toThrow(
      `webhook ${url} did not answer within 300 ms`,
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(hits).toHaveLength(1);
  });

  it('stops when the caller aborts', async () => {
    const { url } = await startServer(() => undefined);
    const webhook = await loadNotifierAdapter('webhook');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(webhook.send({ url, timeoutMs: 60_000 }, message, controller.signal)).rejects.toThrow(
      'sending was aborted',
    );
  });

  it('names only the origin when the server cannot be reached (paths often hold tokens)', async () => {
    const { url } = await startServer();
    await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
    const webhook = await loadNotifierAdapter('webhook');
    const err = (await webhook.send({ url: `${url}/hooks/SECRET-TOKEN` }, message).catch((e: unknown) => e)) as Error;
    expect(err.message).toBe(`webhook ${url} cannot be reached: ECONNREFUSED`);
  });

  it('validates its config, naming the field but not header values', async () => {
    const webhook = await loadNotifierAdapter('webhook');
    expect(webhook.secretFields).toEqual(['headers']);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ url: 'ftp://example.test/x' }, /url/],
      [{ url: 'file:///etc/passwd' }, /url/],
      [{ url: 'http://user:pw@example.test/' }, /credentials/],
      [{ url: 'http://example.test', method: 'GET' }, /method/],
      [{ url: 'http://example.test', template: '{"a": {{title}' }, /webhook template/],
      [{ url: 'http://example.test', template: '{"a": "{{secret}}"}' }, /unknown placeholder/],
      [{ url: 'http://example.test', headers: { 'Bad Header': 'x' } }, /"Bad Header" is not a valid header name/],
      [
        { url: 'http://example.test', headers: { Authorization: `${TOKEN}\r\nX-Evil: 1` } },
        /header "Authorization" contains a line break/,
      ],
      [{ url: 'http://example.test', headers: { Authorization: 42 } }, /headers\/Authorization/],
      [{ url: 'http://example.test', timeoutMs: 5 }, /timeoutMs/],
    ];
    for (const [config, pattern] of cases) {
      const err = (await webhook.send(config, message).catch((e: unknown) => e)) as Error;
      expect(err, JSON.stringify(config)).toBeInstanceOf(ValidationError);
      expect(err.message).toMatch(pattern);
      expect(err.message).not.toContain(TOKEN);
    }
  });
});
