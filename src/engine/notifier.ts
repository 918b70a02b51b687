import type { NotifyCondition } from '../core/domain.js';
import { loadNotifierAdapter } from '../adapters/notifiers/registry.js';
import type { NotificationMessage } from '../adapters/notifiers/notifier.contract.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { ResourceService } from '../services/resource.service.js';

const RETRY_DELAYS_MS = [1000, 5000, 20000];

/** Whether a channel subscribed with `condition` hears about a run that ended in `status`. */
export function conditionMatches(condition: NotifyCondition, status: string, event: string): boolean {
  switch (condition) {
    case 'always':
      return true;
    case 'success':
      return status === 'success';
    case 'failure':
      return ['failed', 'timed_out', 'missed'].includes(status) || event === 'run.skipped';
    case 'warning':
      return status === 'warning';
    case 'missed':
      return status === 'missed';
    case 'changed':
      return event === 'run.changed';
  }
}

/**
 * Sends a job's notifications for an event, with retries and backoff. Delivery never changes
 * the run's outcome; each attempt's result is reported through `log` (the run log).
 */
export class Notifier {
  constructor(
    private readonly repos: Repositories,
    private readonly channels: ResourceService,
    private readonly retryDelays: readonly number[] = RETRY_DELAYS_MS,
  ) {}

  async notifyJob(
    jobId: number,
    message: NotificationMessage,
    log: (level: 'info' | 'warn' | 'error', m: string) => void,
  ): Promise<void> {
    const subs = await this.repos.jobs.notifications(jobId);
    const due = new Map<number, true>();
    for (const s of subs)
      if (conditionMatches(s.condition as NotifyCondition, message.status, message.event)) due.set(s.channel_id, true);
    await Promise.all([...due.keys()].map((channelId) => this.deliver(channelId, message, log)));
  }

  async deliver(
    channelId: number,
    message: NotificationMessage,
    log: (level: 'info' | 'warn' | 'error', m: string) => void,
  ): Promise<boolean> {
    let name = `channel ${channelId}`;
    try {
      const { row, config } = await this.channels.resolvedConfig(channelId);
      name = `'${row.name}' (${row.kind})`;
      const adapter = await loadNotifierAdapter(row.kind);
      for (let attempt = 0; ; attempt++) {
        try {
          await adapter.send(config, message);
          log('info', `notification sent to ${name}`);
          return true;
        } catch (err) {
          const delay = this.retryDelays[attempt];
          if (delay === undefined) throw err;
          log(
            'warn',
            `notification to ${name} failed (attempt ${attempt + 1}): ${(err as Error).message}; retrying in ${delay / 1000}s`,
          );
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    } catch (err) {
      log('error', `notification to ${name} failed permanently: ${(err as Error).message}`);
      return false;
    }
  }
}
