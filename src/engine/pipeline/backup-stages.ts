import type { Transform } from 'node:stream';
import { createCompressStream } from '../../compression/compression.js';
import type { CompressionSettings } from '../../core/domain.js';
import { createEncryptStream } from '../../crypto/backup-stream.js';
import { hasher, meter } from './stream-tools.js';

/**
 * The transform stages between a dump and the destinations, in order: count and hash the raw
 * dump, compress, encrypt. The backup operation and the pipeline benchmark both build their
 * pipeline from here, so the benchmark measures exactly what a backup runs.
 */
export function backupStages(opts: {
  compression: CompressionSettings;
  key: Buffer | null;
  onRawBytes: (n: number) => void;
}): {
  stages: Transform[];
  rawSha256(): string;
} {
  const rawHash = hasher();
  const stages: Transform[] = [meter(opts.onRawBytes), rawHash, createCompressStream(opts.compression)];
  if (opts.key) stages.push(createEncryptStream({ key: opts.key, compression: opts.compression.algorithm }));
  return { stages, rawSha256: () => rawHash.digest() };
}
