/**
 * Compression for backup streams. gzip and zstd are cut into independent blocks compressed
 * in a pool of worker threads, several at once (a backup is not bound to one core's speed),
 * and emitted in input order; brotli cannot be concatenated and runs as one zlib stream on
 * the libuv threadpool.
 */
import { availableParallelism } from 'node:os';
import { PassThrough, type Transform } from 'node:stream';
import { constants as zlibConstants, createBrotliCompress, createBrotliDecompress, createGunzip } from 'node:zlib';
import { COMPRESSIONS, type CompressionAlgorithm, type CompressionSettings } from '../core/domain.js';
import { IntegrityError, ValidationError } from '../core/errors.js';
import { BlockTransform } from './block-transform.js';
import { defaultPoolSize, workerBlockCodec } from './compression-worker-pool.js';
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
   * Blocks in flight at once (gzip, zstd). Default: two per worker of the compression pool
   * (one compressing, one queued), so a worker never waits for the main thread to hand it
   * the next block, even when the event loop is busy or starved of CPU.
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
  const concurrency = opts.concurrency ?? Math.min(availableParallelism(), defaultPoolSize()) * 2;
  switch (algorithm) {
    case 'none':
      return new PassThrough();
    case 'gzip':
    case 'zstd':
      return new BlockTransform({ codec: workerBlockCodec(algorithm, level), blockSize, concurrency });
    case 'brotli':
      return createBrotliCompress({
        chunkSize: 64 * 1024,
        params: { [zlibConstants.BROTLI_PARAM_QUALITY]: level },
      });
  }
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
