import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicFile {
  /** Write here; nothing appears under the final name until commit(). */
  stream: WriteStream;
  commit(): Promise<void>;
  /** Removes the temp file; safe to call after a failed or partial write. */
  abort(): Promise<void>;
}

/**
 * A file that appears whole or not at all: written under a temp name in the same directory
 * (so the rename is atomic) and renamed at the end. A tampered backup, a dropped connection
 * or Ctrl-C therefore never leaves a half-written output that looks like a good one.
 * Mode 0600 by default, because these files hold backup data or keys.
 */
export function createAtomicFile(path: string, mode = 0o600): AtomicFile {
  const temp = tempNameFor(path);
  const stream = createWriteStream(temp, { mode, flags: 'wx' });
  return {
    stream,
    commit: async () => {
      await chmod(temp, mode);
      await rename(temp, path);
    },
    abort: async () => {
      stream.destroy();
      await rm(temp, { force: true });
    },
  };
}

export async function writeFileAtomically(path: string, content: string | Buffer, mode = 0o600): Promise<void> {
  const temp = tempNameFor(path);
  try {
    await writeFile(temp, content, { mode, flag: 'wx' });
    await chmod(temp, mode); // the umask can only remove bits; make the mode exact
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
}
