import type { MailImporter, MailImporterKind } from '../../api/types';

/**
 * The mail importer form, kind by kind (IMAP, Microsoft Graph, SMTP receiver), as pure data and
 * functions (unit-tested in test/web/mail-importer-form.test.ts). Secrets are write-only: they
 * are sent only when typed, and the server keeps the stored one otherwise.
 */

export type FieldType = 'text' | 'number' | 'boolean' | 'secret' | 'mib';

export interface ImporterField {
  key: string;
  label: string;
  type: FieldType;
  required?: boolean;
  description?: string;
  placeholder?: string;
  defaultValue?: string | number | boolean;
}

export const KIND_LABEL: Record<MailImporterKind, string> = {
  imap: 'IMAP',
  graph: 'Microsoft Graph',
  smtp: 'SMTP receiver',
};

export const KIND_OPTIONS = (Object.keys(KIND_LABEL) as MailImporterKind[]).map((k) => ({
  value: k,
  label: KIND_LABEL[k],
}));

export const INTERVALS = [5, 15, 30, 60] as const;
export const DEFAULT_INTERVAL = 15;
export const INTERVAL_OPTIONS = INTERVALS.map((m) => ({ value: String(m), label: `Every ${m} minutes` }));

const MIB = 1024 * 1024;

/** Where a polled mailbox moves what was imported (IMAP and Microsoft Graph alike). */
const PROCESSED_FOLDER: ImporterField = {
  key: 'processedFolder',
  label: 'Processed folder',
  type: 'text',
  required: true,
  defaultValue: 'Processed',
  description: 'Imported messages are moved here',
};

export const IMPORTER_FIELDS: Record<MailImporterKind, ImporterField[]> = {
  imap: [
    { key: 'host', label: 'Host', type: 'text', required: true, placeholder: 'imap.example.com' },
    { key: 'port', label: 'Port', type: 'number', required: true, defaultValue: 993 },
    { key: 'tls', label: 'Use TLS', type: 'boolean', defaultValue: true },
    { key: 'username', label: 'User name', type: 'text', required: true },
    { key: 'password', label: 'Password', type: 'secret', required: true },
    { key: 'folder', label: 'Folder', type: 'text', required: true, defaultValue: 'INBOX' },
    PROCESSED_FOLDER,
  ],
  graph: [
    { key: 'tenantId', label: 'Tenant ID', type: 'text', required: true },
    { key: 'clientId', label: 'Client ID', type: 'text', required: true, description: 'The app registration' },
    { key: 'clientSecret', label: 'Client secret', type: 'secret', required: true },
    { key: 'mailbox', label: 'Mailbox', type: 'text', required: true, placeholder: 'backups@example.com' },
    { key: 'folder', label: 'Folder', type: 'text', required: true, defaultValue: 'Inbox' },
    PROCESSED_FOLDER,
    {
      key: 'authorityUrl',
      label: 'Authority URL',
      type: 'text',
      description: 'Only for national clouds; empty: https://login.microsoftonline.com',
    },
    { key: 'graphUrl', label: 'Graph URL', type: 'text', description: 'Empty: https://graph.microsoft.com' },
  ],
  smtp: [
    { key: 'port', label: 'Port', type: 'number', required: true, defaultValue: 2525 },
    { key: 'host', label: 'Listen address', type: 'text', required: true, defaultValue: '0.0.0.0' },
    {
      key: 'username',
      label: 'User name',
      type: 'text',
      description: 'Optional; when set, senders must authenticate',
    },
    { key: 'password', label: 'Password', type: 'secret' },
    { key: 'maxSizeBytes', label: 'Maximum message size (MiB)', type: 'mib', required: true, defaultValue: 25 * MIB },
  ],
};

export type FieldValue = string | number | boolean;

export interface ImporterFormValues {
  name: string;
  kind: MailImporterKind;
  enabled: boolean;
  intervalMinutes: string;
  config: Record<string, FieldValue>;
}

/** The SMTP receiver listens instead of polling: it has no interval. */
export const polls = (kind: MailImporterKind) => kind !== 'smtp';

