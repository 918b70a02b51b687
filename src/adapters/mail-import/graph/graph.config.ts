import { ValidationError } from '../../../core/errors.js';
import { FieldReader, isLoopbackHost, requireSecret } from '../config.fields.js';

export interface GraphConfig {
  /** Directory (tenant) id, a GUID or a verified domain such as "contoso.onmicrosoft.com". */
  tenantId: string;
  /** Application (client) id of the app registration that has Mail.ReadWrite (application). */
  clientId: string;
  /** The mailbox to read: user principal name, SMTP address or object id. */
  mailbox: string;
  /** A well-known name ("Inbox") or a display-name path ("Inbox/Backup reports"). */
  folder: string;
  /** Same forms; created (under its parent path) on first use. */
  processedFolder: string;
  /** Token endpoint base; other clouds (e.g. login.microsoftonline.us) or a test server. */
  authorityUrl: string;
  graphUrl: string;
}

export const graphSecretFields = ['clientSecret'] as const;

const FOLDER = /^[^\u0000-\u001f\u007f]+$/;

function baseUrl(r: FieldReader, name: string, fallback: string): string {
  const value = r.string(name, { default: fallback, max: 300 })!;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(`graph.${name} must be a URL`, { field: `graph.${name}` });
  }
  // The client secret and bearer tokens travel to these URLs, so plain http only on loopback.
  const httpOk = url.protocol === 'http:' && isLoopbackHost(url.hostname);
  if ((url.protocol !== 'https:' && !httpOk) || url.search || url.hash || url.username) {
    throw new ValidationError(`graph.${name} must be an https:// URL without query`, { field: `graph.${name}` });
  }
  return value.replace(/\/+$/, '');
}

/** Applies defaults and checks every field; the error names the field. */
export function parseGraphConfig(config: unknown, secrets?: Record<string, string>): GraphConfig {
  const r = new FieldReader('graph', config);
  const tenantId = r.requiredString('tenantId', {
    max: 100,
    pattern: /^[A-Za-z0-9][A-Za-z0-9.-]*$/,
    patternHint: 'must be a tenant GUID or domain',
  });
  const clientId = r.requiredString('clientId', {
    max: 100,
    pattern: /^[A-Za-z0-9-]+$/,
    patternHint: 'must be an application (client) id',
  });
  const mailbox = r.requiredString('mailbox', {
    max: 320,
    pattern: /^[^\s/\\?#]+$/,
    patternHint: 'must be an e-mail address or user id',
  });
  const folderOpts = { max: 255, pattern: FOLDER, patternHint: 'is not a valid folder name' };
  const folder = r.string('folder', { default: 'Inbox', ...folderOpts })!;
  const processedFolder = r.string('processedFolder', { default: 'Processed', ...folderOpts })!;
  const authorityUrl = baseUrl(r, 'authorityUrl', 'https://login.microsoftonline.com');
  const graphUrl = baseUrl(r, 'graphUrl', 'https://graph.microsoft.com/v1.0');
  r.rejectUnknown();
  if (processedFolder.toLowerCase() === folder.toLowerCase()) {
    throw new ValidationError('graph.processedFolder must differ from graph.folder', {
      field: 'graph.processedFolder',
    });
  }
  if (secrets) requireSecret('graph', secrets, 'clientSecret');
  return { tenantId, clientId, mailbox, folder, processedFolder, authorityUrl, graphUrl };
}
