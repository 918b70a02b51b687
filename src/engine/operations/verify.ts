import { pipeline } from 'node:stream/promises';
import type { Readable, Transform } from 'node:stream';
import type { Destination } from '../../adapters/destinations/destination.contract.js';
import { createDecompressStream } from '../../compression/compression.js';
import type { CompressionAlgorithm } from '../../core/domain.js';
import { IntegrityError } from '../../core/errors.js';
import { createDecryptStream, type KeyLookup } from '../../crypto/backup-stream.js';
import { checksum, hasher, meter, sink } from '../pipeline/stream-tools.js';

/**
 * Opens a stored artifact as its original dump bytes: hash check of the stored bytes on the
 * way, AES-GCM authentication per chunk, decompression. Errors surface as the stream fails,
 * a SHA-256 mismatch included (at the end of the stored bytes, before downstream sees the end).
 * `checkHash()` repeats that check for callers that consumed the stages by other means.
 */
export function openArtifact(opts: {
  input: Readable;
  sha256?: string | undefined;
  encrypted: boolean;
  compression: CompressionAlgorithm;
  keyFor: KeyLookup;
}): { stages: (NodeJS.ReadWriteStream | Transform)[]; checkHash(): void } {
  const mismatch = (actual: string): IntegrityError | null =>
    opts.sha256 && actual !== opts.sha256
      ? new IntegrityError(
          `stored file's SHA-256 ${actual.slice(0, 16)}… differs from the recorded ${opts.sha256.slice(0, 16)}… (file changed or damaged)`,
        )
      : null;
  // Checked as the stored bytes end, before the stages after it see the end of their input.
  const h = hasher(mismatch);
  const stages: (NodeJS.ReadWriteStream | Transform)[] = [h];
  if (opts.encrypted) stages.push(createDecryptStream({ keyFor: opts.keyFor }));
  stages.push(createDecompressStream(opts.compression));
  return {
    stages,
    checkHash() {
      const err = mismatch(h.digest());
      if (err) throw err;
    },
  };
}

/** Re-reads an artifact end to end; resolves with the decompressed size or throws what is wrong. */
export async function verifyStoredObject(opts: {
  dest: Destination;
  key: string;
  sha256: string;
  encrypted: boolean;
  compression: CompressionAlgorithm;
  keyFor: KeyLookup;
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
  /** Also CRC-32 the decoded bytes (brotli backups record one; gzip and zstd check their own frames). */
  crc32?: boolean;
  /** Also hash the decoded bytes with SHA-256 (backups whose metadata recorded one). */
  legacySha256?: boolean;
}): Promise<{ rawSize: number; rawCrc32: string | null; rawSha256: string | null }> {
  const input = await opts.dest.read(opts.key);
  const a = openArtifact({
    input,
    sha256: opts.sha256,
    encrypted: opts.encrypted,
    compression: opts.compression,
    keyFor: opts.keyFor,
  });
  let rawSize = 0;
  // The checksum of the decoded bytes proves the content (not only its length) is what was dumped.
  const rawSum = opts.crc32 ? checksum() : null;
  const rawHash = opts.legacySha256 ? hasher() : null;
  await pipeline(
    [
      input,
      ...a.stages,
      ...(rawSum ? [rawSum] : []),
      ...(rawHash ? [rawHash] : []),
      meter((n) => {
        rawSize += n;
        opts.onBytes?.(n);
      }),
      sink(),
    ],
    opts.signal ? { signal: opts.signal } : {},
  );
  a.checkHash();
  return { rawSize, rawCrc32: rawSum?.digest() ?? null, rawSha256: rawHash?.digest() ?? null };
}
