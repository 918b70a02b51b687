import type { Readable } from 'node:stream';
import type { TObject } from '@sinclair/typebox';

/** Where an adapter writes its log lines; the runner stores them on the run. Never pass secrets. */
export type LogFn = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface SourceContext {
  signal: AbortSignal;
  log: LogFn;
  /** A private directory for option files (0700); removed by the caller afterwards. */
  scratchDir: string;
  /**
   * Why `test` is called: before a backup the data must exist; before a restore the target may
   * not exist yet (it is created), only being able to create it matters. Default 'backup'.
   */
  purpose?: 'backup' | 'restore';
}

export interface DumpResult {
  /** The dump's bytes; the caller consumes it exactly once. */
  stream: Readable;
  /**
   * Settles when the dump tool has finished. Rejects when the tool exits non-zero or is killed,
   * with a message that includes the tail of its stderr (never the password).
   */
  done: Promise<{ toolVersion?: string }>;
  /** File extension of the raw dump without the dot: "sql", "pgdump", "sqlite". */
  extension: string;
}

export interface SourceTestResult {
  ok: boolean;
  message: string;
  serverVersion?: string;
}

/**
 * A kind of database (or other) source. One folder per adapter under src/adapters/sources/,
 * registered in registry.ts. `config` is the validated non-secret settings plus decrypted
 * secrets merged in (fields named in `secretFields`).
 *
 * @example
 *   const pg = await loadSourceAdapter('postgres');
 *   const dump = await pg.dump({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'app' }, ctx);
 *   dump.stream.pipe(somewhere); await dump.done;
 */
export interface SourceAdapter {
  readonly kind: string;
  readonly label: string;
  /** TypeBox schema of the whole config including secret fields (used for validation and OpenAPI). */
  readonly configSchema: TObject;
  /** Names of config fields that are secrets: stored encrypted, never returned, never logged. */
  readonly secretFields: readonly string[];
  /** Connects and reports the server version; used by "test connection" and the initialize step. */
  test(config: Record<string, unknown>, ctx: SourceContext): Promise<SourceTestResult>;
  dump(config: Record<string, unknown>, ctx: SourceContext): Promise<DumpResult>;
  /**
   * Restores a raw (decompressed, decrypted) dump. `targetDatabase` overrides the configured
   * database name (created when missing, where the engine allows). Resolves when done.
   */
  restore(
    config: Record<string, unknown>,
    input: Readable,
    ctx: SourceContext & { targetDatabase?: string; extension: string },
  ): Promise<void>;
}
