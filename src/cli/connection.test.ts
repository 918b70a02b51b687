import { describe, expect, it } from 'vitest';
import { normalizeServerUrl, resolveConnection } from './connection.js';

const file = { server: 'http://kw.example:8080', token: 'kw_file', username: 'admin' };

describe('resolveConnection', () => {
  it('takes the flag, then the environment, then the credentials file, then the default', () => {
    expect(resolveConnection({ env: {} })).toEqual({
      server: 'http://localhost:8080',
      token: undefined,
      tokenSource: 'none',
    });
    expect(resolveConnection({ env: {}, credentials: file })).toEqual({
      server: 'http://kw.example:8080',
      token: 'kw_file',
      tokenSource: 'credentials',
    });
    const env = { KEEPWATCH_SERVER: 'http://kw.example:8080/', KEEPWATCH_TOKEN: 'kw_env' };
    expect(resolveConnection({ env, credentials: file })).toMatchObject({ token: 'kw_env', tokenSource: 'env' });
    expect(resolveConnection({ env, credentials: file, serverFlag: 'https://other', tokenFlag: 'kw_flag' })).toEqual({
      server: 'https://other',
      token: 'kw_flag',
      tokenSource: 'flag',
    });
  });

  it("never sends the file's token to another server", () => {
    expect(resolveConnection({ env: {}, credentials: file, serverFlag: 'http://evil:8080' })).toEqual({
      server: 'http://evil:8080',
      token: undefined,
      tokenSource: 'none',
    });
  });
});

describe('normalizeServerUrl', () => {
  it('adds http:// and drops trailing slashes', () => {
    expect(normalizeServerUrl('localhost:8080/')).toBe('http://localhost:8080');
    expect(normalizeServerUrl('https://kw.example/base/')).toBe('https://kw.example/base');
  });

  it('rejects other schemes and garbage', () => {
    expect(() => normalizeServerUrl('ftp://x')).toThrow('use http:// or https://');
    expect(() => normalizeServerUrl('http://')).toThrow('invalid server URL');
  });
});
