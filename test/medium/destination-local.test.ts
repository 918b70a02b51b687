import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Destination } from '../../src/adapters/destinations/destination.contract.js';
import { destinationKinds, loadDestinationAdapter } from '../../src/adapters/destinations/registry.js';
import { ValidationError } from '../../src/core/errors.js';
import { destinationContract, expectSameBytes, put, readAll } from '../helpers/destination-contract.js';

const PARTIAL_DIR = '.keepwatch-partial';

async function openLocal(path: string): Promise<Destination> {
  return (await loadDestinationAdapter('local')).open({ path });
}

async function partialFiles(root: string): Promise<string[]> {
  return (await readdir(join(root, PARTIAL_DIR))).filter((n) => n.endsWith('.partial'));
}

destinationContract('local', async () => {
  const base = await mkdtemp(join(tmpdir(), 'kw-local-'));
  const root = join(base, 'backups');
  return {
    dest: await openLocal(root),
    cleanup: () => rm(base, { recursive: true, force: true }),
    countPartials: async () => (await partialFiles(root)).length,
  };
});

describe('destination registry', () => {
  it('loads local and names the known kinds for an unknown one', async () => {
    expect(destinationKinds()).toContain('local');
    expect((await loadDestinationAdapter('local')).kind).toBe('local');
    const err = await loadDestinationAdapter('tape').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/"tape".*local/);
    await expect(loadDestinationAdapter('constructor')).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('local destination specifics', () => {
  let base: string;
  let root: string;
  let dest: Destination;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'kw-local-'));
    root = join(base, 'deep', 'backups');
    dest = await openLocal(root);
  });
  afterEach(async () => {
    await dest.close();
    await rm(base, { recursive: true, force: true });
  });

  it('validates its config', async () => {
    const local = await loadDestinationAdapter('local');
    await expect(local.open({ path: 'relative/dir' })).rejects.toBeInstanceOf(ValidationError);
    await expect(local.open({})).rejects.toBeInstanceOf(ValidationError);
    await expect(local.open({ path: root, extra: 1 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('creates the root private and fails clearly where it cannot write', async () => {
    expect((await stat(root)).mode & 0o777).toBe(0o700);
    expect((await stat(join(base, 'deep'))).mode & 0o777).toBe(0o700);
    await writeFile(join(base, 'a-file'), 'x');
    const bad = join(base, 'a-file', 'sub');
    const err = await openLocal(bad).catch((e: unknown) => e);
    expect((err as Error).message).toContain(bad);
    expect((err as Error).message).toMatch(/cannot create or write there \(E[A-Z]+/);
  });

  it('stores files 0600 in new directories 0700', async () => {
    await put(dest, 'acme/nightly/file.bin', 'data');
    expect((await stat(join(root, 'acme/nightly/file.bin'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(root, 'acme/nightly'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(root, 'acme'))).mode & 0o777).toBe(0o700);
  });

  it('writes only into the partial directory until commit, then renames the same file', async () => {
    const up = await dest.upload('acme/nightly/db 1.sql.gz', { runId: 42 });
    up.stream.write(randomBytes(1000));
    expect(await readdir(root)).toEqual([PARTIAL_DIR]);
    const [partial] = await partialFiles(root);
    expect(partial).toMatch(/^acme%2Fnightly%2Fdb%201\.sql\.gz\.42\.[0-9a-f]{12}\.partial$/);
    const partialInode = (await stat(join(root, PARTIAL_DIR, partial ?? ''))).ino;
    up.stream.end();
    await finished(up.stream);
    await up.commit();
    // Same inode: the data was renamed into place, not copied (a copy could be seen half-written).
    expect((await stat(join(root, 'acme/nightly/db 1.sql.gz'))).ino).toBe(partialInode);
    expect(await partialFiles(root)).toEqual([]);
    await up.abort(); // after commit: a no-op that must not delete the object
    expect(await dest.stat('acme/nightly/db 1.sql.gz')).toMatchObject({ size: 1000 });
  });

  it('a reader of the old version sees it whole while a new version is committed', async () => {
    const v1 = randomBytes(3 * 1024 * 1024);
    const v2 = randomBytes(1024);
    await put(dest, 'k/obj', v1);
    const oldReader = await dest.read('k/obj');
    await put(dest, 'k/obj', v2);
    expectSameBytes(await readAll(oldReader), v1);
    expectSameBytes(await readAll(await dest.read('k/obj')), v2);
  });

  it('commit fails after the partial was swept, and commit before end() can be retried', async () => {
    const up = await dest.upload('s/swept.bin', { runId: 1 });
    await expect(up.commit()).rejects.toThrow(/end the stream/);
    up.stream.end('x');
    await finished(up.stream);
    await dest.cleanupPartials({});
    await expect(up.commit()).rejects.toThrow(/removed before commit/);
    await up.abort();
    expect(await dest.list('')).toEqual([]);
  });

  it('cleanupPartials honours olderThanMs by file age', async () => {
    await dest.upload('o/old.bin', { runId: 1 });
    await dest.upload('o/new.bin', { runId: 2 });
    const [oldName] = (await partialFiles(root)).filter((n) => n.includes('old'));
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(join(root, PARTIAL_DIR, oldName ?? ''), hourAgo, hourAgo);
    expect(await dest.cleanupPartials({ olderThanMs: 600_000 })).toBe(1);
    expect((await partialFiles(root)).map((n) => n.includes('new'))).toEqual([true]);
    await writeFile(join(root, PARTIAL_DIR, 'unrelated.txt'), 'x');
    expect(await dest.cleanupPartials({})).toBe(1);
    expect(await readdir(join(root, PARTIAL_DIR))).toEqual(['unrelated.txt']);
  });

  it('delete prunes empty parent directories but never the root', async () => {
    await put(dest, 'p/q/r/file', 'x');
    await put(dest, 'p/keep', 'y');
    await dest.delete('p/q/r/file');
    expect((await readdir(join(root, 'p'))).sort()).toEqual(['keep']);
    await dest.delete('p/keep');
    expect(await readdir(root)).toEqual([PARTIAL_DIR]);
    await put(dest, 'single', 'z');
    await dest.delete('single');
    expect((await stat(root)).isDirectory()).toBe(true);
  });

  it('refuses to follow a symlinked directory out of the root, and lists no symlinks', async () => {
    const outside = join(base, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'secret'), 'do not read');
    await symlink(outside, join(root, 'evil'));
    await symlink(join(outside, 'secret'), join(root, 'link-to-secret'));
    await expect(dest.read('evil/secret')).rejects.toBeInstanceOf(ValidationError);
    await expect(dest.delete('evil/secret')).rejects.toBeInstanceOf(ValidationError);
    const up = await dest.upload('evil/sub/planted', { runId: 1 });
    up.stream.end('x');
    await finished(up.stream);
    await expect(up.commit()).rejects.toBeInstanceOf(ValidationError);
    await up.abort();
    expect(await readdir(outside)).toEqual(['secret']);
    expect(await readFile(join(outside, 'secret'), 'utf8')).toBe('do not read');
    expect(await dest.list('')).toEqual([]);
    expect(await dest.stat('link-to-secret')).toBeNull();
  });

  it('rejects the reserved partial directory as a key or prefix', async () => {
    await expect(dest.upload(`${PARTIAL_DIR}/x`)).rejects.toBeInstanceOf(ValidationError);
    await expect(dest.list(`${PARTIAL_DIR}/`)).rejects.toBeInstanceOf(ValidationError);
    await expect(dest.upload('a/\u0000b')).rejects.toBeInstanceOf(ValidationError);
  });

  it('keeps partial names short for very long keys', async () => {
    const key = `${'x'.repeat(200)}/${'é'.repeat(120)}`;
    await put(dest, key, 'long');
    expect(await dest.stat(key)).toMatchObject({ size: 4 });
  });
});
