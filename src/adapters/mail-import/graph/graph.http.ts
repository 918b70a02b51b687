import { setTimeout as sleep } from 'node:timers/promises';
import type { GraphConfig } from './graph.config.js';

/** One budget per HTTP request (connect, headers and body). */
const REQUEST_TIMEOUT_MS = 60_000;
/** Throttled (429/503/504) requests are retried this many times before giving up. */
const MAX_RETRIES = 4;
/** Longest Retry-After we sit out; longer means "come back at the next poll". */
const MAX_RETRY_WAIT_MS = 60_000;
/** Renew this long before the token's stated expiry, for clock skew and slow requests. */
const TOKEN_EARLY_RENEW_MS = 5 * 60_000;

const RETRYABLE = new Set([429, 503, 504]);

const HINTS: Record<string, string> = {
  ErrorAccessDenied:
    'the app registration needs the Mail.ReadWrite application permission with admin consent (and, if an application access policy is set, one that includes this mailbox)',
  ErrorInvalidUser: 'check graph.mailbox',
  MailboxNotEnabledForRESTAPI: 'the mailbox is on-premises or not licensed for Exchange Online',
};

/** A Graph answer that is not 2xx; `status` and `code` let callers treat e.g. 404 as "already gone". */
export class GraphError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

interface GraphErrorBody {
  error?: { code?: string; message?: string } | string;
  error_description?: string;
}

async function readError(res: Response): Promise<{ code: string; message: string }> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as GraphErrorBody;
    if (typeof body.error === 'object' && body.error) {
      return { code: body.error.code ?? '', message: body.error.message ?? '' };
    }
    if (typeof body.error === 'string') {
      // Entra ID's token endpoint: the first line of error_description is the useful part; the
      // rest is trace and correlation ids.
      return { code: body.error, message: (body.error_description ?? '').split(/\r?\n/)[0] ?? '' };
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): show the start of it.
  }
  return { code: '', message: text.slice(0, 200).trim() || res.statusText };
}

/** The path as people read it ("/users/r@contoso.com/..."), for error messages. */
function humanPath(url: string): string {
  const path = new URL(url).pathname;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Retry-After is seconds or an HTTP date; without it, back off exponentially. */
function retryDelayMs(res: Response, attempt: number): number {
  const header = res.headers.get('retry-after');
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(header);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  return 1000 * 2 ** attempt;
}

/**
 * The HTTP side of the Graph adapter: client-credentials tokens (cached until shortly before
 * they expire), JSON requests against one mailbox, throttling retries and readable errors.
 * Error messages never contain the client secret or a token.
 */
export class GraphHttp {
  private token: { value: string; renewAt: number } | null = null;
  private readonly mailboxBase: string;
  private readonly graphOrigin: string;

  constructor(
    private readonly config: GraphConfig,
    private readonly clientSecret: string,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.mailboxBase = `${config.graphUrl}/users/${encodeURIComponent(config.mailbox)}`;
    this.graphOrigin = new URL(config.graphUrl).origin;
  }

  private requestSignal(): AbortSignal {
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    return this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
  }

  private async send(url: string, init: RequestInit, what: string): Promise<Response> {
    this.signal?.throwIfAborted();
    try {
      return await fetch(url, { ...init, redirect: 'error', signal: this.requestSignal() });
    } catch (err) {
      if (this.signal?.aborted) throw this.signal.reason;
      const cause = (err as Error & { cause?: Error }).cause;
      throw new Error(`cannot reach ${what} at ${new URL(url).host}: ${cause?.message ?? (err as Error).message}`, {
        cause: err,
      });
    }
  }

  async accessToken(): Promise<string> {
    if (this.token && Date.now() < this.token.renewAt) return this.token.value;
    const { authorityUrl, tenantId, clientId } = this.config;
    const url = `${authorityUrl}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: this.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    });
    const res = await this.send(url, { method: 'POST', body }, 'the Microsoft sign-in service');
    if (!res.ok) {
      const { code, message } = await readError(res);
      throw new Error(
        `Microsoft sign-in for tenant "${tenantId}" with client "${clientId}" failed (${res.status}${code ? ` ${code}` : ''}): ${message}`,
      );
    }
    const json = (await res.json()) as { access_token?: string; expires_in?: number | string };
    if (!json.access_token) throw new Error('Microsoft sign-in answered without an access_token');
    const lifetimeMs = Number(json.expires_in ?? 3599) * 1000;
    // Short-lived tokens (tests, odd tenants) are renewed halfway instead of 5 minutes early.
    const early = Math.min(TOKEN_EARLY_RENEW_MS, lifetimeMs / 2);
    this.token = { value: json.access_token, renewAt: Date.now() + lifetimeMs - early };
    return json.access_token;
  }

  /** `path` is relative to /users/{mailbox} ("/mailFolders/inbox") or an absolute @odata.nextLink. */
  async request(method: string, path: string, json?: unknown, accept = 'application/json'): Promise<Response> {
    const url = path.startsWith('/') ? `${this.mailboxBase}${path}` : path;
    // Never send the bearer token anywhere but the configured Graph host (nextLinks come from
    // the server and are followed blindly otherwise).
    if (new URL(url).origin !== this.graphOrigin) throw new Error(`refusing to follow a Graph link to ${url}`);
    const what = `${method} ${humanPath(url)}`;
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = {
        Authorization: `Bearer ${await this.accessToken()}`,
        Accept: accept,
        // Immutable ids survive a move, so a ref stays valid even if the move is repeated.
        Prefer: 'IdType="ImmutableId"',
      };
      if (json !== undefined) headers['Content-Type'] = 'application/json';
      const init = { method, headers, body: json === undefined ? undefined : JSON.stringify(json) };
      const res = await this.send(url, init, 'Microsoft Graph');
      if (res.ok) return res;
      if (res.status === 401 && !renewed) {
        // A revoked or early-expired token: get a fresh one once before calling it an error.
        renewed = true;
        this.token = null;
        await res.body?.cancel();
        continue;
      }
      if (RETRYABLE.has(res.status) && attempt < MAX_RETRIES) {
        const wait = retryDelayMs(res, attempt);
        if (wait <= MAX_RETRY_WAIT_MS) {
          await res.body?.cancel();
          await sleep(wait, undefined, { signal: this.signal });
          continue;
        }
      }
      const { code, message } = await readError(res);
      const hint = HINTS[code] ? ` (${HINTS[code]})` : '';
      const retry = res.status === 429 ? ` (throttled; Retry-After ${res.headers.get('retry-after') ?? '?'} s)` : '';
      throw new GraphError(
        `Microsoft Graph ${what} failed (${res.status}${code ? ` ${code}` : ''}): ${message}${hint}${retry}`,
        res.status,
        code,
      );
    }
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body);
    return (await res.json()) as T;
  }
}
