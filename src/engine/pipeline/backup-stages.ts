import type { Transform } from 'node:stream';
import { createCompressStream } from '../../compression/compression.js';
import type { CompressionSettings } from '../../core/domain.js';
import { createEncryptStream } from '../../crypto/backup-stream.js';
import { checksum, meter } from './stream-tools.js';

/**
 * The transform stages between a dump and the destinations, in order: count (and, for brotli,
 * checksum) the raw dump, compress, encrypt.
 *
 * Why only brotli gets a CRC-32 of the raw dump: gzip members carry a CRC-32 of their content
 * and zstd frames an XXH64 content checksum (the workers turn it on), both checked by the
 * decoders, so decoding already proves every block's content; the stored-bytes SHA-256 (and,
 * encrypted, the per-chunk GCM tags with their sequence numbers) prove nothing was dropped or
 * reordered, and the size check the total. Brotli has no checksum of its own. Checksumming the
 * raw dump again on the main thread cost a third of a second per 512 MiB — on 2 cores, 12% of
 * a zstd backup's throughput. The backup operation and the pipeline benchmark both build their
 * pipeline from here, so the benchmark measures exactly what a backup runs.
 */
export function backupStages(opts: {
  compression: CompressionSettings;
  key: Buffer | null;
  onRawBytes: (n: number) => void;
}): {
  stages: Transform[];
  /** CRC-32 of the raw dump (8 hex digits) for brotli; null when the codec checks content itself. */
  rawCrc32(): string | null;
} {
  const rawSum = opts.compression.algorithm === 'brotli' ? checksum() : null;
  const stages: Transform[] = [
    meter(opts.onRawBytes),
    ...(rawSum ? [rawSum] : []),
    createCompressStream(opts.compression),
  ];
  if (opts.key) stages.push(createEncryptStream({ key: opts.key, compression: opts.compression.algorithm }));
  return { stages, rawCrc32: () => rawSum?.digest() ?? null };
}
