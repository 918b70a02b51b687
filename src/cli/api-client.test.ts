import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, withQuery, segment } from './api-client.js';

function fakeFetch(handler: (url: string, init: RequestInit) => Response): typeof fetch {
  return (input: string | URL | Request, init?: RequestInit) => {
    // A throwing handler becomes a rejected fetch, as a refused connection does.
    return new Promise((resolve) =>
      resolve(handler(input instanceof Request ? input.url : input.toString(), init ?? {})),
    );
  };
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('ApiClient', () => {
  it('sends the bearer token and JSON body', async () => {
    let seen: { url: string; init: RequestInit } | undefined;
    const client = new ApiClient(
      'http://kw:8080',
      'kw_token',
      fakeFetch((url, init) => {
        seen = { url, init };
        return json(201, { id: 1 });
      }),
    );
    expect(await client.post('/api/jobs/a%2Fb/run', { x: 1 })).toEqual({ id: 1 });
    expect(seen?.url).toBe('http://kw:8080/api/jobs/a%2Fb/run');
    expect((seen?.init.headers as Record<string, string>).authorization).toBe('Bearer kw_token');
    expect(seen?.init.body).toBe('{"x":1}');
  });

  it("turns an error body into an ApiError with the server's message and status", async () => {
    const client = new ApiClient(
      'http://kw',
      undefined,
      fakeFetch(() => json(404, { error: { code: 'not_found', message: 'no job named "nope"' } })),
    );
    const error = await client.get('/api/jobs/nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ message: 'no job named "nope"', status: 404, code: 'not_found' });
  });

  it('reports a non-JSON error page by its status line', async () => {
    const client = new ApiClient(
      'http://kw',
      undefined,
      fakeFetch(() => new Response('<html>', { status: 502, statusText: 'Bad Gateway' })),
    );
    await expect(client.get('/x')).rejects.toThrow('HTTP 502 Bad Gateway');
  });

  it('explains a network failure', async () => {
    const client = new ApiClient(
      'http://kw:1',
      undefined,
      fakeFetch(() => {
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      }),
    );
    await expect(client.get('/x')).rejects.toThrow(
      'cannot reach Keepwatch at http://kw:1: ECONNREFUSED (is the server running? see --server)',
    );
  });

  it('collects every page of a list, keeping the server page size', async () => {
    const pages: string[] = [];
    const client = new ApiClient(
      'http://kw',
      undefined,
      fakeFetch((url) => {
        pages.push(url);
        const page = Number(new URL(url).searchParams.get('page'));
        return json(200, { items: page <= 2 ? [page * 10, page * 10 + 1] : [], total: 4, page, pageSize: 2 });
      }),
    );
    expect((await client.list<number>('/api/jobs', { kind: 'backup' })).items).toEqual([10, 11, 20, 21]);
    expect(pages).toEqual(['http://kw/api/jobs?kind=backup&page=1', 'http://kw/api/jobs?kind=backup&page=2']);
    expect((await client.list<number>('/api/runs', {}, 1)).items).toEqual([10]);
  });

  it('reads server-sent events from a chunked body', async () => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('event: snapshot\nda'));
        controller.enqueue(encoder.encode('ta: {"id":1}\n\nevent: end\ndata: {}\n\n'));
        controller.close();
      },
    });
    const client = new ApiClient(
      'http://kw',
      't',
      fakeFetch(() => new Response(body, { status: 200 })),
    );
    const events = [];
    for await (const event of client.events('/api/runs/1/events')) events.push(event.event);
    expect(events).toEqual(['snapshot', 'end']);
  });
});

describe('withQuery and segment', () => {
  it('skips empty values and encodes names', () => {
    expect(withQuery('/a', { x: 1, y: undefined, z: '', q: 'a b' })).toBe('/a?x=1&q=a+b');
    expect(withQuery('/a', {})).toBe('/a');
    expect(segment('acme/pg main')).toBe('acme%2Fpg%20main');
  });
});
