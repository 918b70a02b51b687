import { open, realpath } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { ValidationError } from '../../../core/errors.js';

export function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Makes a directory's entries (a rename, a new file or subdirectory) survive a power cut. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs `from` and every directory above it up to and including `upTo`. */
export async function fsyncDirsUp(from: string, upTo: string): Promise<void> {
  for (let dir = from; ; dir = dirname(dir)) {
    await fsyncDir(dir);
    if (dir === upTo || !isInside(upTo, dir)) return;
  }
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

/**
 * Keys are validated lexically, but a symlinked directory inside the root could still point
 * elsewhere; resolve the real path of `dir` (or of its nearest existing ancestor, so mkdir -p
 * cannot create directories through such a link) and refuse anything outside the root.
 */
export async function assertRealInside(root: string, dir: string, key: string): Promise<void> {
  for (let probe = dir; ; probe = dirname(probe)) {
    let real: string;
    try {
      real = await realpath(probe);
    } catch (err) {
      if (errorCode(err) === 'ENOENT' && probe !== root && isInside(root, dirname(probe))) continue;
      throw err;
    }
    if (!isInside(root, real)) throw new ValidationError(`key "${key}" resolves outside the destination directory`);
    return;
  }
}
