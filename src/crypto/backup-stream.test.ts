import { execFile } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMPRESSIONS, type CompressionAlgorithm } from '../core/domain.js';
import { IntegrityError, ValidationError } from '../core/errors.js';
import {
  chunkNonce,
  createDecryptStream,
  createEncryptStream,
  ENCRYPTED_EXTENSION,
  HEADER_LENGTH,
  readBackupHeader,
  type BackupHeader,
} from './backup-stream.js';
import { formatRecoveryKit, generateProfileKey, keyIdOf } from './keys.js';

const CS = 4096; // smallest allowed chunk size keeps the tamper tests fast
const BLOCK = CS + 16;

/** Deterministic PRNG (mulberry32) so that a failing random case can be replayed. */
function prng(seed: number): (max: number) => number {
  let a = seed >>> 0;
  return (max) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max);
  };
}

function* pieces(data: Buffer, size: (remaining: number) => number): Generator<Buffer> {
  for (let pos = 0; pos < data.length;) {
    const n = Math.max(1, Math.min(size(data.length - pos), data.length - pos));
    yield data.subarray(pos, pos + n);
    pos += n;
  }
}

async function through(stream: Transform, input: Buffer, size: (r: number) => number = () => 65536) {
  const out: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      out.push(chunk);
      cb();
    },
  });
  let error: unknown;
  try {
    await pipeline(Readable.from(pieces(input, size)), stream, sink);
  } catch (err) {
    error = err;
  }
  return { output: Buffer.concat(out), error };
}

async function encrypt(
  input: Buffer,
  key: Buffer,
  opts: { chunkSize?: number; compression?: CompressionAlgorithm; size?: (r: number) => number } = {},
): Promise<Buffer> {
  const stream = createEncryptStream({ key, compression: opts.compression ?? 'zstd', chunkSize: opts.chunkSize ?? CS });
  const { output, error } = await through(stream, input, opts.size);
  if (error) throw error;
  return output;
}

async function decrypt(file: Buffer, key: Buffer | undefined, size?: (r: number) => number): Promise<Buffer> {
  const { output, error } = await through(createDecryptStream({ keyFor: () => key }), file, size);
  if (error) throw error;
  return output;
}

async function expectIntegrityFailure(file: Buffer, key: Buffer, message: RegExp): Promise<Buffer> {
  const { output, error } = await through(createDecryptStream({ keyFor: () => key }), file);
  expect(error).toBeInstanceOf(IntegrityError);
  expect((error as Error).message).toMatch(message);
  return output;
}

/** Offset of chunk i in a file with CS-sized chunks. */
const chunkAt = (i: number): number => HEADER_LENGTH + i * BLOCK;

function flip(buf: Buffer, offset: number): Buffer {
  const copy = Buffer.from(buf);
  copy[offset] = (copy[offset] ?? 0) ^ 0x01;
  return copy;
}

/**
 * A decryptor written only from docs/backup-format.md (sections 2 and 3), with node:crypto
 * and nothing from the implementation: if the document were insufficient or wrong, this
 * would disagree with the stream.
 */
function independentDecrypt(file: Buffer, profileKey: Buffer): { plaintext: Buffer; compressionId: number } {
  const header = file.subarray(0, 67);
  if (header.toString('latin1', 0, 8) !== 'KWBACKUP') throw new Error('bad magic');
  if (header[8] !== 1 || header[9] !== 1) throw new Error('unsupported');
  const exponent = header[10] as number;
  const keyId = createHash('sha256')
    .update(Buffer.concat([Buffer.from('keepwatch-key-id-v1'), profileKey]))
    .digest()
    .subarray(0, 16);
  if (!keyId.equals(header.subarray(12, 28))) throw new Error('key id mismatch');
  const fileKey = Buffer.from(hkdfSync('sha256', profileKey, header.subarray(28, 60), 'keepwatch-backup-v1', 32));
  const block = 2 ** exponent + 16;
  const out: Buffer[] = [];
  for (let pos = 67, counter = 0; ; pos += block, counter++) {
    const remaining = file.length - pos;
    const final = remaining <= block;
    const sealed = file.subarray(pos, pos + (final ? remaining : block));
    if (sealed.length < 16) throw new Error('truncated');
    const nonce = Buffer.concat([header.subarray(60, 67), Buffer.alloc(4), Buffer.from([final ? 1 : 0])]);
    nonce.writeUInt32BE(counter, 7);
    const d = createDecipheriv('aes-256-gcm', fileKey, nonce);
    d.setAAD(header);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    out.push(d.update(sealed.subarray(0, sealed.length - 16)), d.final());
    if (final) break;
  }
  return { plaintext: Buffer.concat(out), compressionId: header[11] as number };
}

