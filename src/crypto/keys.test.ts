import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.js';
import { formatRecoveryKit, generateProfileKey, keyIdOf, loadOrCreateMasterKey, parseKeyFile } from './keys.js';

describe('profile keys and key ids', () => {
  it('generates distinct 32-byte keys', () => {
    const a = generateProfileKey();
    expect(a.length).toBe(32);
    expect(a.equals(generateProfileKey())).toBe(false);
  });

  it('derives the documented 16-byte key id', () => {
    const key = Buffer.from('00'.repeat(31) + '01', 'hex');
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from('keepwatch-key-id-v1', 'ascii'), key]))
      .digest()
      .subarray(0, 16);
    expect(keyIdOf(key).equals(expected)).toBe(true);
    expect(keyIdOf(key).length).toBe(16);
    expect(keyIdOf(generateProfileKey()).equals(keyIdOf(key))).toBe(false);
    expect(() => keyIdOf(randomBytes(31))).toThrow(ValidationError);
  });
});

describe('recovery kit', () => {
  const key = generateProfileKey();
  const createdAt = new Date('2026-03-01T10:00:00Z');

  it('holds the profile name, key id, key and how to decrypt', () => {
    const kit = formatRecoveryKit({ name: 'Acme production', key, createdAt });
    expect(kit).toContain('profile: Acme production');
    expect(kit).toContain(`key-id: ${keyIdOf(key).toString('hex')}`);
    expect(kit).toContain(`key: ${key.toString('base64')}`);
    expect(kit).toContain('created-at: 2026-03-01T10:00:00.000Z');
    expect(kit).toMatch(/^#.*keepwatch backup decrypt --key-file/m);
  });

  it('parses back to the same key and id', () => {
    const parsed = parseKeyFile(formatRecoveryKit({ name: 'p', key, createdAt }));
    expect(parsed.key.equals(key)).toBe(true);
    expect(parsed.keyId.equals(keyIdOf(key))).toBe(true);
    expect(parseKeyFile(Buffer.from(formatRecoveryKit({ name: 'p', key, createdAt }))).key.equals(key)).toBe(true);
  });

  it('does not let a profile name forge a key line', () => {
    const other = generateProfileKey();
    const kit = formatRecoveryKit({ name: `evil\nkey: ${other.toString('base64')}`, key, createdAt });
    expect(kit.split('\n').filter((l) => l.startsWith('key:'))).toHaveLength(1);
    expect(parseKeyFile(kit).key.equals(key)).toBe(true);
  });

  it('refuses a kit whose key does not match its key id', () => {
    const kit = formatRecoveryKit({ name: 'p', key, createdAt }).replace(
      /^key: .*$/m,
      `key: ${generateProfileKey().toString('base64')}`,
    );
    expect(() => parseKeyFile(kit)).toThrow(/damaged/);
  });

  it('refuses a kit without a usable key line', () => {
    const kit = formatRecoveryKit({ name: 'p', key, createdAt }).replace(/^key: .*$/m, 'key: c2hvcnQ=');
    expect(() => parseKeyFile(kit)).toThrow(ValidationError);
  });
});

describe('parseKeyFile', () => {
  const key = generateProfileKey();

  it.each([
    ['hex', key.toString('hex')],
    ['upper-case hex with a newline', `${key.toString('hex').toUpperCase()}\n`],
    ['base64', key.toString('base64')],
    ['base64 with spaces around', `  ${key.toString('base64')}\r\n`],
    ['base64url without padding', key.toString('base64url')],
  ])('reads %s', (_what, text) => {
    const parsed = parseKeyFile(text);
    expect(parsed.key.equals(key)).toBe(true);
    expect(parsed.keyId.equals(keyIdOf(key))).toBe(true);
  });

  it('reads exactly 32 raw bytes', () => {
    expect(parseKeyFile(Buffer.from(key)).key.equals(key)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['short hex', key.toString('hex').slice(0, 62)],
    ['base64 of 24 bytes', randomBytes(24).toString('base64')],
    ['31 raw bytes', randomBytes(31)],
    ['33 raw bytes', randomBytes(33)],
    ['a passphrase', 'correct horse battery staple'],
  ])('refuses %s with a ValidationError that does not echo the content', (_what, content) => {
    let error: unknown;
    try {
      parseKeyFile(content);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/recovery kit, 64 hex characters, base64 of 32 bytes/);
    if (typeof content === 'string' && content.length > 0) expect((error as Error).message).not.toContain(content);
  });
});

describe('loadOrCreateMasterKey', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kw-keys-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the key file with mode 0600, in new parent directories, and reads it back', async () => {
    const keyFilePath = join(dir, 'nested', 'deeper', 'master.key');
    const key = await loadOrCreateMasterKey({ keyFilePath });
    expect(key.length).toBe(32);
    expect((await stat(keyFilePath)).mode & 0o777).toBe(0o600);
    expect((await readFile(keyFilePath, 'utf8')).trim()).toBe(key.toString('hex'));
    expect((await loadOrCreateMasterKey({ keyFilePath })).equals(key)).toBe(true);
    // written through a temporary name that does not stay behind
    expect(await readdir(join(dir, 'nested', 'deeper'))).toEqual(['master.key']);
  });

  it('gives every concurrent starter the same key', async () => {
    const keyFilePath = join(dir, 'master.key');
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateMasterKey({ keyFilePath })));
    const onDisk = Buffer.from((await readFile(keyFilePath, 'utf8')).trim(), 'hex');
    for (const key of keys) expect(key.equals(onDisk)).toBe(true);
    expect(await readdir(dir)).toEqual(['master.key']);
  });

  it.skipIf(process.platform === 'win32')('refuses a key file that group or others can read', async () => {
    const keyFilePath = join(dir, 'master.key');
    await loadOrCreateMasterKey({ keyFilePath });
    await chmod(keyFilePath, 0o644);
    await expect(loadOrCreateMasterKey({ keyFilePath })).rejects.toThrow(ValidationError);
    await expect(loadOrCreateMasterKey({ keyFilePath })).rejects.toThrow(/mode 0644.*chmod 600/);
    await chmod(keyFilePath, 0o640);
    await expect(loadOrCreateMasterKey({ keyFilePath })).rejects.toThrow(/group or others/);
  });

  it('refuses a damaged key file without echoing it', async () => {
    const keyFilePath = join(dir, 'master.key');
    await writeFile(keyFilePath, 'not-a-key-sekrit\n', { mode: 0o600 });
    const error = await loadOrCreateMasterKey({ keyFilePath }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('damaged');
    expect((error as Error).message).not.toContain('sekrit');
  });

  it('takes the key from the environment value (hex or base64) without touching the file', async () => {
    const keyFilePath = join(dir, 'master.key');
    const key = generateProfileKey();
    expect((await loadOrCreateMasterKey({ envValue: key.toString('hex'), keyFilePath })).equals(key)).toBe(true);
    expect((await loadOrCreateMasterKey({ envValue: key.toString('base64'), keyFilePath })).equals(key)).toBe(true);
    expect(await readdir(dir)).toEqual([]);
  });

  it('stretches a passphrase deterministically', async () => {
    const keyFilePath = join(dir, 'master.key');
    const a = await loadOrCreateMasterKey({ envValue: 'a long enough passphrase', keyFilePath });
    const b = await loadOrCreateMasterKey({ envValue: 'a long enough passphrase', keyFilePath });
    const c = await loadOrCreateMasterKey({ envValue: 'another long passphrase', keyFilePath });
    expect(a.length).toBe(32);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
    expect(a.equals(Buffer.from('a long enough passphrase'.padEnd(32).slice(0, 32)))).toBe(false);
  });

  it('refuses a short secret without echoing it, and treats an empty one as unset', async () => {
    const keyFilePath = join(dir, 'master.key');
    const error = await loadOrCreateMasterKey({ envValue: 'hunter2', keyFilePath }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/KEEPWATCH_SECRET is too short/);
    expect((error as Error).message).not.toContain('hunter2');
    const key = await loadOrCreateMasterKey({ envValue: '  ', keyFilePath });
    expect((await stat(keyFilePath)).isFile()).toBe(true);
    expect((await readFile(keyFilePath, 'utf8')).trim()).toBe(key.toString('hex'));
  });
});
