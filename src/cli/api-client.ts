import { SseParser, type SseEvent } from './sse.parser.js';

/** An error answer from the API, carrying its HTTP status and error code. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ListPage<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export type Query = Record<string, string | number | boolean | undefined>;

const MAX_PAGES = 1000;

/**
 * The CLI's one way to talk to the server: JSON requests with the bearer token, error bodies
 * turned into ApiError with the server's own message, and an SSE reader for live runs.
 */
export class ApiClient {
  constructor(
    readonly server: string,
    private readonly token: string | undefined,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body, 'application/json');
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(`unexpected non-JSON answer from ${this.server}${path}`, response.status);
    }
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', withQuery(path, query));
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {});
  }

  /**
   * Every item of a paged list. The server's page size is kept (it may cap it); `limit`
   * stops early for lists that are long by nature, such as runs.
   */
  async list<T>(path: string, query: Query = {}, limit = Infinity): Promise<ListPage<T>> {
    const items: T[] = [];
    let total = 0;
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const result = await this.get<ListPage<T>>(path, { ...query, page });
      items.push(...result.items);
      total = typeof result.total === 'number' ? result.total : items.length;
      // An endpoint that ignores `page` would answer page 1 forever: stop when it does.
      const paged = typeof result.page === 'number' && result.page === page;
      if (!paged || result.items.length === 0 || items.length >= total || items.length >= limit) break;
    }
    const kept = items.slice(0, limit);
    return { items: kept, total, page: 1, pageSize: kept.length };
  }

  /** A raw response (for downloads), after the same error handling as request(). */
  async download(path: string): Promise<Response> {
    return this.send('GET', path, undefined, '*/*');
  }

  /** Reads Server-Sent Events until the server closes the stream or `signal` aborts. */
  async *events(path: string, signal?: AbortSignal): AsyncGenerator<SseEvent> {
    const response = await this.send('GET', path, undefined, 'text/event-stream', signal);
    if (!response.body) return;
    const parser = new SseParser();
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        yield* parser.push(decoder.decode(chunk, { stream: true }));
      }
      yield* parser.push(decoder.decode());
    } catch (error) {
      if (signal?.aborted) return;
      throw this.networkError(error);
    } finally {
      parser.end();
    }
  }

  private async send(
    method: string,
    path: string,
    body: unknown,
    accept: string,
    signal?: AbortSignal,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.server}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      throw this.networkError(error);
    }
    if (!response.ok) throw await errorFrom(response);
    return response;
  }

  private networkError(error: unknown): Error {
    if (error instanceof ApiError) return error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    return new Error(`cannot reach Keepwatch at ${this.server}: ${reason} (is the server running? see --server)`);
  }
}

async function errorFrom(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown; code?: unknown; details?: unknown } };
    if (body.error && typeof body.error.message === 'string') {
      const code = typeof body.error.code === 'string' ? body.error.code : undefined;
      return new ApiError(body.error.message, response.status, code, body.error.details);
    }
  } catch {
    // Not our JSON: a proxy's HTML page, for instance. Fall through to the status line.
  }
  return new ApiError(`HTTP ${response.status} ${response.statusText}`.trim(), response.status);
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Path segment for ids and names: `customer/job` becomes one segment, not two. */
export function segment(value: string | number): string {
  return encodeURIComponent(String(value));
}