/** A writer built from the document too, used to make files the stream never writes itself. */
function independentEncrypt(plainChunks: Buffer[], profileKey: Buffer, exponent: number): Buffer {
  const header = Buffer.alloc(67);
  header.write('KWBACKUP', 0, 'latin1');
  header.set([1, 1, exponent, 0], 8);
  keyIdOf(profileKey).copy(header, 12);
  randomBytes(39).copy(header, 28);
  const fileKey = Buffer.from(hkdfSync('sha256', profileKey, header.subarray(28, 60), 'keepwatch-backup-v1', 32));
  const parts = [header];
  plainChunks.forEach((plain, i) => {
    const nonce = Buffer.concat([header.subarray(60, 67), Buffer.alloc(5)]);
    nonce.writeUInt32BE(i, 7);
    nonce[11] = i === plainChunks.length - 1 ? 1 : 0;
    const c = createCipheriv('aes-256-gcm', fileKey, nonce);
    c.setAAD(header);
    parts.push(c.update(plain), c.final(), c.getAuthTag());
  });
  return Buffer.concat(parts);
}

describe('encrypted backup stream: round trips', () => {
  const key = generateProfileKey();

  it.each([0, 1, CS - 1, CS, CS + 1, 3 * CS])('round-trips %i bytes with the documented size', async (size) => {
    const input = randomBytes(size);
    const file = await encrypt(input, key);
    // header + one tag per chunk, and a final chunk always exists (empty on exact multiples)
    expect(file.length).toBe(HEADER_LENGTH + size + 16 * (Math.floor(size / CS) + 1));
    expect((await decrypt(file, key)).equals(input)).toBe(true);
    const independent = independentDecrypt(file, key);
    expect(independent.plaintext.equals(input)).toBe(true);
    expect(independent.compressionId).toBe(3);
  });

  it('round-trips several MiB at the default chunk size, fed and read in random pieces', async () => {
    const rand = prng(20240601);
    const input = randomBytes(5 * 2 ** 20 + 12345);
    const stream = createEncryptStream({ key, compression: 'gzip' });
    const { output: file, error } = await through(stream, input, () => 1 + rand(200_000));
    expect(error).toBeUndefined();
    expect(file.length).toBe(HEADER_LENGTH + input.length + 16 * 6);
    const plain = await decrypt(file, key, () => 1 + rand(300_000));
    expect(plain.equals(input)).toBe(true);
    expect(independentDecrypt(file, key).plaintext.equals(input)).toBe(true);
  });

  it('survives one-byte writes', async () => {
    const input = randomBytes(CS * 2 + 7);
    const file = await encrypt(input, key, { size: () => 1 });
    expect((await decrypt(file, key, () => 1)).equals(input)).toBe(true);
  });

  it('property: random sizes, chunk sizes and piece sizes round-trip, and one flipped byte is caught', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rand = prng(seed);
      const chunkSize = 2 ** (12 + rand(3));
      const input = randomBytes(rand(5 * chunkSize));
      const file = await encrypt(input, key, { chunkSize, size: () => 1 + rand(3 * chunkSize) });
      const back = await decrypt(file, key, () => 1 + rand(3 * chunkSize));
      expect(back.equals(input), `seed ${seed}`).toBe(true);
      const { error } = await through(createDecryptStream({ keyFor: () => key }), flip(file, rand(file.length)));
      expect(error, `seed ${seed}`).toBeInstanceOf(IntegrityError);
    }
  });

  it('writes a header that records the settings and resolves it on decryption', async () => {
    for (const compression of COMPRESSIONS) {
      const file = await encrypt(Buffer.from('hello'), key, { compression, chunkSize: 2 ** 16 });
      const header = readBackupHeader(file);
      expect(header).toMatchObject({ version: 1, algorithm: 1, chunkSize: 65536, compression, headerLength: 67 });
      expect(header.keyId.equals(keyIdOf(key))).toBe(true);
      expect(file.subarray(0, 8).toString('latin1')).toBe('KWBACKUP');
      expect(file[11]).toBe(COMPRESSIONS.indexOf(compression));

      const stream = createDecryptStream({ keyFor: () => key });
      const [parsed] = await Promise.all([stream.header, through(stream, file)]);
      expect(parsed).toEqual<BackupHeader>(header);
    }
  });

  it('uses a fresh salt and nonce prefix for every file', async () => {
    const input = Buffer.alloc(100);
    const [a, b] = [readBackupHeader(await encrypt(input, key)), readBackupHeader(await encrypt(input, key))];
    expect(a.salt.equals(b.salt)).toBe(false);
    expect(a.noncePrefix.equals(b.noncePrefix)).toBe(false);
  });

  it('accepts an asynchronous key lookup and passes it the key id', async () => {
    const file = await encrypt(Buffer.from('data'), key);
    const asked: string[] = [];
    const stream = createDecryptStream({
      keyFor: async (id) => {
        asked.push(id.toString('hex'));
        await new Promise((resolve) => setImmediate(resolve));
        return key;
      },
    });
    const { output, error } = await through(stream, file);
    expect(error).toBeUndefined();
    expect(output.toString()).toBe('data');
    expect(asked).toEqual([keyIdOf(key).toString('hex')]);
  });

  it('passes on the error of a failing key lookup', async () => {
    const file = await encrypt(Buffer.from('data'), key);
    const lookupError = new Error('database is down');
    for (const keyFor of [
      () => Promise.reject(lookupError),
      (): Buffer => {
        throw lookupError;
      },
    ]) {
      const { output, error } = await through(createDecryptStream({ keyFor }), file);
      expect(error).toBe(lookupError);
      expect(output.length).toBe(0);
    }
  });

  it('reads a file whose final chunk is full, as the format allows', async () => {
    const chunks = [randomBytes(CS), randomBytes(CS)];
    const file = independentEncrypt(chunks, key, 12);
    expect((await decrypt(file, key)).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('exports the file extension', () => {
    expect(ENCRYPTED_EXTENSION).toBe('kwe');
  });
});

describe('encrypted backup stream: tampering and damage', () => {
  const key = generateProfileKey();
  const input = randomBytes(3 * CS + 100); // chunks 0..2 full, chunk 3 final with 100 bytes
  const filePromise = encrypt(input, key);

  it('rejects a change to any header byte', async () => {
    const file = await filePromise;
    for (let offset = 0; offset < HEADER_LENGTH; offset++) {
      const { output, error } = await through(createDecryptStream({ keyFor: () => key }), flip(file, offset));
      expect(error, `header offset ${offset}`).toBeInstanceOf(IntegrityError);
      expect(output.length, `header offset ${offset}`).toBe(0);
    }
  });

  it('names the header problem', async () => {
    const file = await filePromise;
    await expectIntegrityFailure(flip(file, 0), key, /^not a Keepwatch encrypted backup \(bad magic\)$/);
    const v7 = Buffer.from(file);
    v7[8] = 7;
    await expectIntegrityFailure(v7, key, /^unsupported format version 7$/);
    const alg = Buffer.from(file);
    alg[9] = 2;
    await expectIntegrityFailure(alg, key, /^unsupported algorithm id 2$/);
    const exp = Buffer.from(file);
    exp[10] = 25;
    await expectIntegrityFailure(exp, key, /invalid chunk size exponent 25/);
    const comp = Buffer.from(file);
    comp[11] = 9;
    await expectIntegrityFailure(comp, key, /unknown compression id 9/);
    // a valid but different compression id is caught by authentication (the header is the AAD)
    const otherComp = Buffer.from(file);
    otherComp[11] = 1;
    await expectIntegrityFailure(otherComp, key, /^chunk 0 failed authentication/);
    await expectIntegrityFailure(Buffer.alloc(0), key, /empty file/);
    await expectIntegrityFailure(randomBytes(1000), key, /bad magic/);
    await expectIntegrityFailure(
      file.subarray(0, 40),
      key,
      /^file is truncated \(header incomplete: 40 of 67 bytes\)$/,
    );
  });

  it('detects a flipped byte in every chunk, in ciphertext and in tag, and releases only earlier chunks', async () => {
    const file = await filePromise;
    for (let i = 0; i <= 3; i++) {
      const sealedLength = i < 3 ? BLOCK : 116;
      for (const offset of [chunkAt(i), chunkAt(i) + sealedLength - 17, chunkAt(i) + sealedLength - 1]) {
        const output = await expectIntegrityFailure(
          flip(file, offset),
          key,
          new RegExp(`^chunk ${i} failed authentication \\(tampered`),
        );
        expect(output.equals(input.subarray(0, i * CS)), `chunk ${i} offset ${offset}`).toBe(true);
      }
    }
  });

  it('detects truncation at a chunk boundary', async () => {
    const file = await filePromise;
    await expectIntegrityFailure(file.subarray(0, chunkAt(3)), key, /^file is truncated \(final chunk missing\)$/);
    await expectIntegrityFailure(file.subarray(0, chunkAt(1)), key, /^file is truncated \(final chunk missing\)$/);
    await expectIntegrityFailure(file.subarray(0, HEADER_LENGTH), key, /^file is truncated \(final chunk missing\)$/);
  });

  it('detects truncation inside a chunk', async () => {
    const file = await filePromise;
    await expectIntegrityFailure(file.subarray(0, chunkAt(2) + 1000), key, /^chunk 2 failed authentication/);
    await expectIntegrityFailure(file.subarray(0, file.length - 1), key, /^chunk 3 failed authentication/);
    await expectIntegrityFailure(file.subarray(0, chunkAt(3) + 5), key, /^file is truncated \(chunk 3 .*5 bytes/);
  });

  it('detects a dropped chunk', async () => {
    const file = await filePromise;
    const dropped = Buffer.concat([file.subarray(0, chunkAt(1)), file.subarray(chunkAt(2))]);
    const output = await expectIntegrityFailure(dropped, key, /^chunk 1 failed authentication/);
    expect(output.equals(input.subarray(0, CS))).toBe(true);
  });

  it('detects two reordered chunks', async () => {
    const file = await filePromise;
    const c = (i: number) => file.subarray(chunkAt(i), chunkAt(i + 1));
    const swapped = Buffer.concat([file.subarray(0, chunkAt(0)), c(1), c(0), file.subarray(chunkAt(2))]);
    const output = await expectIntegrityFailure(swapped, key, /^chunk 0 failed authentication/);
    expect(output.length).toBe(0);
  });

  it('detects a chunk spliced in from another file encrypted with the same key', async () => {
    const file = await filePromise;
    const other = await encrypt(randomBytes(input.length), key);
    const spliced = Buffer.concat([
      file.subarray(0, chunkAt(1)),
      other.subarray(chunkAt(1), chunkAt(2)),
      file.subarray(chunkAt(2)),
    ]);
    await expectIntegrityFailure(spliced, key, /^chunk 1 failed authentication/);
    // and a whole header swapped onto another file's chunks
    const rehead = Buffer.concat([other.subarray(0, HEADER_LENGTH), file.subarray(HEADER_LENGTH)]);
    await expectIntegrityFailure(rehead, key, /^chunk 0 failed authentication/);
  });

  it('detects appended bytes', async () => {
    const file = await filePromise;
    await expectIntegrityFailure(Buffer.concat([file, Buffer.from([0])]), key, /^chunk 3 failed authentication/);
    await expectIntegrityFailure(Buffer.concat([file, randomBytes(2 * BLOCK)]), key, /^chunk 3 failed authentication/);
    // after an empty final chunk (exact multiple) the reader can tell precisely
    const exact = await encrypt(randomBytes(2 * CS), key);
    await expectIntegrityFailure(Buffer.concat([exact, Buffer.from('x')]), key, /^unexpected data after final chunk/);
    await expectIntegrityFailure(
      Buffer.concat([exact, randomBytes(BLOCK + 3)]),
      key,
      /^unexpected data after final chunk/,
    );
    // and after a full final chunk
    const full = independentEncrypt([randomBytes(CS), randomBytes(CS)], key, 12);
    await expectIntegrityFailure(Buffer.concat([full, randomBytes(10)]), key, /^unexpected data after final chunk$/);
  });

  it('refuses a wrong key, and a missing one, before decrypting anything', async () => {
    const file = await filePromise;
    const other = generateProfileKey();
    await expectIntegrityFailure(file, other, /^wrong key: the backup needs key id [0-9a-f]{32}/);
    const id = keyIdOf(key).toString('hex');
    const { error } = await through(createDecryptStream({ keyFor: () => undefined }), file);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toBe(`no key for key id ${id}`);
  });

  it('fails authentication when a different key is forced in under the right key id', async () => {
    // Simulates a key whose id collides: only the cryptography stands in the way.
    const file = await filePromise;
    const other = generateProfileKey();
    const forged = Buffer.from(file);
    keyIdOf(other).copy(forged, 12);
    await expectIntegrityFailure(forged, other, /^chunk 0 failed authentication/);
  });

  it('rejects the header promise when the header is bad', async () => {
    const stream = createDecryptStream({ keyFor: () => key });
    const [headerResult] = await Promise.allSettled([stream.header, through(stream, randomBytes(100))]);
    expect(headerResult.status).toBe('rejected');
    expect((headerResult as PromiseRejectedResult).reason).toBeInstanceOf(IntegrityError);
  });
});

describe('encrypted backup stream: limits and options', () => {
  const key = generateProfileKey();

  it('builds nonces as prefix || counter || final flag and refuses to wrap the counter', () => {
    const prefix = Buffer.from('0102030405060708', 'hex');
    expect(chunkNonce(prefix, 0x01020304, false).toString('hex')).toBe('0102030405060701020304' + '00');
    expect(chunkNonce(prefix, 0xffffffff, true).toString('hex')).toBe('01020304050607ffffffff01');
    expect(() => chunkNonce(prefix, 2 ** 32, false)).toThrow(RangeError);
    expect(() => chunkNonce(prefix, -1, false)).toThrow(RangeError);
  });

  it('validates its options with clear errors', () => {
    expect(() => createEncryptStream({ key, compression: 'zstd', chunkSize: 1000 })).toThrow(ValidationError);
    expect(() => createEncryptStream({ key, compression: 'zstd', chunkSize: 2 ** 25 })).toThrow(/power of two/);
    expect(() => createEncryptStream({ key: randomBytes(16), compression: 'zstd' })).toThrow(/32 bytes/);
    expect(() => createEncryptStream({ key, compression: 'lz4' as CompressionAlgorithm })).toThrow(
      /unknown compression "lz4"/,
    );
  });

  it('applies backpressure instead of buffering an unread stream', () => {
    for (const stream of [
      createEncryptStream({ key, compression: 'none', chunkSize: CS }),
      createDecryptStream({ keyFor: () => key }),
    ]) {
      stream.on('error', () => undefined);
      const piece = Buffer.alloc(64 * 1024, 1);
      let writes = 0;
      while (stream.write(piece) && writes < 1000) writes++;
      // Nobody reads, so the stream must ask the writer to wait after a few chunks.
      expect(writes).toBeLessThan(64);
      stream.destroy();
    }
  });
});

describe('docs/backup-format.md', () => {
  const docPath = join(dirname(fileURLToPath(import.meta.url)), '../../docs/backup-format.md');

  it('contains a Node example decryptor that decrypts real output', async () => {
    const doc = await readFile(docPath, 'utf8');
    const match = /<!-- example:node[^>]*-->\s*```js\n([\s\S]*?)```/.exec(doc);
    expect(match, 'the Node example block is missing').not.toBeNull();
    const dir = await mkdtemp(join(tmpdir(), 'kw-format-'));
    try {
      const key = generateProfileKey();
      const input = randomBytes(2 ** 20 * 2 + 999);
      const file = await encrypt(input, key, { chunkSize: 2 ** 20 });
      await writeFile(join(dir, 'decrypt.mjs'), match?.[1] ?? '');
      await writeFile(join(dir, 'kit.txt'), formatRecoveryKit({ name: 'prod', key, createdAt: new Date() }), {
        mode: 0o600,
      });
      await writeFile(join(dir, 'backup.kwe'), file);
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [join(dir, 'decrypt.mjs'), join(dir, 'kit.txt'), join(dir, 'backup.kwe')],
        { encoding: 'buffer', maxBuffer: 16 * 2 ** 20 },
      );
      expect(Buffer.from(stdout).equals(input)).toBe(true);
      // and it refuses a tampered file
      await writeFile(join(dir, 'backup.kwe'), flip(file, HEADER_LENGTH + 5));
      await expect(
        promisify(execFile)(process.execPath, [
          join(dir, 'decrypt.mjs'),
          join(dir, 'kit.txt'),
          join(dir, 'backup.kwe'),
        ]),
      ).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
