import { ValidationError } from '../../core/errors.js';
import { FieldReader, HOST_PATTERN, requireSecret } from './config.fields.js';
import { parseGraphConfig, type GraphConfig } from './graph/graph.config.js';
import { parseImapConfig, type ImapConfig } from './imap/imap.config.js';
import { DEFAULT_MAX_MESSAGE_BYTES, type MailSourceAdapter } from './mail-import.js';

/**
 * Kind name → lazy loader, so imapflow is not loaded until an IMAP importer is used. Adding a
 * pull source is one folder plus one line here (and its config parser below).
 */
const loaders: Readonly<Record<string, () => Promise<MailSourceAdapter>>> = {
  imap: async () => (await import('./imap/imap.source.js')).imapSourceAdapter,
  graph: async () => (await import('./graph/graph.source.js')).graphSourceAdapter,
};

/** Pull-source kinds, in the order forms offer them. */
export function mailSourceKinds(): string[] {
  return Object.keys(loaders);
}

/** Every importer kind: the pull sources plus the built-in SMTP receiver ("smtp"). */
export function mailImporterKinds(): string[] {
  return [...mailSourceKinds(), 'smtp'];
}

/**
 * @example
 *   const imap = await loadMailSourceAdapter('imap');
 *   const source = await imap.open({ host: 'imap.example.com', username: 'reports@example.com' }, { password });
 */
export async function loadMailSourceAdapter(kind: string): Promise<MailSourceAdapter> {
  // Object.hasOwn keeps "constructor", "__proto__" and friends from looking like kinds.
  const load = Object.hasOwn(loaders, kind) ? loaders[kind] : undefined;
  if (!load) {
    const why = kind === 'smtp' ? ' ("smtp" is the push receiver: use startSmtpReceiver)' : '';
    throw new ValidationError(`unknown mail source kind "${kind}"${why} (known: ${mailSourceKinds().join(', ')})`);
  }
  return load();
}

/** Settings of the built-in SMTP receiver when it is configured as an importer. */
export interface SmtpImporterConfig {
  /** Default 127.0.0.1; "0.0.0.0" to accept reports from other machines. */
  host: string;
  port: number;
  /** When set, senders must AUTH; the password is the secret `password`. */
  username?: string;
  maxSizeBytes: number;
}

export type MailImporterConfig = ImapConfig | GraphConfig | SmtpImporterConfig;

export const mailImporterSecretFields: Readonly<Record<string, readonly string[]>> = {
  imap: ['password'],
  graph: ['clientSecret'],
  smtp: ['password'],
};

function parseSmtpImporterConfig(config: unknown, secrets: Record<string, string>): SmtpImporterConfig {
  const r = new FieldReader('smtp', config);
  const host = r.string('host', {
    default: '127.0.0.1',
    max: 253,
    pattern: HOST_PATTERN,
    patternHint: 'must be an IP address or host name',
  })!;
  const port = r.integer('port', { default: 2525, min: 1, max: 65535 });
  const username = r.string('username', { optional: true, max: 320 });
  const maxSizeBytes = r.integer('maxSizeBytes', { default: DEFAULT_MAX_MESSAGE_BYTES, min: 1024, max: 1024 ** 3 });
  r.rejectUnknown();
  if (username !== undefined) requireSecret('smtp', secrets, 'password');
  return { host, port, ...(username !== undefined ? { username } : {}), maxSizeBytes };
}

/**
 * Checks an importer's settings as a form would submit them: applies defaults, rejects unknown
 * fields and missing secrets. Throws a ValidationError naming the field
 * ("imap.port must be 1–65535"); returns the normalised config (secrets are not part of it).
 *
 * @example
 *   validateMailImporterConfig('imap', { host: 'imap.example.com', username: 'r@example.com' }, { password: 'x' });
 *   // → { host: 'imap.example.com', port: 993, tls: true, allowInvalidCertificate: false,
 *   //     username: 'r@example.com', folder: 'INBOX', processedFolder: 'Processed' }
 */
export function validateMailImporterConfig(
  kind: string,
  config: unknown,
  secrets: Record<string, string>,
): MailImporterConfig {
  switch (kind) {
    case 'imap':
      return parseImapConfig(config, secrets);
    case 'graph':
      return parseGraphConfig(config, secrets);
    case 'smtp':
      return parseSmtpImporterConfig(config, secrets);
    default:
      throw new ValidationError(`unknown mail importer kind "${kind}" (known: ${mailImporterKinds().join(', ')})`);
  }
}
