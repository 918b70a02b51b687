import type { NotificationMessage, NotifierAdapter } from '../notifier.contract.js';
import { parseWebhookConfig, webhookConfigSchema, webhookSecretFields } from './webhook.config.js';
import { renderWebhookTemplate } from './webhook.template.js';

/**
 * Error texts name the origin only: webhook URLs often carry a token in their path or query
 * (chat services' incoming hooks), and these messages end up in logs and the UI.
 */
async function send(
  rawConfig: Record<string, unknown>,
  message: NotificationMessage,
  signal?: AbortSignal,
): Promise<void> {
  const config = parseWebhookConfig(rawConfig);
  const origin = new URL(config.url).origin;
  const body =
    config.template === undefined ? JSON.stringify(message) : renderWebhookTemplate(config.template, message);
  const timeout = AbortSignal.timeout(config.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;

  let response: Response;
  try {
    response = await fetch(config.url, {
      method: config.method,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Keepwatch',
        ...config.headers,
      },
      body,
      // A redirect would re-send custom auth headers to wherever it points; report it instead.
      redirect: 'manual',
      signal: combined,
    });
  } catch (err) {
    if (timeout.aborted) {
      throw new Error(`webhook ${origin} did not answer within ${config.timeoutMs} ms`);
    }
    if (signal?.aborted) throw new Error(`webhook ${origin}: sending was aborted`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`webhook ${origin} cannot be reached: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  // The body is not used, but must be drained or cancelled so the connection is released.
  await response.body?.cancel().catch(() => undefined);
  if (response.status < 200 || response.status > 299) {
    throw new Error(`webhook answered ${response.status} ${response.statusText}`.trimEnd());
  }
}

/**
 * Generic webhook channel: POST/PUT a JSON body (the message, or a rendered template).
 * Retries are the notification service's job, not this adapter's.
 *
 * @example
 *   await webhookNotifier.send({ url: 'https://example.test/hook', headers: { Authorization: 'Bearer …' },
 *     template: '{"text": "{{title}}: {{status}}"}' }, message);
 */
export const webhookNotifier: NotifierAdapter = {
  kind: 'webhook',
  label: 'Webhook',
  configSchema: webhookConfigSchema,
  secretFields: webhookSecretFields,
  send,
};
