import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValidationError } from '../../../core/errors.js';

export const mysqlConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 3306 }),
    user: Type.String({ minLength: 1, maxLength: 128 }),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
    database: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);

export type MysqlConfig = Static<typeof mysqlConfigSchema>;

// Control characters would break the line-based option file (and no sane name has them).
const CONTROL = /[\0-\x1f\x7f]/;

export function parseMysqlConfig(raw: Record<string, unknown>): MysqlConfig {
  const config = Value.Default(mysqlConfigSchema, { ...raw });
  if (!Value.Check(mysqlConfigSchema, config)) {
    const first = Value.Errors(mysqlConfigSchema, config).First();
    throw new ValidationError(`mysql source: invalid config at ${first?.path || '/'}: ${first?.message ?? 'invalid'}`);
  }
  for (const field of ['host', 'user', 'database'] as const) {
    if (CONTROL.test(config[field])) {
      throw new ValidationError(`mysql source: ${field} contains a control character`);
    }
  }
  if (config.password?.includes('\0')) {
    throw new ValidationError('mysql source: password contains a NUL character');
  }
  return config;
}

/**
 * Quotes an option-file value for the MySQL/MariaDB option parser: inside double quotes '#'
 * is not a comment, and \\ \" \n \r \t are the escapes it reads back.
 */
export function optionValue(value: string): string {
  const escaped = value.replace(/[\\"\n\r\t]/g, (c) => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\${c}`;
    }
  });
  return `"${escaped}"`;
}

/**
 * The [client] group read by mariadb, mariadb-dump, mysql and mysqldump through
 * --defaults-extra-file: the only place the password is ever written.
 */
export function optionFileContent(config: MysqlConfig): string {
  const lines = [
    '[client]',
    `host=${optionValue(config.host)}`,
    `port=${config.port}`,
    `user=${optionValue(config.user)}`,
  ];
  if (config.password !== undefined) lines.push(`password=${optionValue(config.password)}`);
  return `${lines.join('\n')}\n`;
}

/** Backtick-quotes an identifier (embedded backticks doubled). */
export function quoteMysqlIdent(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}
