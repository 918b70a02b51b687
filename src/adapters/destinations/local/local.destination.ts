import { lstat, mkdir, open, readdir, rmdir, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { NotFoundError, ValidationError } from '../../../core/errors.js';
import type { Destination, StoredObject, UploadHandle } from '../destination.contract.js';
import { assertRealInside, errorCode, isInside } from './local.fs.js';
import { PARTIAL_DIR, validateKey, validatePrefix } from './local.key.js';
import { startLocalUpload } from './local.upload.js';

const PARTIAL_SUFFIX = '.partial';
// Keeps partial file names under the usual 255-byte limit whatever the key's length.
const MAX_ENCODED_KEY = 150;

/** "<key-encoded>.<runId|x>.<random>.partial"; the key part is informational only. */
function partialName(key: string, runId: number | undefined): string {
  const encoded = encodeURIComponent(key).slice(0, MAX_ENCODED_KEY);
  return `${encoded}.${runId ?? 'x'}.${randomBytes(6).toString('hex')}${PARTIAL_SUFFIX}`;
}

/** The run id a partial file name carries, parsed from the right (keys contain dots). */
function partialRunId(name: string): number | undefined {
  const parts = name.slice(0, -PARTIAL_SUFFIX.length).split('.');
  const runId = parts[parts.length - 2];
  return runId !== undefined && /^\d+$/.test(runId) ? Number(runId) : undefined;
}

function checkRange(range: { start: number; end?: number }): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) throw new ValidationError('range start must be an integer ≥ 0');
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
    throw new ValidationError('range end must be an integer ≥ start');
  }
}

export class LocalDestination implements Destination {
  private readonly partialDir: string;

  /** `root` must be a real path (symlinks resolved), created and writable: see local.adapter.ts. */
  constructor(private readonly root: string) {
    this.partialDir = join(root, PARTIAL_DIR);
  }

  private pathOf(key: string): string {
    return join(this.root, ...validateKey(key));
  }

  async upload(key: string, opts?: { runId?: number }): Promise<UploadHandle> {
    const targetPath = this.pathOf(key);
    const runId = opts?.runId;
    if (runId !== undefined && (!Number.isSafeInteger(runId) || runId < 0)) {
      throw new ValidationError('runId must be a non-negative integer');
    }
    // Recreated in case someone removed it while we were running.
    await mkdir(this.partialDir, { recursive: true, mode: 0o700 });
    const partialPath = join(this.partialDir, partialName(key, runId));
    return startLocalUpload({ root: this.root, key, partialPath, targetPath });
  }

  async read(key: string, range?: { start: number; end?: number }): Promise<Readable> {
    const path = this.pathOf(key);
    if (range) checkRange(range);
    let handle;
    try {
      await assertRealInside(this.root, dirname(path), key);
      handle = await open(path, 'r');
    } catch (err) {
      if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') throw new NotFoundError(`no object "${key}"`);
      throw err;
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new NotFoundError(`no object "${key}"`);
      const start = range?.start ?? 0;
      if (info.size === 0 && start === 0) {
        await handle.close();
        return Readable.from([]);
      }
      if (start >= info.size) {
        throw new ValidationError(`range start ${start} is beyond the end of "${key}" (${info.size} bytes)`);
      }
      // An end past the object is clipped, as HTTP range requests (and so S3) do.
      const end = Math.min(range?.end ?? info.size - 1, info.size - 1);
      return handle.createReadStream({ start, end });
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    const path = this.pathOf(key);
    try {
      // lstat: a symlink is not a stored object (and list() does not report symlinks either).
      const info = await lstat(path);
      return info.isFile() ? { key, size: info.size, modifiedAt: Math.floor(info.mtimeMs) } : null;
    } catch (err) {
      if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') return null;
      throw err;
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const dirSegments = validatePrefix(prefix);
    const found: StoredObject[] = [];
    await this.walk(join(this.root, ...dirSegments), dirSegments.join('/'), prefix, found);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private async walk(dir: string, rel: string, prefix: string, found: StoredObject[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ENOTDIR') return;
      throw err;
    }
    for (const entry of entries) {
      if (rel === '' && entry.name === PARTIAL_DIR) continue;
      const key = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (`${key}/`.startsWith(prefix)) await this.walk(join(dir, entry.name), key, prefix, found);
      } else if (entry.isFile() && key.startsWith(prefix) && isValidKey(key)) {
        const info = await lstat(join(dir, entry.name)).catch(() => null);
        if (info?.isFile()) found.push({ key, size: info.size, modifiedAt: Math.floor(info.mtimeMs) });
      }
    }
  }

  /** Idempotent: deleting a missing key is not an error (as on S3). */
  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await assertRealInside(this.root, dirname(path), key);
      await unlink(path);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT' && errorCode(err) !== 'ENOTDIR') throw err;
    }
    // Prune directories left empty, so retention does not leave a tree of empty folders behind.
    for (let dir = dirname(path); dir !== this.root && isInside(this.root, dir); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or gone): stop here
      }
    }
  }

  async cleanupPartials(opts: { olderThanMs?: number; keepRunIds?: readonly number[] }): Promise<number> {
    const keep = new Set(opts.keepRunIds ?? []);
    const cutoff = opts.olderThanMs === undefined ? undefined : Date.now() - opts.olderThanMs;
    let names: string[];
    try {
      names = await readdir(this.partialDir);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return 0;
      throw err;
    }
    let removed = 0;
    for (const name of names) {
      if (!name.endsWith(PARTIAL_SUFFIX)) continue;
      const runId = partialRunId(name);
      if (runId !== undefined && keep.has(runId)) continue;
      const path = join(this.partialDir, name);
      if (cutoff !== undefined) {
        const info = await stat(path).catch(() => null);
        if (!info || info.mtimeMs > cutoff) continue;
      }
      try {
        await unlink(path);
        removed += 1;
      } catch (err) {
        if (errorCode(err) !== 'ENOENT') throw err;
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    // Nothing pooled: every operation opens and closes its own descriptors.
  }
}

function isValidKey(key: string): boolean {
  try {
    validateKey(key);
    return true;
  } catch {
    return false;
  }
}
