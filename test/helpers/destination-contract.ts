import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Destination, UploadHandle } from '../../src/adapters/destinations/destination.contract.js';
import { NotFoundError, ValidationError } from '../../src/core/errors.js';

export interface DestinationUnderTest {
  dest: Destination;
  cleanup(): Promise<void>;
  /** Optional: how many uncommitted uploads the backend holds (partial files, open multiparts). */
  countPartials?(): Promise<number>;
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * Compares bytes by length and SHA-256: vitest's deep equality walks a Buffer element by element
 * (seconds per MB) and would print megabytes of diff on failure.
 */
export function expectSameBytes(actual: Buffer, expected: Buffer): void {
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  expect({ length: actual.length, sha256: sha(actual) }).toEqual({ length: expected.length, sha256: sha(expected) });
}

/** Writes one chunk and waits until the destination has taken it (not necessarily stored it). */
async function writeChunk(up: UploadHandle, data: Buffer): Promise<void> {
  await new Promise<void>((resolve, reject) => up.stream.write(data, (err) => (err ? reject(err) : resolve())));
}

export async function put(dest: Destination, key: string, data: Buffer | string, runId?: number): Promise<void> {
  const up = await dest.upload(key, runId === undefined ? undefined : { runId });
  try {
    await pipeline(Readable.from([Buffer.from(data)]), up.stream);
    await up.commit();
  } catch (err) {
    await up.abort();
    throw err;
  }
}

const BAD_KEYS = ['../x', 'a/../../x', '..', '/etc/passwd', 'a\\b', '..\\x', 'a//b', '', 'a/', './a', 'a/./b'];

/**
 * The one suite every destination passes (local, S3, SFTP...): run it from a medium test with a
 * factory that opens a fresh, empty destination each time.
 */
export function destinationContract(
  name: string,
  make: () => Promise<{ dest: Destination; cleanup(): Promise<void>; countPartials?(): Promise<number> }>,
): void {
  describe(`destination contract: ${name}`, () => {
    let t: DestinationUnderTest;
    beforeEach(async () => {
      t = await make();
    });
    afterEach(async () => {
      await t.dest.close();
      await t.cleanup();
    });
    const expectPartials = async (n: number): Promise<void> => {
      if (t.countPartials) expect(await t.countPartials()).toBe(n);
    };

    it('upload + commit, then reads back the same bytes', async () => {
      const data = randomBytes(100_000);
      await put(t.dest, 'acme/nightly/2026-01-01.sql.gz', data, 7);
      expectSameBytes(await readAll(await t.dest.read('acme/nightly/2026-01-01.sql.gz')), data);
      const info = await t.dest.stat('acme/nightly/2026-01-01.sql.gz');
      expect(info).toMatchObject({ key: 'acme/nightly/2026-01-01.sql.gz', size: 100_000 });
      expect(Math.abs((info?.modifiedAt ?? 0) - Date.now())).toBeLessThan(120_000);
      await expectPartials(0);
    });

    it('stores an empty object', async () => {
      await put(t.dest, 'empty.bin', Buffer.alloc(0));
      expect(await t.dest.stat('empty.bin')).toMatchObject({ size: 0 });
      expect((await readAll(await t.dest.read('empty.bin'))).length).toBe(0);
    });

    it('a commit replaces an existing object', async () => {
      await put(t.dest, 'a/same.bin', 'first version');
      await put(t.dest, 'a/same.bin', 'second');
      expect((await readAll(await t.dest.read('a/same.bin'))).toString()).toBe('second');
      expect(await t.dest.list('a/')).toHaveLength(1);
    });

    it('nothing is visible before commit', async () => {
      const up = await t.dest.upload('acme/job/pending.bin', { runId: 3 });
      await writeChunk(up, randomBytes(10_000));
      expect(await t.dest.stat('acme/job/pending.bin')).toBeNull();
      expect(await t.dest.list('')).toEqual([]);
      await expect(t.dest.read('acme/job/pending.bin')).rejects.toBeInstanceOf(NotFoundError);
      up.stream.end(randomBytes(5_000));
      await finished(up.stream);
      await up.commit();
      expect(await t.dest.stat('acme/job/pending.bin')).toMatchObject({ size: 15_000 });
    });

    it('abort leaves nothing behind and is idempotent', async () => {
      const up = await t.dest.upload('acme/job/aborted.bin', { runId: 4 });
      await writeChunk(up, randomBytes(50_000));
      await up.abort();
      await up.abort();
      expect(await t.dest.stat('acme/job/aborted.bin')).toBeNull();
      expect(await t.dest.list('')).toEqual([]);
      await expectPartials(0);
    });

    it('a stream error during upload followed by abort leaves nothing', async () => {
      const up = await t.dest.upload('acme/job/broken.bin', { runId: 5 });
      async function* failing() {
        yield randomBytes(64 * 1024);
        yield randomBytes(64 * 1024);
        throw new Error('source died');
      }
      await expect(pipeline(Readable.from(failing()), up.stream)).rejects.toThrow('source died');
      await up.abort();
      expect(await t.dest.stat('acme/job/broken.bin')).toBeNull();
      expect(await t.dest.list('')).toEqual([]);
      await expectPartials(0);
    });

    it('reads byte ranges (inclusive end, clipped at the end of the object)', async () => {
      const data = randomBytes(1000);
      await put(t.dest, 'r/range.bin', data);
      const range = async (start: number, end?: number) =>
        readAll(await t.dest.read('r/range.bin', end === undefined ? { start } : { start, end }));
      expectSameBytes(await range(10, 19), data.subarray(10, 20));
      expectSameBytes(await range(0, 0), data.subarray(0, 1));
      expectSameBytes(await range(990), data.subarray(990));
      expectSameBytes(await range(995, 5000), data.subarray(995));
      expectSameBytes(await range(999, 999), data.subarray(999));
      await expect(t.dest.read('r/missing.bin')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('lists by prefix, recursively, sorted by key', async () => {
      for (const key of ['b/1', 'a/y/1', 'a/x/2', 'ab/1', 'a/x/1', 'top']) await put(t.dest, key, key);
      const keys = async (prefix: string) => (await t.dest.list(prefix)).map((o) => o.key);
      expect(await keys('')).toEqual(['a/x/1', 'a/x/2', 'a/y/1', 'ab/1', 'b/1', 'top']);
      expect(await keys('a/')).toEqual(['a/x/1', 'a/x/2', 'a/y/1']);
      expect(await keys('a')).toEqual(['a/x/1', 'a/x/2', 'a/y/1', 'ab/1']);
      expect(await keys('a/x/')).toEqual(['a/x/1', 'a/x/2']);
      expect(await keys('a/x/2')).toEqual(['a/x/2']);
      expect(await keys('nothing/')).toEqual([]);
      const [first] = await t.dest.list('a/x/1');
      expect(first).toMatchObject({ key: 'a/x/1', size: 5 });
    });

    it('deletes an object, leaves its neighbours, and tolerates a missing key', async () => {
      await put(t.dest, 'd/x/1', 'one');
      await put(t.dest, 'd/x/2', 'two');
      await put(t.dest, 'd/y/1', 'three');
      await t.dest.delete('d/x/1');
      expect(await t.dest.stat('d/x/1')).toBeNull();
      expect((await t.dest.list('')).map((o) => o.key)).toEqual(['d/x/2', 'd/y/1']);
      await t.dest.delete('d/y/1');
      await t.dest.delete('d/y/1');
      expect((await t.dest.list('')).map((o) => o.key)).toEqual(['d/x/2']);
      // Writing under a prefix whose last object was deleted still works.
      await put(t.dest, 'd/y/again', 'x');
      expect(await t.dest.stat('d/y/again')).toMatchObject({ size: 1 });
    });

    it('rejects keys that could escape the destination', async () => {
      for (const key of BAD_KEYS) {
        await expect(t.dest.upload(key), key).rejects.toBeInstanceOf(ValidationError);
        await expect(t.dest.read(key), key).rejects.toBeInstanceOf(ValidationError);
        await expect(t.dest.stat(key), key).rejects.toBeInstanceOf(ValidationError);
        await expect(t.dest.delete(key), key).rejects.toBeInstanceOf(ValidationError);
      }
      for (const prefix of ['../', '/etc/', 'a/../', 'a\\']) {
        await expect(t.dest.list(prefix), prefix).rejects.toBeInstanceOf(ValidationError);
      }
      await expectPartials(0);
    });

    it('cleanupPartials removes abandoned uploads but keeps those of the listed runs', async () => {
      const abandoned1 = await t.dest.upload('c/abandoned-1.bin', { runId: 11 });
      const kept = await t.dest.upload('c/kept.bin', { runId: 12 });
      const abandoned2 = await t.dest.upload('c/abandoned-2.bin');
      const keptData = randomBytes(20_000);
      for (const up of [abandoned1, abandoned2]) await writeChunk(up, randomBytes(20_000));
      await writeChunk(kept, keptData.subarray(0, 10_000));

      // Recent uploads survive an age-limited sweep.
      expect(await t.dest.cleanupPartials({ olderThanMs: 3_600_000 })).toBe(0);
      await expectPartials(3);

      const removed = await t.dest.cleanupPartials({ keepRunIds: [12] });
      if (t.countPartials) {
        expect(removed).toBe(2);
        await expectPartials(1);
      } else {
        expect(removed).toBeGreaterThanOrEqual(0);
      }
      kept.stream.end(keptData.subarray(10_000));
      await finished(kept.stream);
      await kept.commit();
      expectSameBytes(await readAll(await t.dest.read('c/kept.bin')), keptData);

      // The owners of swept uploads may still call abort; that must stay harmless.
      await abandoned1.abort();
      await abandoned2.abort();
      expect((await t.dest.list('')).map((o) => o.key)).toEqual(['c/kept.bin']);
      await expectPartials(0);
    });

    it('streams a multi-MB upload with backpressure', { timeout: 60_000 }, async () => {
      const chunkSize = 256 * 1024;
      const chunks = 96; // 24 MiB
      const up = await t.dest.upload('big/blob.bin', { runId: 99 });
      const hash = createHash('sha256');
      let sawBackpressure = false;
      for (let i = 0; i < chunks; i++) {
        const chunk = randomBytes(chunkSize);
        hash.update(chunk);
        if (!up.stream.write(chunk)) {
          sawBackpressure = true;
          await once(up.stream, 'drain');
        }
      }
      up.stream.end();
      await finished(up.stream);
      await up.commit();
      expect(sawBackpressure).toBe(true);
      expect(await t.dest.stat('big/blob.bin')).toMatchObject({ size: chunkSize * chunks });
      const readBack = createHash('sha256');
      for await (const chunk of await t.dest.read('big/blob.bin')) readBack.update(chunk as Uint8Array);
      expect(readBack.digest('hex')).toBe(hash.digest('hex'));
    });
  });
}
