/**
 * The encrypted backup file format (".kwe"), version 1: a 67-byte header followed by chunks
 * sealed with AES-256-GCM under the STREAM construction. docs/backup-format.md is the
 * normative description; keep the two in step.
 *
 * Both directions stream with bounded memory (about two chunks plus one incoming write) and
 * never copy payload bytes except to coalesce very small writes. Decryption emits a chunk's
 * plaintext only after that chunk's tag has been verified.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { COMPRESSIONS, type CompressionAlgorithm } from '../core/domain.js';
import { IntegrityError, ValidationError } from '../core/errors.js';
import { KEY_ID_LENGTH, KEY_LENGTH, keyIdOf } from './keys.js';

export const ENCRYPTED_EXTENSION = 'kwe';

export const MAGIC = Buffer.from('KWBACKUP', 'ascii');
export const FORMAT_VERSION = 1;
/** AES-256-GCM, per-file key from HKDF-SHA256. */
export const ALGORITHM_AES256GCM_HKDF = 1;
export const HKDF_INFO = 'keepwatch-backup-v1';
export const MIN_CHUNK_EXPONENT = 12;
export const MAX_CHUNK_EXPONENT = 24;
export const DEFAULT_CHUNK_SIZE = 2 ** 20;
export const TAG_LENGTH = 16;
const SALT_LENGTH = 32;
const NONCE_PREFIX_LENGTH = 7;
const MAX_COUNTER = 0xffff_ffff;

/** Byte offsets of the header fields (see docs/backup-format.md). */
export const HEADER_OFFSETS = {
  magic: 0,
  version: 8,
  algorithm: 9,
  chunkExponent: 10,
  compression: 11,
  keyId: 12,
  salt: 12 + KEY_ID_LENGTH,
  noncePrefix: 12 + KEY_ID_LENGTH + SALT_LENGTH,
} as const;
export const HEADER_LENGTH = HEADER_OFFSETS.noncePrefix + NONCE_PREFIX_LENGTH; // 67

/** The compression id stored in the header: the index in COMPRESSIONS (none 0, gzip 1, brotli 2, zstd 3). */
export const COMPRESSION_IDS: Readonly<Record<CompressionAlgorithm, number>> = {
  none: 0,
  gzip: 1,
  brotli: 2,
  zstd: 3,
};

export interface BackupHeader {
  version: number;
  algorithm: number;
  /** Plaintext bytes per chunk (the last chunk may hold fewer). */
  chunkSize: number;
  /** How the plaintext inside was compressed. */
  compression: CompressionAlgorithm;
  keyId: Buffer;
  salt: Buffer;
  noncePrefix: Buffer;
  headerLength: number;
}

/** Parses and validates a header from the start of `buf` (extra bytes after it are ignored). */
export function readBackupHeader(buf: Buffer): BackupHeader {
  if (buf.length === 0) throw new IntegrityError('not a Keepwatch encrypted backup (empty file)');
  const magicSeen = buf.subarray(0, Math.min(buf.length, MAGIC.length));
  if (!magicSeen.equals(MAGIC.subarray(0, magicSeen.length))) {
    throw new IntegrityError('not a Keepwatch encrypted backup (bad magic)');
  }
  if (buf.length < HEADER_LENGTH) {
    throw new IntegrityError(`file is truncated (header incomplete: ${buf.length} of ${HEADER_LENGTH} bytes)`);
  }
  const version = buf[HEADER_OFFSETS.version] ?? 0;
  if (version !== FORMAT_VERSION) throw new IntegrityError(`unsupported format version ${version}`);
  const algorithm = buf[HEADER_OFFSETS.algorithm] ?? 0;
  if (algorithm !== ALGORITHM_AES256GCM_HKDF) throw new IntegrityError(`unsupported algorithm id ${algorithm}`);
  const exponent = buf[HEADER_OFFSETS.chunkExponent] ?? 0;
  if (exponent < MIN_CHUNK_EXPONENT || exponent > MAX_CHUNK_EXPONENT) {
    throw new IntegrityError(
      `invalid chunk size exponent ${exponent} (allowed ${MIN_CHUNK_EXPONENT}..${MAX_CHUNK_EXPONENT})`,
    );
  }
  const compressionId = buf[HEADER_OFFSETS.compression] ?? 0;
  const compression = COMPRESSIONS[compressionId];
  if (compression === undefined) throw new IntegrityError(`unknown compression id ${compressionId}`);
  // Copies, so that a header kept by a caller does not pin (or alias) a large read buffer.
  return {
    version,
    algorithm,
    chunkSize: 2 ** exponent,
    compression,
    keyId: Buffer.from(buf.subarray(HEADER_OFFSETS.keyId, HEADER_OFFSETS.salt)),
    salt: Buffer.from(buf.subarray(HEADER_OFFSETS.salt, HEADER_OFFSETS.noncePrefix)),
    noncePrefix: Buffer.from(buf.subarray(HEADER_OFFSETS.noncePrefix, HEADER_LENGTH)),
    headerLength: HEADER_LENGTH,
  };
}

