import { describe, expect, it } from 'vitest';
import { loadNotifierAdapter, notifierKinds } from '../../src/adapters/notifiers/registry.js';
import { ValidationError } from '../../src/core/errors.js';

describe('notifier registry', () => {
  it('lists kinds and rejects an unknown one by naming the known ones', async () => {
    expect(notifierKinds()).toEqual(['smtp', 'webhook']);
    expect((await loadNotifierAdapter('smtp')).kind).toBe('smtp');
    await expect(loadNotifierAdapter('pager')).rejects.toThrow(
      'unknown notification channel kind "pager" (known: smtp, webhook)',
    );
    await expect(loadNotifierAdapter('__proto__')).rejects.toBeInstanceOf(ValidationError);
  });
});
