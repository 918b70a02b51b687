import { ValidationError } from '../../core/errors.js';
import type { NotifierAdapter } from './notifier.contract.js';

/**
 * Kind name → lazy loader. Lazy so that starting the server (or a CLI command) does not load
 * nodemailer and friends until a channel of that kind is actually used. Adding a channel kind is
 * one line here plus its folder.
 */
const loaders: Readonly<Record<string, () => Promise<NotifierAdapter>>> = {
  smtp: async () => (await import('./smtp/smtp.notifier.js')).smtpNotifier,
  webhook: async () => (await import('./webhook/webhook.notifier.js')).webhookNotifier,
};

export function notifierKinds(): string[] {
  return Object.keys(loaders).sort();
}

export async function loadNotifierAdapter(kind: string): Promise<NotifierAdapter> {
  // Object.hasOwn keeps "constructor", "__proto__" and friends from looking like kinds.
  const load = Object.hasOwn(loaders, kind) ? loaders[kind] : undefined;
  if (!load) {
    throw new ValidationError(`unknown notification channel kind "${kind}" (known: ${notifierKinds().join(', ')})`);
  }
  return load();
}
