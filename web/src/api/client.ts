/**
 * The one API client of the web UI. Authentication is the HttpOnly session cookie set by
 * /api/auth/login; the browser sends it, scripts never see it. Mutations send JSON (a
 * cross-site form cannot), and the server also checks Origin.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** "job.destinations[0].retention: ..." → the field path, for showing errors at the field. */
  get field(): string | null {
    const m = /^([a-zA-Z]+(?:\.[a-zA-Z0-9_[\]]+)*)(?::| )/.exec(this.message);
    return m ? m[1]! : null;
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const err = (data as { error?: { message?: string; code?: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(
      err?.message ?? `${res.status} ${res.statusText}`,
      res.status,
      err?.code ?? 'error',
      err?.details,
    );
  }
  return data as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
