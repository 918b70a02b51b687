import { gzip } from 'node:zlib';
import type { BlockCodec } from './block-transform.js';

/**
 * Compresses a block into one complete gzip member on the libuv threadpool, so several
 * blocks compress on several cores while the event loop only copies bytes around.
 * `gzip -d`, `zcat` and Node's gunzip all read a file of concatenated members.
 */
export function gzipBlockCodec(level: number): BlockCodec {
  return (block, recycle) =>
    new Promise((resolve, reject) => {
      // A larger output chunk than zlib's 16 KiB default means fewer hops back to the
      // main thread per block; the member for a 1 MiB block rarely exceeds it.
      gzip(block, { level, chunkSize: 256 * 1024 }, (error, output) => {
        recycle(block);
        if (error) reject(error);
        else resolve(output);
      });
    });
}
