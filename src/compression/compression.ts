/**
 * Compression for backup streams. gzip and zstd are cut into independent blocks compressed
 * several at once (a backup is not bound to one core's speed) and emitted in input order:
 * gzip members on the libuv threadpool, zstd frames in a pool of worker threads. brotli
 * cannot be concatenated and runs as one zlib stream on the threadpool.
 */
import { availableParallelism } from 'node:os';
import { PassThrough, type Transform } from 'node:stream';
import { constants as zlibConstants, createBrotliCompress, createBrotliDecompress, createGunzip } from 'node:zlib';
import { COMPRESSIONS, type CompressionAlgorithm, type CompressionSettings } from '../core/domain.js';
import { IntegrityError, ValidationError } from '../core/errors.js';
import { BlockTransform } from './block-transform.js';
import { gzipBlockCodec } from './gzip-blocks.js';
import { defaultZstdPoolSize, zstdBlockCodec } from './zstd-worker-pool.js';
import { ZstdDecompressStream } from './zstd-decompress.js';

const LEVELS: Record<Exclude<CompressionAlgorithm, 'none'>, { min: number; max: number; default: number }> = {
  gzip: { min: 1, max: 9, default: 6 },
  // Never 11 by default: it runs at about 0.3 MB/s.
  brotli: { min: 0, max: 11, default: 5 },
  zstd: { min: 1, max: 19, default: 3 },
};

const EXTENSIONS: Record<CompressionAlgorithm, '' | 'gz' | 'br' | 'zst'> = {
  none: '',
  gzip: 'gz',
  brotli: 'br',
  zstd: 'zst',
};

export const DEFAULT_BLOCK_SIZE = 1024 * 1024;

export interface CompressStreamOptions {
  /**
   * Blocks in flight at once (gzip, zstd), so a core never waits while a finished block is
   * handed over. Default: for zstd two per pool worker (one compressing, one queued); for gzip
   * one per core plus one, within the libuv threadpool (UV_THREADPOOL_SIZE, default 4) minus
   * one.
   */
  concurrency?: number;
  /** Input bytes per gzip member / zstd frame. Default 1 MiB. */
  blockSize?: number;
}

/** File name extension without the dot; '' for none. */
export function compressionExtension(algorithm: CompressionAlgorithm): '' | 'gz' | 'br' | 'zst' {
  return EXTENSIONS[algorithm];
}

/** The level used when a job does not choose one (0 for none). */
export function defaultLevel(algorithm: CompressionAlgorithm): number {
  return algorithm === 'none' ? 0 : LEVELS[algorithm].default;
}

/**
 * Checks settings that may come from user input and returns them with the level filled in.
 * The level is dropped for none, where it means nothing.
 */
export function validateCompression(settings: unknown): CompressionSettings {
  if (typeof settings !== 'object' || settings === null) {
    throw new ValidationError('compression must be an object with an algorithm');
  }
  const { algorithm, level } = settings as { algorithm?: unknown; level?: unknown };
  const unknown = Object.keys(settings).filter((k) => k !== 'algorithm' && k !== 'level');
  if (unknown.length) throw new ValidationError(`compression.${unknown[0]} is not a field (known: algorithm, level)`);
  if (typeof algorithm !== 'string' || !(COMPRESSIONS as readonly string[]).includes(algorithm)) {
    throw new ValidationError(
      `compression.algorithm must be one of ${COMPRESSIONS.join(', ')} (got ${JSON.stringify(algorithm) ?? 'nothing'})`,
    );
  }
  const algo = algorithm as CompressionAlgorithm;
  if (algo === 'none') return { algorithm: 'none' };
  const range = LEVELS[algo];
  if (level === undefined || level === null) return { algorithm: algo, level: range.default };
  if (typeof level !== 'number' || !Number.isInteger(level) || level < range.min || level > range.max) {
    throw new ValidationError(`compression.level must be between ${range.min} and ${range.max} for ${algo}`);
  }
  return { algorithm: algo, level };
}

export function createCompressStream(settings: CompressionSettings, opts: CompressStreamOptions = {}): Transform {
  const { algorithm, level = defaultLevel(settings.algorithm) } = validateCompression(settings);
  const blockSize = opts.blockSize ?? DEFAULT_BLOCK_SIZE;
  const concurrency = opts.concurrency ?? defaultConcurrency(algorithm);
  switch (algorithm) {
    case 'none':
      return new PassThrough();
    case 'gzip':
      return new BlockTransform({ codec: gzipBlockCodec(level), blockSize, concurrency });
    case 'zstd':
      return new BlockTransform({ codec: zstdBlockCodec(level), blockSize, concurrency });
    case 'brotli':
      return createBrotliCompress({
        chunkSize: 64 * 1024,
        params: { [zlibConstants.BROTLI_PARAM_QUALITY]: level },
      });
  }
}

function defaultConcurrency(algorithm: CompressionAlgorithm): number {
  const cores = availableParallelism();
  // Two blocks per zstd worker: one compressing, one queued in its port, so a worker never
  // waits for the main thread to hand it the next block.
  if (algorithm === 'zstd') return Math.min(cores, defaultZstdPoolSize()) * 2;
  // zlib's async API runs on the libuv threadpool, which file I/O and crypto share: leave
  // them one thread, or reads and writes would queue behind compression.
  const threadpool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(cores + 1, threadpool - 1));
}

/**
 * Decoder for a stream made by createCompressStream (or the standard tools). Corrupt or
 * truncated input fails the stream with an IntegrityError naming the format.
 */
export function createDecompressStream(algorithm: CompressionAlgorithm): Transform {
  switch (algorithm) {
    case 'none':
      return new PassThrough();
    case 'gzip':
      // Node's gunzip reads concatenated members and rejects trailing garbage.
      return reportZlibErrorsAsIntegrity(createGunzip({ chunkSize: 64 * 1024 }), 'gzip');
    case 'brotli':
      return reportZlibErrorsAsIntegrity(createBrotliDecompress({ chunkSize: 64 * 1024 }), 'brotli');
    case 'zstd':
      return new ZstdDecompressStream();
    default:
      throw new ValidationError(`compression.algorithm must be one of ${COMPRESSIONS.join(', ')}`);
  }
}

/**
 * zlib reports bad data by destroying its stream with its own error codes. Only those are
 * relabelled: an error passed in from elsewhere (a pipeline tearing down after
 * a disk failure) keeps its own identity.
 */
function reportZlibErrorsAsIntegrity(stream: Transform, format: string): Transform {
  const destroy = stream.destroy.bind(stream);
  stream.destroy = (error?: Error) => {
    const zlibError = error as (Error & { errno?: unknown; code?: unknown }) | undefined;
    const code = typeof zlibError?.code === 'string' ? zlibError.code : '';
    // zlib codes are Z_DATA_ERROR, Z_BUF_ERROR...; brotli's are ERR__ERROR_FORMAT_...
    if (zlibError && typeof zlibError.errno === 'number' && (code.startsWith('Z_') || code.startsWith('ERR__'))) {
      const reason = zlibError.message === 'unexpected end of file' ? 'truncated' : 'corrupt';
      return destroy(new IntegrityError(`${format} data is ${reason}: ${zlibError.message}`));
    }
    return destroy(error);
  };
  return stream;
}
