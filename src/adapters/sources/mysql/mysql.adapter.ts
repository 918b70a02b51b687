import type { Readable } from 'node:stream';
import { ValidationError } from '../../../core/errors.js';
import {
  captureTool,
  findOnPath,
  removeSecretFile,
  runTool,
  scrubSecrets,
  toolEnv,
  toolVersion,
  writeSecretFile,
} from '../process.js';
import type { DumpResult, SourceAdapter, SourceContext } from '../source.contract.js';
import {
  type MysqlConfig,
  mysqlConfigSchema,
  optionFileContent,
  parseMysqlConfig,
  quoteMysqlIdent,
} from './mysql.config.js';

/** MariaDB's own names first: on MariaDB 11 the mysql* names are gone or deprecated aliases. */
async function tool(kind: 'dump' | 'client'): Promise<string> {
  const names = kind === 'dump' ? ['mariadb-dump', 'mysqldump'] : ['mariadb', 'mysql'];
  const found = await findOnPath(...names);
  if (!found) throw new Error(`neither ${names.join(' nor ')} is installed on this machine`);
  return found;
}

// Inherited MYSQL_PWD / MYSQL_HOST would silently override or complete the source's settings.
const env = (): NodeJS.ProcessEnv => toolEnv(['MYSQL_', 'MARIADB_'], {});

async function withOptionFile<T>(
  config: MysqlConfig,
  ctx: SourceContext,
  fn: (defaultsArg: string) => Promise<T>,
): Promise<T> {
  const file = await writeSecretFile(ctx.scratchDir, 'my.cnf', optionFileContent(config));
  try {
    // Must be the first argument, or the tools reject it.
    return await fn(`--defaults-extra-file=${file}`);
  } finally {
    await removeSecretFile(file);
  }
}

async function dump(raw: Record<string, unknown>, ctx: SourceContext): Promise<DumpResult> {
  const config = parseMysqlConfig(raw);
  const command = await tool('dump');
  const version = await toolVersion(command);
  const file = await writeSecretFile(ctx.scratchDir, 'my.cnf', optionFileContent(config));
  ctx.log('info', `${command}: database "${config.database}" on ${config.host}:${config.port} as ${config.user}`);
  const proc = runTool({
    command,
    args: [
      `--defaults-extra-file=${file}`,
      '--single-transaction',
      '--routines',
      '--triggers',
      '--events',
      '--hex-blob',
      // CREATE TABLESPACE is rarely wanted and, on MySQL 8, needs the PROCESS privilege.
      '--no-tablespaces',
      '--default-character-set=utf8mb4',
      // No --databases: without CREATE DATABASE/USE the dump restores under any name.
      '--',
      config.database,
    ],
    env: env(),
    signal: ctx.signal,
    secrets: [config.password],
    stdout: 'stream',
    log: ctx.log,
  });
  const done = proc.done.then(() => ({ toolVersion: version })).finally(() => removeSecretFile(file));
  done.catch(() => undefined); // handled later by the caller; see ToolProcess.done
  if (!proc.stdout) throw new Error(`${command} has no output stream`);
  return { stream: proc.stdout, done, extension: 'sql' };
}

async function restore(
  raw: Record<string, unknown>,
  input: Readable,
  ctx: SourceContext & { targetDatabase?: string; extension: string },
): Promise<void> {
  const config = parseMysqlConfig(raw);
  if (ctx.extension !== 'sql') {
    throw new ValidationError(`mysql source cannot restore a ".${ctx.extension}" dump`);
  }
  const target = ctx.targetDatabase ?? config.database;
  if (!target || target.length > 64 || /[\0-\x1f\x7f]/.test(target)) {
    throw new ValidationError(`mysql source: invalid target database name "${target}"`);
  }
  const command = await tool('client');
  try {
    await withOptionFile(config, ctx, async (defaults) => {
      const common = { env: env(), signal: ctx.signal, secrets: [config.password], log: ctx.log };
      await runTool({
        ...common,
        command,
        args: [defaults, '--batch', '-e', `CREATE DATABASE IF NOT EXISTS ${quoteMysqlIdent(target)}`],
      }).done;
      ctx.log('info', `${command}: restoring into database "${target}"`);
      await runTool({
        ...common,
        command,
        args: [defaults, '--batch', '--default-character-set=utf8mb4', `--database=${target}`],
        stdin: input,
      }).done;
    });
  } catch (err) {
    input.destroy();
    throw err;
  }
}

export const mysqlSourceAdapter: SourceAdapter = {
  kind: 'mysql',
  label: 'MySQL / MariaDB',
  configSchema: mysqlConfigSchema,
  secretFields: ['password'],

  async test(raw, ctx) {
    const config = parseMysqlConfig(raw);
    try {
      const command = await tool('client');
      const { stdout } = await withOptionFile(config, ctx, (defaults) =>
        captureTool({
          command,
          args: [defaults, '--batch', '--skip-column-names', `--database=${config.database}`, '-e', 'SELECT VERSION()'],
          env: env(),
          signal: ctx.signal,
          secrets: [config.password],
        }),
      );
      const serverVersion = stdout.trim() || 'unknown';
      return { ok: true, message: `connected to MySQL/MariaDB ${serverVersion}`, serverVersion };
    } catch (err) {
      const message = scrubSecrets(err instanceof Error ? err.message : String(err), [config.password]);
      return { ok: false, message: `cannot connect to ${config.host}:${config.port}/${config.database}: ${message}` };
    }
  },

  dump,
  restore,
};
