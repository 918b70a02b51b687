import type { Readable } from 'node:stream';
import { ValidationError } from '../../../core/errors.js';
import { removeSecretFile, runTool, scrubSecrets, type ToolOptions, toolVersion, writeSecretFile } from '../process.js';
import type { DumpResult, SourceAdapter, SourceContext } from '../source.contract.js';
import { connectPostgres, ensureDatabase } from './postgres.client.js';
import {
  ALL_DATABASES,
  dbnameConninfo,
  type PostgresConfig,
  parsePostgresConfig,
  pgpassLine,
  postgresConfigSchema,
  postgresToolEnv,
} from './postgres.config.js';
import { isClusterDump, sniffHead } from './postgres.sniff.js';

async function writePassfile(config: PostgresConfig, scratchDir: string): Promise<string | undefined> {
  return config.password === undefined ? undefined : writeSecretFile(scratchDir, 'pgpass', pgpassLine(config.password));
}

async function dump(raw: Record<string, unknown>, ctx: SourceContext): Promise<DumpResult> {
  const config = parsePostgresConfig(raw);
  const all = config.database === ALL_DATABASES;
  const tool = all ? 'pg_dumpall' : 'pg_dump';
  const version = await toolVersion(tool);
  const passfile = await writePassfile(config, ctx.scratchDir);
  const args = ['--no-password'];
  if (!all) {
    // Custom format is left uncompressed: the pipeline compresses (zstd, gzip...) once, after.
    args.push(config.format === 'custom' ? '--format=custom' : '--format=plain');
    if (config.format === 'custom') args.push('--compress=0');
  }
  ctx.log(
    'info',
    `${tool}: ${all ? 'all databases' : `database "${config.database}"`} on ${config.host}:${config.port} as ${config.user}`,
  );
  const proc = runTool({
    command: tool,
    args,
    // pg_dumpall picks its own maintenance database; PGDATABASE="*" would confuse it.
    env: postgresToolEnv(config, { database: all ? undefined : config.database, passfile }),
    signal: ctx.signal,
    secrets: [config.password],
    stdout: 'stream',
    log: ctx.log,
  });
  const done = proc.done.then(() => ({ toolVersion: version })).finally(() => removeSecretFile(passfile));
  done.catch(() => undefined); // handled later by the caller; see ToolProcess.done

  if (!proc.stdout) throw new Error(`${tool} has no output stream`);
  return { stream: proc.stdout, done, extension: config.format === 'custom' && !all ? 'pgdump' : 'sql' };
}

async function restore(
  raw: Record<string, unknown>,
  input: Readable,
  ctx: SourceContext & { targetDatabase?: string; extension: string },
): Promise<void> {
  const config = parsePostgresConfig(raw);
  if (ctx.extension !== 'sql' && ctx.extension !== 'pgdump') {
    throw new ValidationError(`postgres source cannot restore a ".${ctx.extension}" dump`);
  }
  // Decided from the dump itself, not the job's current config, which may have changed since.
  let stream = input;
  let cluster = false;
  if (ctx.extension === 'sql') {
    const sniffed = await sniffHead(input, 256);
    stream = sniffed.stream;
    cluster = isClusterDump(sniffed.head);
  }
  if (cluster && ctx.targetDatabase !== undefined) {
    stream.destroy();
    throw new ValidationError(
      'a dump of all databases restores every database under its own name; a target database cannot be given',
    );
  }
  const target = cluster ? 'postgres' : (ctx.targetDatabase ?? config.database);
  if (!cluster && (target === ALL_DATABASES || !target || target.includes('\0'))) {
    stream.destroy();
    throw new ValidationError('this is a single-database dump: name the database to restore it into');
  }

  const passfile = await writePassfile(config, ctx.scratchDir);
  try {
    if (!cluster && (await ensureDatabase(config, target, ctx.signal))) {
      ctx.log('info', `created database "${target}"`);
    }
    const env = postgresToolEnv(config, { database: target, passfile });
    const common = { env, signal: ctx.signal, secrets: [config.password], stdin: stream };
    if (ctx.extension === 'pgdump') {
      ctx.log('info', `pg_restore into database "${target}"`);
      await runTool({
        ...common,
        command: 'pg_restore',
        // pg_restore insists on --dbname; a conninfo string keeps the name from being parsed.
        args: ['--no-password', '--no-owner', '--exit-on-error', `--dbname=${dbnameConninfo(target)}`],
        log: ctx.log,
      }).done;
    } else if (!cluster) {
      ctx.log('info', `psql restore into database "${target}"`);
      await runTool({
        ...common,
        command: 'psql',
        args: ['--no-password', '--no-psqlrc', '-q', '-v', 'ON_ERROR_STOP=1'],
        log: ctx.log,
      }).done;
    } else {
      await restoreCluster(config, common, ctx);
    }
  } catch (err) {
    stream.destroy();
    throw err;
  } finally {
    await removeSecretFile(passfile);
  }
}

/**
 * A pg_dumpall script always recreates the restoring role itself (CREATE ROLE postgres), which
 * fails on any live server, so ON_ERROR_STOP cannot be used. Errors are counted instead, and
 * anything beyond "role already exists" fails the restore.
 */
async function restoreCluster(
  config: PostgresConfig,
  common: Omit<ToolOptions, 'command' | 'args'>,
  ctx: SourceContext,
): Promise<void> {
  ctx.log('info', 'psql restore of all databases');
  const errors: string[] = [];
  await runTool({
    ...common,
    command: 'psql',
    args: ['--no-password', '--no-psqlrc', '-q'],
    onStderrLine: (line) => {
      if (/\bERROR:/.test(line) && !/ERROR:\s+role ".*" already exists/.test(line)) errors.push(line);
    },
    log: ctx.log,
  }).done;
  if (errors.length) {
    const first = errors
      .slice(0, 5)
      .map((l) => scrubSecrets(l, [config.password]))
      .join('\n');
    throw new Error(`psql reported ${errors.length} error(s) restoring all databases:\n${first}`);
  }
}

export const postgresSourceAdapter: SourceAdapter = {
  kind: 'postgres',
  label: 'PostgreSQL',
  configSchema: postgresConfigSchema,
  secretFields: ['password'],

  async test(raw, ctx) {
    const config = parsePostgresConfig(raw);
    const database = config.database === ALL_DATABASES ? 'postgres' : config.database;
    try {
      const client = await connectPostgres(config, database, ctx.signal);
      try {
        const res = await client.query<{ server_version: string }>('SHOW server_version');
        const serverVersion = res.rows[0]?.server_version ?? 'unknown';
        return { ok: true, message: `connected to PostgreSQL ${serverVersion}`, serverVersion };
      } finally {
        await client.end().catch(() => undefined);
      }
    } catch (err) {
      const message = scrubSecrets(err instanceof Error ? err.message : String(err), [config.password]);
      return { ok: false, message: `cannot connect to ${config.host}:${config.port}/${database}: ${message}` };
    }
  },

  dump,
  restore,
};
