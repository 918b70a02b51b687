import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import type { UploadHandle } from '../destination.contract.js';
import { assertRealInside, errorCode, fsyncDir, fsyncDirsUp } from './local.fs.js';

export interface LocalUploadTarget {
  root: string;
  key: string;
  partialPath: string;
  targetPath: string;
}

/**
 * Streams into a partial file under the root's partial directory; commit() makes it durable and
 * renames it into place (rename is atomic on one filesystem, and the partial directory is on the
 * same one as every key because both live under the root).
 */
export async function startLocalUpload(target: LocalUploadTarget): Promise<UploadHandle> {
  const { root, key, partialPath, targetPath } = target;
  // flush: the stream fsyncs the file before closing it, so once it has closed the data is
  // durable and only the rename is left to do.
  const stream = createWriteStream(partialPath, { flags: 'wx', mode: 0o600, flush: true });
  let streamError: Error | undefined;
  // Keeps an unobserved stream error from crashing the process; commit() reports it.
  stream.on('error', (err) => (streamError ??= err));
  await once(stream, 'ready'); // the partial file exists from here on (cleanupPartials sees it)
  let committed = false;
  let aborted = false;
  let committing: Promise<void> | undefined;
  let aborting: Promise<void> | undefined;

  const moveIntoPlace = async (): Promise<void> => {
    const dir = dirname(targetPath);
    // A concurrent delete() may prune the (then empty) directory between mkdir and rename.
    for (let attempt = 1; ; attempt++) {
      await assertRealInside(root, dir, key);
      const firstCreated = await mkdir(dir, { recursive: true, mode: 0o700 });
      await assertRealInside(root, dir, key); // again: a link may have appeared meanwhile
      try {
        await rename(partialPath, targetPath);
        await fsyncDirsUp(dir, firstCreated ? dirname(firstCreated) : dir);
        return;
      } catch (err) {
        if (errorCode(err) !== 'ENOENT') throw err;
        const partialThere = await stat(partialPath).then(
          () => true,
          () => false,
        );
        if (!partialThere) throw new Error(`upload of "${key}" was removed before commit (partial cleanup?)`);
        if (attempt >= 3) throw err;
      }
    }
  };

  const commit = async (): Promise<void> => {
    await finished(stream);
    if (streamError) throw streamError;
    await moveIntoPlace();
    committed = true;
  };

  const abort = async (): Promise<void> => {
    if (committing) await committing.catch(() => undefined);
    if (committed) return;
    aborted = true;
    if (!stream.destroyed) stream.destroy();
    await finished(stream).catch(() => undefined); // waits until the descriptor is closed
    await unlink(partialPath).catch((err: unknown) => {
      if (errorCode(err) !== 'ENOENT') throw err;
    });
    // Make the removal durable too, so a crash cannot bring the partial back as a leftover.
    await fsyncDir(dirname(partialPath)).catch(() => undefined);
  };

  return {
    stream,
    commit: () => {
      // Checked before memoising, so a premature commit() can be retried once the stream ends.
      if (!committing && aborted) return Promise.reject(new Error(`upload of "${key}" was aborted`));
      if (!committing && !stream.writableEnded) {
        return Promise.reject(new Error(`upload of "${key}": end the stream before commit()`));
      }
      return (committing ??= commit());
    },
    abort: () => (aborting ??= abort()),
  };
}