/**
 * The 96-bit nonce of chunk `counter`: prefix (7) || counter (uint32 BE) || final flag (1).
 * Binding the position and the "last" mark into the nonce is what makes reordering,
 * dropping and truncating chunks fail authentication.
 */
export function chunkNonce(noncePrefix: Buffer, counter: number, final: boolean): Buffer {
  if (!Number.isInteger(counter) || counter < 0 || counter > MAX_COUNTER) {
    throw new RangeError(`chunk counter ${counter} is outside 0..2^32-1`);
  }
  const nonce = Buffer.allocUnsafe(12);
  noncePrefix.copy(nonce, 0, 0, NONCE_PREFIX_LENGTH);
  nonce.writeUInt32BE(counter, NONCE_PREFIX_LENGTH);
  nonce[11] = final ? 1 : 0;
  return nonce;
}

function deriveFileKey(profileKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', profileKey, salt, HKDF_INFO, KEY_LENGTH));
}

/** A FIFO of byte slices: appending and taking from the front never copies payload bytes. */
class ByteQueue {
  private items: (Buffer | undefined)[] = [];
  private head = 0;
  length = 0;

  push(buf: Buffer): void {
    if (buf.length === 0) return;
    this.items.push(buf);
    this.length += buf.length;
  }

  /** Removes `n` bytes (n <= length) from the front, returned as views of the queued buffers. */
  take(n: number): Buffer[] {
    const out: Buffer[] = [];
    this.length -= n;
    while (n > 0) {
      const first = this.items[this.head] as Buffer;
      if (first.length <= n) {
        out.push(first);
        // Release the slot now: the queue may never empty (the decryptor keeps a block back),
        // and a consumed buffer left in the array would stay alive.
        this.items[this.head++] = undefined;
        n -= first.length;
      } else {
        out.push(first.subarray(0, n));
        this.items[this.head] = first.subarray(n);
        n = 0;
      }
    }
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}

// Feeding GCM thousands of tiny slices costs far more in call overhead than one copy.
const COALESCE_BELOW = 16 * 1024;

function coalesce(pieces: Buffer[], total: number): Buffer[] {
  return pieces.length > 1 && total / pieces.length < COALESCE_BELOW ? [Buffer.concat(pieces, total)] : pieces;
}

function concatExact(pieces: Buffer[], total: number): Buffer {
  return pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces, total);
}

export interface EncryptOptions {
  /** The 32-byte encryption-profile key. */
  key: Buffer;
  /** How the plaintext fed in was compressed (recorded in the header). */
  compression: CompressionAlgorithm;
  /** Plaintext bytes per chunk: a power of two from 2^12 to 2^24; default 2^20 (1 MiB). */
  chunkSize?: number;
}

class EncryptStream extends Transform {
  private readonly header: Buffer;
  private readonly fileKey: Buffer;
  private readonly noncePrefix: Buffer;
  private readonly chunkSize: number;
  private readonly pending = new ByteQueue();
  private counter = 0;
  private headerSent = false;

