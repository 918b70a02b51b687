import { ValidationError } from '../../../core/errors.js';
import { FieldReader, HOST_PATTERN, requireSecret } from '../config.fields.js';

export interface ImapConfig {
  host: string;
  /** Default 993 with `tls`, else 143. */
  port: number;
  /**
   * true: TLS from the first byte (imaps, port 993). false: a plain connection that must be
   * upgraded with STARTTLS, except to a loopback host, where it stays plain text (the password
   * never leaves the machine and local test servers usually have no certificate).
   */
  tls: boolean;
  /** For servers inside a LAN with a self-signed certificate. Off unless the admin opts in. */
  allowInvalidCertificate: boolean;
  username: string;
  /** Where reports arrive. Default "INBOX". */
  folder: string;
  /** Where handled messages are moved; created on first use. Default "Processed". */
  processedFolder: string;
}

export const imapSecretFields = ['password'] as const;

// Mailbox names: any UTF-8 except control characters; "*" and "%" are LIST wildcards.
const FOLDER = /^[^\u0000-\u001f\u007f*%]+$/;

/** Applies defaults and checks every field; the error names the field. */
export function parseImapConfig(config: unknown, secrets?: Record<string, string>): ImapConfig {
  const r = new FieldReader('imap', config);
  const host = r.requiredString('host', {
    max: 253,
    pattern: HOST_PATTERN,
    patternHint: 'must be a host name or IP address',
  });
  const tls = r.boolean('tls', true);
  const port = r.integer('port', { default: tls ? 993 : 143, min: 1, max: 65535 });
  const allowInvalidCertificate = r.boolean('allowInvalidCertificate', false);
  const username = r.requiredString('username', { max: 320 });
  const folder = r.string('folder', {
    default: 'INBOX',
    max: 255,
    pattern: FOLDER,
    patternHint: 'is not a valid folder name',
  })!;
  const processedFolder = r.string('processedFolder', {
    default: 'Processed',
    max: 255,
    pattern: FOLDER,
    patternHint: 'is not a valid folder name',
  })!;
  r.rejectUnknown();
  if (processedFolder.toLowerCase() === folder.toLowerCase()) {
    throw new ValidationError('imap.processedFolder must differ from imap.folder', { field: 'imap.processedFolder' });
  }
  if (secrets) requireSecret('imap', secrets, 'password');
  return { host, port, tls, allowInvalidCertificate, username, folder, processedFolder };
}
