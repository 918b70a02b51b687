import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PassThrough, type Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { COMPRESSIONS, type CompressionAlgorithm } from '../core/domain.js';
import { ValidationError } from '../core/errors.js';
import { createDecompressStream } from '../compression/compression.js';
import { createDecryptStream, MAGIC } from '../crypto/backup-stream.js';
import { parseKeyFile } from '../crypto/keys.js';
import { createAtomicFile } from './atomic-file.js';

/**
 * The recovery path: turns a stored backup file back into the dump, with only the file and
 * the key — no server, no database. Also reads unencrypted files, so it doubles as a
 * "decompress" for any Keepwatch backup.
 */
export interface DecryptRequest {
  input: string;
  /** A path, or "-" for stdout. */
  output: string;
  keyFile?: string | undefined;
  /** False keeps the compressed stream (`--no-decompress`). */
  decompress: boolean;
  /** Replace an existing output file. */
  force?: boolean;
  /** Called with the input bytes read so far (for a progress bar). */
  onInput?: (bytes: number) => void;
}

export interface DecryptResult {
  encrypted: boolean;
  compression: CompressionAlgorithm;
  decompressed: boolean;
  bytesOut: number;
}

export interface InputFormat {
  encrypted: boolean;
  /** Known up front for plain files; for encrypted files it is read from the header. */
  compression: CompressionAlgorithm | undefined;
}

const EXTENSION_COMPRESSION: Record<string, CompressionAlgorithm> = { gz: 'gzip', br: 'brotli', zst: 'zstd' };
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/**
 * Encrypted files are recognised by their magic, whatever their name. Plain files by their
 * extension, then by the gzip and zstd magics (brotli has none), so a renamed file still works.
 */
export function detectInputFormat(head: Buffer, fileName: string): InputFormat {
  if (head.subarray(0, MAGIC.length).equals(MAGIC)) return { encrypted: true, compression: undefined };
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  const byExtension = EXTENSION_COMPRESSION[extension];
  if (byExtension) return { encrypted: false, compression: byExtension };
  if (head.subarray(0, GZIP_MAGIC.length).equals(GZIP_MAGIC)) return { encrypted: false, compression: 'gzip' };
  if (head.subarray(0, ZSTD_MAGIC.length).equals(ZSTD_MAGIC)) return { encrypted: false, compression: 'zstd' };
  return { encrypted: false, compression: 'none' };
}

/** "db.sql.zst.kwe" → "db.sql" (or "db.sql.zst" with --no-decompress); undefined if nothing to strip. */
export function defaultOutputName(input: string, decompress: boolean): string | undefined {
  let name = input.replace(/\.kwe$/i, '');
  if (decompress) name = name.replace(/\.(gz|br|zst)$/i, '');
  return name === input ? undefined : name;
}

export async function decryptBackupFile(request: DecryptRequest): Promise<DecryptResult> {
  const { input, output } = request;
  const format = detectInputFormat(await readHead(input), input);
  if (format.encrypted && !request.keyFile) {
    throw new ValidationError(`${input} is encrypted: pass the key with --key-file (a recovery kit or the key)`);
  }
  if (output !== '-') await checkOutputPath(input, output, request.force === true);
  const key = format.encrypted && request.keyFile ? parseKeyFile(await readFile(request.keyFile)).key : undefined;

  const source = createReadStream(input);
  let bytesIn = 0;
  if (request.onInput) {
    source.on('data', (chunk: Buffer | string) => request.onInput?.((bytesIn += chunk.length)));
  }
  let bytesOut = 0;
  const counter = new PassThrough();
  counter.on('data', (chunk: Buffer) => (bytesOut += chunk.length));

  const file = output === '-' ? undefined : createAtomicFile(output);
  const sink: Writable = file?.stream ?? process.stdout;
  try {
    let compression = format.compression ?? 'none';
    if (key) {
      const decrypt = createDecryptStream({ keyFor: () => key });
      const decrypting = pipeline(source, decrypt);
      // Its failure is reported through the header or the second pipeline; never unhandled.
      decrypting.catch(() => undefined);
      compression = (await decrypt.header).compression;
      await Promise.all([decrypting, pipeline(decrypt, decoderFor(compression, request.decompress), counter, sink)]);
    } else {
      await pipeline(source, decoderFor(compression, request.decompress), counter, sink);
    }
    await file?.commit();
    return {
      encrypted: format.encrypted,
      compression,
      decompressed: request.decompress && compression !== 'none',
      bytesOut,
    };
  } catch (error) {
    source.destroy();
    await file?.abort();
    throw error;
  }
}

function decoderFor(compression: CompressionAlgorithm, decompress: boolean): Transform {
  if (!COMPRESSIONS.includes(compression)) throw new ValidationError(`unknown compression "${compression}"`);
  return decompress ? createDecompressStream(compression) : new PassThrough();
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(MAGIC.length);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function checkOutputPath(input: string, output: string, force: boolean): Promise<void> {
  if (resolve(input) === resolve(output)) throw new ValidationError('OUT must not be the input file');
  const exists = await stat(output).then(
    () => true,
    () => false,
  );
  if (exists && !force) throw new ValidationError(`${output} exists; pass --force to replace it`);
}