  constructor(opts: EncryptOptions) {
    const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
    const exponent = Math.log2(chunkSize);
    if (!Number.isInteger(exponent) || exponent < MIN_CHUNK_EXPONENT || exponent > MAX_CHUNK_EXPONENT) {
      throw new ValidationError(
        `chunk size must be a power of two from 2^${MIN_CHUNK_EXPONENT} to 2^${MAX_CHUNK_EXPONENT} bytes, got ${chunkSize}`,
      );
    }
    if (!Buffer.isBuffer(opts.key) || opts.key.length !== KEY_LENGTH) {
      throw new ValidationError(`encryption key must be ${KEY_LENGTH} bytes`);
    }
    const compressionId = COMPRESSION_IDS[opts.compression];
    if (compressionId === undefined) {
      throw new ValidationError(
        `unknown compression "${String(opts.compression)}" (expected ${COMPRESSIONS.join(', ')})`,
      );
    }
    // A high-water mark of one chunk lets a whole chunk be queued without stalling the writer.
    super({ writableHighWaterMark: chunkSize, readableHighWaterMark: chunkSize });
    this.chunkSize = chunkSize;

    const salt = randomBytes(SALT_LENGTH);
    this.noncePrefix = randomBytes(NONCE_PREFIX_LENGTH);
    this.header = Buffer.alloc(HEADER_LENGTH);
    MAGIC.copy(this.header, HEADER_OFFSETS.magic);
    this.header[HEADER_OFFSETS.version] = FORMAT_VERSION;
    this.header[HEADER_OFFSETS.algorithm] = ALGORITHM_AES256GCM_HKDF;
    this.header[HEADER_OFFSETS.chunkExponent] = exponent;
    this.header[HEADER_OFFSETS.compression] = compressionId;
    keyIdOf(opts.key).copy(this.header, HEADER_OFFSETS.keyId);
    salt.copy(this.header, HEADER_OFFSETS.salt);
    this.noncePrefix.copy(this.header, HEADER_OFFSETS.noncePrefix);
    this.fileKey = deriveFileKey(opts.key, salt);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.sendHeader();
      this.pending.push(chunk);
      // A full chunk is sealed as soon as it is complete; whether the input ends here is
      // unknown, so an input of exact multiple length ends with an empty final chunk.
      while (this.pending.length >= this.chunkSize) this.seal(this.chunkSize, false);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.sendHeader();
      this.seal(this.pending.length, true);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  private sendHeader(): void {
    if (this.headerSent) return;
    this.headerSent = true;
    this.push(this.header);
  }

  private seal(length: number, final: boolean): void {
    if (this.counter > MAX_COUNTER) {
      throw new ValidationError(
        'too much data for one encrypted backup file (more than 2^32 chunks); use a larger chunk size',
      );
    }
    const cipher = createCipheriv('aes-256-gcm', this.fileKey, chunkNonce(this.noncePrefix, this.counter, final), {
      authTagLength: TAG_LENGTH,
    });
    cipher.setAAD(this.header);
    for (const piece of coalesce(this.pending.take(length), length)) this.push(cipher.update(piece));
    cipher.final(); // GCM emits nothing here, but the tag exists only afterwards
    this.push(cipher.getAuthTag());
    this.counter++;
  }
}

export function createEncryptStream(opts: EncryptOptions): Transform {
  return new EncryptStream(opts);
}

export type KeyLookup = (keyId: Buffer) => Buffer | undefined | Promise<Buffer | undefined>;

interface SealedChunk {
  ciphertext: Buffer[];
  length: number;
  tag: Buffer;
}

class DecryptStream extends Transform {
  readonly header: Promise<BackupHeader>;
  private resolveHeader!: (header: BackupHeader) => void;
  private rejectHeader!: (err: Error) => void;
  private parsed: { header: BackupHeader; bytes: Buffer; fileKey: Buffer } | undefined;
  private readonly pending = new ByteQueue();
  private counter = 0;
  private offset = 0;

  constructor(private readonly keyFor: KeyLookup) {
    super({ writableHighWaterMark: DEFAULT_CHUNK_SIZE, readableHighWaterMark: DEFAULT_CHUNK_SIZE });
    this.header = new Promise<BackupHeader>((resolve, reject) => {
      this.resolveHeader = resolve;
      this.rejectHeader = reject;
    });
    // The stream's own 'error' event reports failures; nobody has to await the header.
    this.header.catch(() => undefined);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending.push(chunk);
    this.step(false, callback);
  }

  override _flush(callback: TransformCallback): void {
    this.step(true, callback);
  }

  private step(eof: boolean, callback: TransformCallback): void {
    try {
      if (this.parsed) {
        this.openChunks(eof);
        callback();
        return;
      }
      if (this.pending.length < HEADER_LENGTH && !eof) {
        callback();
        return;
      }
      const available = Math.min(this.pending.length, HEADER_LENGTH);
      const bytes = concatExact(this.pending.take(available), available);
      const header = readBackupHeader(bytes);
      this.offset = HEADER_LENGTH;
      this.resolveHeader(header);
      // keyFor may be asynchronous (a database lookup); Transform holds further writes until
      // the callback, so no input is processed before the key is known.
      Promise.resolve(header.keyId)
        .then((id) => this.keyFor(id))
        .then((key) => {
          this.parsed = { header, bytes: Buffer.from(bytes), fileKey: this.checkKey(header, key) };
          this.openChunks(eof);
        })
        .then(
          () => callback(),
          (err: unknown) => this.fail(err, callback),
        );
    } catch (err) {
      this.fail(err, callback);
    }
  }

  /** Integrity problems arrive as IntegrityError; anything else (a failing key lookup) as is. */
  private fail(err: unknown, callback: TransformCallback): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.rejectHeader(error);
    callback(error);
  }

