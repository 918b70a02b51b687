import { describe, expect, it } from 'vitest';
import {
  importerBody,
  importerSummary,
  initialValues,
  INTERVAL_OPTIONS,
  validateImporter,
  validBatchSize,
} from '../../web/src/features/mail-settings/importer-form.js';
import type { MailImporter } from '../../web/src/api/types.js';

const stored: MailImporter = {
  id: 4,
  name: 'Reports mailbox',
  kind: 'imap',
  enabled: true,
  intervalMinutes: 30,
  config: {
    host: 'imap.example.com',
    port: 993,
    tls: true,
    username: 'reports',
    folder: 'INBOX',
    processedFolder: 'Done',
  },
  hasSecret: { password: true },
  lastImportAt: null,
  lastError: null,
};

describe('mail importer form', () => {
  it('offers 5, 15, 30 and 60 minutes and starts new IMAP importers with the usual defaults', () => {
    expect(INTERVAL_OPTIONS.map((o) => o.value)).toEqual(['5', '15', '30', '60']);
    const v = initialValues(null);
    expect(v).toMatchObject({ kind: 'imap', enabled: true, intervalMinutes: '15' });
    expect(v.config).toEqual({
      host: '',
      port: 993,
      tls: true,
      username: '',
      password: '',
      folder: 'INBOX',
      processedFolder: 'Processed',
    });
    expect(initialValues(null, 'smtp').config).toMatchObject({ port: 2525, host: '0.0.0.0', maxSizeBytes: 25 });
  });

  it('never fills in a stored secret, and sends one only when typed', () => {
    const v = initialValues(stored);
    expect(v.config.password).toBe('');
    expect(v.intervalMinutes).toBe('30');
    const body = importerBody(v, false);
    expect(body).toEqual({
      name: 'Reports mailbox',
      enabled: true,
      intervalMinutes: 30,
      config: {
        host: 'imap.example.com',
        port: 993,
        tls: true,
        username: 'reports',
        folder: 'INBOX',
        processedFolder: 'Done',
      },
    });
    const typed = importerBody({ ...v, config: { ...v.config, password: 's3cret' } }, false);
    expect((typed.config as Record<string, unknown>).password).toBe('s3cret');
  });

  it('requires a secret only when none is stored (SMTP: only with a user name)', () => {
    const v = initialValues(null);
    expect(validateImporter(v)).toMatchObject({
      name: 'A name is required',
      'config.host': 'Host is required',
      'config.username': 'User name is required',
      'config.password': 'Password is required',
    });
    expect(validateImporter(initialValues(stored), stored.hasSecret)).toEqual({});
    const smtp = { ...initialValues(null, 'smtp'), name: 'Relay' };
    expect(validateImporter(smtp)).toEqual({});
    expect(validateImporter({ ...smtp, config: { ...smtp.config, username: 'mta' } })).toEqual({
      'config.password': 'Password is required',
    });
    expect(validateImporter({ ...smtp, config: { ...smtp.config, port: 70000 } })).toEqual({
      'config.port': 'Port must be between 1 and 65535',
    });
  });

  it('sends the kind only on create, no interval for the SMTP receiver, and sizes in bytes', () => {
    const smtp = { ...initialValues(null, 'smtp'), name: ' Relay ' };
    expect(importerBody(smtp, true)).toEqual({
      name: 'Relay',
      kind: 'smtp',
      enabled: true,
      config: { port: 2525, host: '0.0.0.0', maxSizeBytes: 25 * 1024 * 1024 },
    });
    const graph = initialValues(null, 'graph');
    const body = importerBody(
      {
        ...graph,
        name: 'M365',
        config: { ...graph.config, tenantId: 't', clientId: 'c', mailbox: 'b@x', clientSecret: 'k' },
      },
      true,
    );
    expect(body).toEqual({
      name: 'M365',
      kind: 'graph',
      enabled: true,
      intervalMinutes: 15,
      config: {
        tenantId: 't',
        clientId: 'c',
        clientSecret: 'k',
        mailbox: 'b@x',
        folder: 'Inbox',
        processedFolder: 'Processed',
      },
    });
  });

  it('describes each importer in one line and checks the batch size', () => {
    expect(importerSummary(stored)).toBe('reports@imap.example.com:993 / INBOX');
    expect(importerSummary({ kind: 'graph', config: { mailbox: 'b@x' } })).toBe('b@x / Inbox');
    expect(importerSummary({ kind: 'smtp', config: { port: 2525 } })).toBe('listens on 0.0.0.0:2525');
    expect([0, 1, 100, 1000, 1001, 1.5, NaN].map(validBatchSize)).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
