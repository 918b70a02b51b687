/**
 * The forms of sources, destinations and notification channels are generated from a small
 * field list per adapter kind (mirroring the adapters' config schemas on the server). Adding
 * a kind is one entry here.
 */
export type ResourceType = 'sources' | 'destinations' | 'notification-channels';

export interface FieldDef {
  key: string;
  label: string;
  type: 'text' | 'number' | 'password' | 'select' | 'textarea' | 'list' | 'json';
  required?: boolean;
  /** Write-only on the server: never shown, sent only when typed. */
  secret?: boolean;
  options?: string[];
  defaultValue?: string | number;
  description?: string;
  placeholder?: string;
}

export interface KindDef {
  label: string;
  fields: FieldDef[];
  /** One line for the table, from the non-secret settings. */
  summary: (config: Record<string, unknown>) => string;
}

export type FormValue = string | number;
export type ConfigValues = Record<string, FormValue>;

const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));

const databaseFields = (port: number, extra: FieldDef[] = []): FieldDef[] => [
  { key: 'host', label: 'Host', type: 'text', required: true, placeholder: 'db.example.com' },
  { key: 'port', label: 'Port', type: 'number', required: true, defaultValue: port },
  { key: 'user', label: 'User', type: 'text', required: true },
  { key: 'password', label: 'Password', type: 'password', secret: true },
  { key: 'database', label: 'Database', type: 'text', required: true },
  ...extra,
];

const dbSummary = (c: Record<string, unknown>) => `${s(c.user)}@${s(c.host)}:${s(c.port)}/${s(c.database)}`;
const pathField: FieldDef = {
  key: 'path',
  label: 'Path',
  type: 'text',
  required: true,
  description: 'Absolute path on the Keepwatch server',
};

export const KINDS: Record<ResourceType, Record<string, KindDef>> = {
  sources: {
    postgres: {
      label: 'PostgreSQL',
      fields: databaseFields(5432, [
        { key: 'format', label: 'Format', type: 'select', options: ['plain', 'custom'], defaultValue: 'plain' },
      ]),
      summary: dbSummary,
    },
    mysql: { label: 'MySQL / MariaDB', fields: databaseFields(3306), summary: dbSummary },
    sqlite: {
      label: 'SQLite',
      fields: [{ ...pathField, description: 'Absolute path of the database file on the Keepwatch server' }],
      summary: (c) => s(c.path),
    },
  },
  destinations: {
    local: {
      label: 'Local disk',
      fields: [{ ...pathField, description: 'Absolute directory on the Keepwatch server' }],
      summary: (c) => s(c.path),
    },
  },
  'notification-channels': {
    smtp: {
      label: 'SMTP e-mail',
      fields: [
        { key: 'host', label: 'Host', type: 'text', required: true, placeholder: 'smtp.example.com' },
        { key: 'port', label: 'Port', type: 'number', required: true, defaultValue: 587 },
        { key: 'user', label: 'User', type: 'text' },
        { key: 'password', label: 'Password', type: 'password', secret: true },
        { key: 'from', label: 'From', type: 'text', required: true, placeholder: 'Keepwatch <alerts@example.com>' },
        { key: 'to', label: 'To', type: 'list', required: true, description: 'Comma separated addresses' },
      ],
      summary: (c) => `${s(c.host)}:${s(c.port)} → ${Array.isArray(c.to) ? c.to.join(', ') : ''}`,
    },
    webhook: {
      label: 'Webhook',
      fields: [
        { key: 'url', label: 'URL', type: 'text', required: true, placeholder: 'https://hooks.example.com/…' },
        { key: 'method', label: 'Method', type: 'select', options: ['POST', 'PUT'], defaultValue: 'POST' },
        {
          key: 'headers',
          label: 'Headers',
          type: 'json',
          secret: true,
          description: 'JSON object, e.g. {"Authorization": "Bearer …"}',
        },
        {
          key: 'template',
          label: 'Template',
          type: 'textarea',
          description: 'JSON body with {{placeholders}}; empty for the default message',
        },
      ],
      summary: (c) => `${s(c.method || 'POST')} ${s(c.url)}`,
    },
  },
};

export function kindOptions(type: ResourceType) {
  return Object.entries(KINDS[type]).map(([value, def]) => ({ value, label: def.label }));
}

export function kindDef(type: ResourceType, kind: string): KindDef | undefined {
  return Object.hasOwn(KINDS[type], kind) ? KINDS[type][kind] : undefined;
}

/** Form values for a kind: stored settings (never secrets) or the defaults. */
export function initialConfig(def: KindDef | undefined, config?: Record<string, unknown>): ConfigValues {
  const out: ConfigValues = {};
  for (const f of def?.fields ?? []) {
    const v = config?.[f.key];
    if (f.secret) out[f.key] = '';
    else if (f.type === 'list') out[f.key] = Array.isArray(v) ? v.join(', ') : s(v);
    else if (f.type === 'json') out[f.key] = v === undefined ? '' : JSON.stringify(v, null, 2);
    else if (f.type === 'number') out[f.key] = typeof v === 'number' ? v : (f.defaultValue ?? '');
    else out[f.key] = v === undefined || v === null ? s(f.defaultValue) : s(v);
  }
  return out;
}

export class FieldInputError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The config to send. Starts from the stored settings (so ones this form does not show are
 * kept), leaves out empty optional fields, and includes a secret only when it was typed (the
 * server keeps the stored one when it is left out).
 */
export function toConfig(
  def: KindDef | undefined,
  values: ConfigValues,
  stored: Record<string, unknown> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...stored };
  for (const f of def?.fields ?? []) {
    const raw = values[f.key];
    const text = typeof raw === 'number' ? String(raw) : (raw ?? '');
    delete out[f.key];
    if (f.type === 'password') {
      if (text !== '') out[f.key] = text;
      continue;
    }
    if (text.trim() === '') continue;
    if (f.type === 'number') {
      out[f.key] = Number(text);
    } else if (f.type === 'list') {
      const items = text
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      if (items.length) out[f.key] = items;
    } else if (f.type === 'json') {
      try {
        out[f.key] = JSON.parse(text) as unknown;
      } catch {
        throw new FieldInputError(f.key, 'Not valid JSON');
      }
    } else {
      out[f.key] = f.type === 'textarea' ? text : text.trim();
    }
  }
  return out;
}
