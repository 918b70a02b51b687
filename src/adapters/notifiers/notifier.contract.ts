import type { TObject } from '@sinclair/typebox';

/** What happened, in a form every channel can render. */
export interface NotificationMessage {
  /** "run.finished", "run.skipped", "test", ... */
  event: string;
  /** success | warning | failed | timed_out | cancelled | missed | info */
  status: string;
  title: string;
  /** Plain-text body, a few lines. */
  text: string;
  /** Structured facts for webhooks and templates (job, customer, run id, sizes, durations...). */
  data: Record<string, unknown>;
}

/**
 * A kind of notification channel; one folder per adapter under src/adapters/notifiers/.
 * `send` throws on failure with a message that names the problem and never contains a secret.
 *
 * @example
 *   const webhook = await loadNotifierAdapter('webhook');
 *   await webhook.send({ url: 'https://example.test/hook' }, message);
 */
export interface NotifierAdapter {
  readonly kind: string;
  readonly label: string;
  readonly configSchema: TObject;
  readonly secretFields: readonly string[];
  send(config: Record<string, unknown>, message: NotificationMessage, signal?: AbortSignal): Promise<void>;
}
