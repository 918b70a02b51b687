import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { prefixed, splitApiError } from './form-errors';
import { FieldInputError, initialConfig, kindDef, toConfig } from './resource-kinds';

const validation = (message: string, errors?: string[]) =>
  new ApiError(message, 400, 'validation_failed', errors ? { errors } : undefined);

describe('API errors at their fields', () => {
  const toField = prefixed('notification_channel', { name: 'name', kind: 'kind' }, true);

  it('puts each listed error under the field it names, in words', () => {
    const err = validation('x', [
      "notification_channel.config.to.1: Expected string to match '^[^\\s@]+@...$'",
      'notification_channel.config.host: Expected required property',
      'notification_channel.config.host: Expected string',
    ]);
    expect(splitApiError(err, toField)).toEqual({
      fields: { 'config.to': 'Entry 2: Invalid format', 'config.host': 'Required' },
      rest: null,
    });
  });

  it('takes "path message" errors too, and leaves the rest for the form', () => {
    const toSettings = prefixed('settings', { maxConcurrentRuns: 'maxConcurrentRuns' });
    const err = validation(
      'settings.maxConcurrentRuns must be an integer from 1 to 64; customer is required (you can see several customers)',
    );
    expect(splitApiError(err, toSettings)).toEqual({
      fields: { maxConcurrentRuns: 'Must be an integer from 1 to 64' },
      rest: 'customer is required (you can see several customers)',
    });
  });

  it('keeps errors that are not API errors whole', () => {
    expect(splitApiError(new Error('network down'), toField)).toEqual({ fields: {}, rest: 'network down' });
  });
});

describe('resource forms generated from the field list of a kind', () => {
  const postgres = kindDef('sources', 'postgres');
  const webhook = kindDef('notification-channels', 'webhook');

  it('starts from the defaults and never shows a stored secret', () => {
    expect(initialConfig(postgres)).toMatchObject({ port: 5432, format: 'plain', password: '' });
    const stored = { host: 'db', port: 6432, user: 'u', database: 'app', format: 'custom' };
    expect(initialConfig(postgres, stored)).toMatchObject({ ...stored, password: '' });
  });

  it('sends a secret only when typed, and keeps settings the form does not show', () => {
    const stored = { host: 'db', port: 5432, user: 'u', database: 'app', format: 'plain', sslmode: 'require' };
    const values = { ...initialConfig(postgres, stored), host: ' db2 ' };
    expect(toConfig(postgres, values, stored)).toEqual({ ...stored, host: 'db2' });
    expect(toConfig(postgres, { ...values, password: 's3cret ' }, stored)).toMatchObject({ password: 's3cret ' });
  });

  it('turns lists, numbers and JSON into their API shapes', () => {
    const smtp = kindDef('notification-channels', 'smtp');
    const config = toConfig(smtp, { host: 'mx', port: '25', user: '', from: 'a@x.io', to: 'b@x.io, ,c@x.io' });
    expect(config).toEqual({ host: 'mx', port: 25, from: 'a@x.io', to: ['b@x.io', 'c@x.io'] });
    expect(toConfig(webhook, { url: 'https://h', method: 'PUT', headers: '{"A":"b"}' })).toEqual({
      url: 'https://h',
      method: 'PUT',
      headers: { A: 'b' },
    });
    expect(() => toConfig(webhook, { url: 'https://h', headers: '{nope' })).toThrow(FieldInputError);
  });
});
