import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.js';
import type { NotificationMessage } from '../notifier.contract.js';
import { renderWebhookTemplate, validateWebhookTemplate } from './webhook.template.js';

const message: NotificationMessage = {
  event: 'run.finished',
  status: 'failed',
  title: 'nightly "db" \\ (Acme)\nline 2',
  text: 'Dump failed: </script><b>',
  data: { job: 'nightly-db', bytes: 1048576, ok: false, nested: { customer: 'Acme' }, tags: ['a', 'b'], none: null },
};

const render = (template: string) => JSON.parse(renderWebhookTemplate(template, message)) as unknown;

describe('renderWebhookTemplate', () => {
  it('JSON-escapes values inside strings so they cannot break out', () => {
    expect(render('{"text": "{{title}} is {{status}}", "event": "{{event}}"}')).toEqual({
      text: `${message.title} is failed`,
      event: 'run.finished',
    });
    expect(render('{"t": "{{ text }}"}')).toEqual({ t: message.text });
  });

  it('inserts JSON values outside strings, null when missing', () => {
    expect(render('{"size": {{data.bytes}}, "ok": {{data.ok}}, "c": {{data.nested}}, "m": {{data.missing}}}')).toEqual({
      size: 1048576,
      ok: false,
      c: { customer: 'Acme' },
      m: null,
    });
    expect(render('{{data}}')).toEqual(message.data);
    expect(render('[{{data.tags}}, {{title}}]')).toEqual([['a', 'b'], message.title]);
  });

  it('renders non-strings inside strings as text and missing values as empty', () => {
    expect(
      render('{"a": "{{data.bytes}} B", "b": "{{data.nested}}", "c": "<{{data.nope}}>", "d": "{{data.none}}"}'),
    ).toEqual({
      a: '1048576 B',
      b: '{"customer":"Acme"}',
      c: '<>',
      d: '',
    });
    expect(render('{"deep": "{{data.nested.customer}}", "idx": "{{data.tags.1}}"}')).toEqual({
      deep: 'Acme',
      idx: 'b',
    });
  });

  it('tracks escaped quotes when deciding whether a placeholder sits inside a string', () => {
    expect(render('{"a": "say \\"{{data.job}}\\"", "b": {{data.bytes}}}')).toEqual({
      a: 'say "nightly-db"',
      b: 1048576,
    });
  });
});

describe('validateWebhookTemplate', () => {
  it('accepts valid templates whatever the values will be', () => {
    expect(() => validateWebhookTemplate('{"text": "{{title}}", "n": {{data.anything}}}')).not.toThrow();
  });

  it('rejects templates that do not render to JSON, naming the template', () => {
    for (const bad of ['{"text": {{title}', '{"a": 1,}', 'not json', '{"a": "{{title}}"']) {
      expect(() => validateWebhookTemplate(bad), bad).toThrow(ValidationError);
      expect(() => validateWebhookTemplate(bad), bad).toThrow(/webhook template/);
    }
  });

  it('rejects unknown and malformed placeholders', () => {
    expect(() => validateWebhookTemplate('{"a": "{{password}}"}')).toThrow(/unknown placeholder \{\{password\}\}/);
    expect(() => validateWebhookTemplate('{"a": "{{title.x}}"}')).toThrow(/unknown placeholder/);
    expect(() => validateWebhookTemplate('{"a": "{{ }}"}')).toThrow(/malformed placeholder at character 8/);
    expect(() => validateWebhookTemplate('{"a": "{{data..x}}"}')).toThrow(ValidationError);
  });
});