/** Form values for a kind: the stored settings (never secrets) or the defaults. */
export function configValues(kind: MailImporterKind, stored: Record<string, unknown> = {}): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const f of IMPORTER_FIELDS[kind]) {
    const v = stored[f.key] ?? f.defaultValue;
    if (f.type === 'secret') out[f.key] = '';
    else if (f.type === 'boolean') out[f.key] = typeof v === 'boolean' ? v : Boolean(f.defaultValue);
    else if (f.type === 'number') out[f.key] = typeof v === 'number' ? v : '';
    else if (f.type === 'mib') out[f.key] = typeof v === 'number' ? Math.round((v / MIB) * 100) / 100 : '';
    else out[f.key] = v === undefined || v === null ? '' : String(v);
  }
  return out;
}

export function initialValues(importer: MailImporter | null, kind: MailImporterKind = 'imap'): ImporterFormValues {
  if (!importer)
    return { name: '', kind, enabled: true, intervalMinutes: String(DEFAULT_INTERVAL), config: configValues(kind) };
  return {
    name: importer.name,
    kind: importer.kind,
    enabled: importer.enabled,
    intervalMinutes: String(importer.intervalMinutes ?? DEFAULT_INTERVAL),
    config: configValues(importer.kind, importer.config),
  };
}

/**
 * Problems the form can see before sending (required fields; a secret is required only when
 * none is stored; the SMTP password goes with a user name). Keys are form paths.
 */
export function validateImporter(
  v: ImporterFormValues,
  hasSecret: Record<string, boolean> = {},
): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!v.name.trim()) errors.name = 'A name is required';
  for (const f of IMPORTER_FIELDS[v.kind]) {
    const value = v.config[f.key];
    const empty = value === '' || value === undefined;
    if (f.type === 'secret') {
      const needed = f.required || (v.kind === 'smtp' && String(v.config.username ?? '').trim() !== '');
      if (needed && empty && !hasSecret[f.key]) errors[`config.${f.key}`] = `${f.label} is required`;
      continue;
    }
    if (f.required && (empty || (typeof value === 'string' && !value.trim())))
      errors[`config.${f.key}`] = `${f.label} is required`;
    else if ((f.type === 'number' || f.type === 'mib') && !empty && !(Number(value) > 0))
      errors[`config.${f.key}`] = `${f.label} must be a positive number`;
  }
  if (v.config.port !== undefined && v.config.port !== '' && !(Number(v.config.port) <= 65535))
    errors['config.port'] ??= 'Port must be between 1 and 65535';
  return errors;
}

/** The body of POST/PATCH /api/mail-importers: secrets only when typed, empty optionals left out. */
export function importerBody(v: ImporterFormValues, isNew: boolean): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const f of IMPORTER_FIELDS[v.kind]) {
    const value = v.config[f.key];
    if (f.type === 'boolean') config[f.key] = Boolean(value);
    else if (f.type === 'secret') {
      if (typeof value === 'string' && value !== '') config[f.key] = value;
    } else if (value === '' || value === undefined) continue;
    else if (f.type === 'number') config[f.key] = Number(value);
    else if (f.type === 'mib') config[f.key] = Math.round(Number(value) * MIB);
    else if (typeof value === 'string' && value.trim()) config[f.key] = value.trim();
  }
  return {
    name: v.name.trim(),
    ...(isNew ? { kind: v.kind } : {}),
    enabled: v.enabled,
    ...(polls(v.kind) ? { intervalMinutes: Number(v.intervalMinutes) || DEFAULT_INTERVAL } : {}),
    config,
  };
}

/** One line for the list: where the importer reads from. */
export function importerSummary(imp: Pick<MailImporter, 'kind' | 'config'>): string {
  const c = imp.config;
  const str = (k: string) => (typeof c[k] === 'string' || typeof c[k] === 'number' ? String(c[k]) : '');
  if (imp.kind === 'imap')
    return `${str('username') ? `${str('username')}@` : ''}${str('host')}:${str('port')} / ${str('folder') || 'INBOX'}`;
  if (imp.kind === 'graph') return `${str('mailbox')} / ${str('folder') || 'Inbox'}`;
  return `listens on ${str('host') || '0.0.0.0'}:${str('port')}`;
}

/** The batch size of "Import now": a whole number from 1 to 1000. */
export function validBatchSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 1000;
}
