import type { Credentials } from './credentials.store.js';

export const DEFAULT_SERVER = 'http://localhost:8080';

export interface Connection {
  server: string;
  token: string | undefined;
  /** Where the token came from, for `whoami` and for error hints. */
  tokenSource: 'flag' | 'env' | 'credentials' | 'none';
}

/**
 * Precedence, as kubectl does it: flag, then environment, then the credentials file, then the
 * default. The file's token is used only for the file's own server, so pointing `--server`
 * at another host never sends it a token that was issued by a different one.
 */
export function resolveConnection(input: {
  serverFlag?: string | undefined;
  tokenFlag?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  credentials?: Credentials | undefined;
}): Connection {
  const { serverFlag, tokenFlag, env, credentials } = input;
  const server = normalizeServerUrl(serverFlag || env.KEEPWATCH_SERVER || credentials?.server || DEFAULT_SERVER);
  if (tokenFlag) return { server, token: tokenFlag, tokenSource: 'flag' };
  if (env.KEEPWATCH_TOKEN) return { server, token: env.KEEPWATCH_TOKEN, tokenSource: 'env' };
  if (credentials && normalizeServerUrl(credentials.server) === server) {
    return { server, token: credentials.token, tokenSource: 'credentials' };
  }
  return { server, token: undefined, tokenSource: 'none' };
}

/** "localhost:8080/" → "http://localhost:8080"; rejects anything that is not http(s). */
export function normalizeServerUrl(value: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`invalid server URL "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`invalid server URL "${value}": use http:// or https://`);
  }
  return url.toString().replace(/\/+$/, '');
}