  private checkKey(header: BackupHeader, key: Buffer | undefined): Buffer {
    const id = header.keyId.toString('hex');
    if (key === undefined) throw new IntegrityError(`no key for key id ${id}`);
    if (!Buffer.isBuffer(key) || key.length !== KEY_LENGTH) {
      throw new ValidationError(`the key found for key id ${id} is not ${KEY_LENGTH} bytes`);
    }
    if (!keyIdOf(key).equals(header.keyId)) {
      throw new IntegrityError(`wrong key: the backup needs key id ${id}, the key given has another id`);
    }
    return deriveFileKey(key, header.salt);
  }

  private openChunks(eof: boolean): void {
    const { chunkSize } = (this.parsed as { header: BackupHeader }).header;
    const block = chunkSize + TAG_LENGTH;
    // A block followed by more data cannot be the last one, so it must be a non-final chunk;
    // only the block that ends the file is the final chunk. Hence "> block", not ">=".
    while (this.pending.length > block) {
      const chunk = this.takeChunk(chunkSize);
      const plain = this.tryOpen(chunk, false) ?? this.failNonLast(chunk);
      this.deliver(plain, block);
    }
    if (!eof) return;

    const rest = this.pending.length;
    if (rest === 0) throw new IntegrityError('file is truncated (final chunk missing)');
    if (rest < TAG_LENGTH) {
      throw new IntegrityError(
        `file is truncated (chunk ${this.counter} at byte ${this.offset} has ${rest} bytes, less than its ${TAG_LENGTH}-byte tag)`,
      );
    }
    const last = this.takeChunk(rest - TAG_LENGTH);
    const plain = this.tryOpen(last, true) ?? this.failLast(last, chunkSize);
    this.deliver(plain, rest);
  }

  private deliver(plain: Buffer[], consumed: number): void {
    for (const piece of plain) this.push(piece);
    this.counter++;
    this.offset += consumed;
  }

  private takeChunk(ciphertextLength: number): SealedChunk {
    const ciphertext = this.pending.take(ciphertextLength);
    const tag = concatExact(this.pending.take(TAG_LENGTH), TAG_LENGTH);
    return { ciphertext, length: ciphertextLength, tag };
  }

  /** The chunk's plaintext, or undefined when it does not authenticate in this position. */
  private tryOpen(chunk: SealedChunk, final: boolean): Buffer[] | undefined {
    const counter = this.counter;
    if (counter > MAX_COUNTER) throw new IntegrityError('file has more chunks than the format allows');
    const { bytes, fileKey, header } = this.parsed as NonNullable<DecryptStream['parsed']>;
    const decipher = createDecipheriv('aes-256-gcm', fileKey, chunkNonce(header.noncePrefix, counter, final), {
      authTagLength: TAG_LENGTH,
    });
    decipher.setAAD(bytes);
    decipher.setAuthTag(chunk.tag);
    const plain: Buffer[] = [];
    for (const piece of coalesce(chunk.ciphertext, chunk.length)) {
      const out = decipher.update(piece);
      if (out.length > 0) plain.push(out);
    }
    try {
      decipher.final();
    } catch {
      return undefined;
    }
    return plain;
  }

  // The checks below run only on a chunk that already failed, to name the failure precisely.

  private failNonLast(chunk: SealedChunk): never {
    if (this.tryOpen(chunk, true) || this.isEmptyFinalChunk(chunk)) {
      throw new IntegrityError('unexpected data after final chunk');
    }
    throw this.authFailure('tampered or wrong key');
  }

  private failLast(chunk: SealedChunk, chunkSize: number): never {
    if (chunk.length === chunkSize && this.tryOpen(chunk, false)) {
      throw new IntegrityError('file is truncated (final chunk missing)');
    }
    if (this.isEmptyFinalChunk(chunk)) {
      throw new IntegrityError(`unexpected data after final chunk (${chunk.length} bytes)`);
    }
    throw this.authFailure('tampered, truncated, extended or wrong key');
  }

  /** Whether the chunk starts with an authentic empty final chunk (input of exact multiple length). */
  private isEmptyFinalChunk(chunk: SealedChunk): boolean {
    if (chunk.length === 0) return false;
    const start = Buffer.concat([...chunk.ciphertext, chunk.tag]).subarray(0, TAG_LENGTH);
    return this.tryOpen({ ciphertext: [], length: 0, tag: start }, true) !== undefined;
  }

  private authFailure(causes: string): IntegrityError {
    return new IntegrityError(
      `chunk ${this.counter} failed authentication (${causes}); it starts at byte ${this.offset}`,
    );
  }
}

/**
 * Decrypts and authenticates a .kwe stream. `header` resolves once the header is parsed;
 * any failure destroys the stream with an IntegrityError naming the problem.
 */
export function createDecryptStream(opts: { keyFor: KeyLookup }): Transform & { header: Promise<BackupHeader> } {
  return new DecryptStream(opts.keyFor);
}
