import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  credentialsPath,
  deleteCredentials,
  isReadableByOthers,
  readCredentials,
  writeCredentials,
} from './credentials.store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kw-cred-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const credentials = { server: 'http://kw:8080', token: 'kw_secret', username: 'admin' };

describe('credentials file', () => {
  it('is written with mode 0600 in a 0700 directory, even under a permissive umask', async () => {
    const path = join(dir, 'nested', 'credentials.json');
    const previous = process.umask(0o000);
    try {
      await writeCredentials(path, credentials);
    } finally {
      process.umask(previous);
    }
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'nested'))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(credentials);
    expect(await isReadableByOthers(path)).toBe(false);
  });

  it('tightens the mode of a file that was replaced', async () => {
    const path = join(dir, 'credentials.json');
    await writeFile(path, '{}', { mode: 0o644 });
    await chmod(path, 0o644);
    expect(await isReadableByOthers(path)).toBe(true);
    await writeCredentials(path, credentials);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('reads back what was written; a missing file means not logged in', async () => {
    const path = join(dir, 'credentials.json');
    expect(await readCredentials(path)).toBeUndefined();
    await writeCredentials(path, credentials);
    expect(await readCredentials(path)).toEqual(credentials);
    expect(await deleteCredentials(path)).toBe(true);
    expect(await deleteCredentials(path)).toBe(false);
  });

  it('rejects a damaged file with a hint', async () => {
    const path = join(dir, 'credentials.json');
    await writeFile(path, 'not json');
    await expect(readCredentials(path)).rejects.toThrow('keepwatch login');
  });

  it('lives at KEEPWATCH_CONFIG, else under ~/.config/keepwatch', () => {
    expect(credentialsPath({ KEEPWATCH_CONFIG: '/x/c.json' })).toBe('/x/c.json');
    expect(credentialsPath({})).toMatch(/\.config\/keepwatch\/credentials\.json$/);
  });
});
