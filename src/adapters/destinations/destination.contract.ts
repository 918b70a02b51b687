import type { Readable, Writable } from 'node:stream';
import type { TObject } from '@sinclair/typebox';

export interface StoredObject {
  /** Path relative to the destination root, with forward slashes ("acme/nightly/2026-...zst.kwe"). */
  key: string;
  size: number;
  modifiedAt: number;
}

/**
 * An upload in progress. Bytes written to `stream` are not visible under `key` until `commit()`
 * resolves (atomic: temp name, fsync, rename for disks; complete-multipart for S3).
 * `abort()` removes whatever was written; it is safe to call after a failure and idempotent.
 */
export interface UploadHandle {
  stream: Writable;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** An opened destination (a local directory, a bucket, an SFTP root). */
export interface Destination {
  upload(key: string, opts?: { runId?: number }): Promise<UploadHandle>;
  /** Whole object, or the inclusive byte range [start, end]. */
  read(key: string, range?: { start: number; end?: number }): Promise<Readable>;
  stat(key: string): Promise<StoredObject | null>;
  list(prefix: string): Promise<StoredObject[]>;
  delete(key: string): Promise<void>;
  /** Removes leftovers of uploads that never committed (crash recovery). Returns how many. */
  cleanupPartials(opts: { olderThanMs?: number; keepRunIds?: readonly number[] }): Promise<number>;
  close(): Promise<void>;
}

/**
 * A kind of destination; one folder per adapter under src/adapters/destinations/, registered in
 * registry.ts.
 *
 * @example
 *   const local = await loadDestinationAdapter('local');
 *   const dest = await local.open({ path: '/var/backups' });
 *   const up = await dest.upload('acme/job/file.sql.gz'); src.pipe(up.stream); await finished(up.stream); await up.commit();
 */
export interface DestinationAdapter {
  readonly kind: string;
  readonly label: string;
  readonly configSchema: TObject;
  readonly secretFields: readonly string[];
  open(config: Record<string, unknown>): Promise<Destination>;
}
