import type { SecretBox } from '../crypto/secret-box.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { EncryptionProfileService } from '../services/encryption-profile.service.js';
import type { HeartbeatService } from '../services/heartbeat.service.js';
import type { MailImporterService } from '../services/mail-importer.service.js';
import type { MailService } from '../services/mail.service.js';
import type { ResourceService } from '../services/resource.service.js';
import type { RunEvents } from '../services/run-events.js';
import type { SettingsService } from '../services/settings.service.js';
import type { Metrics } from './metrics.js';
import type { Notifier } from './notifier.js';

/** What the scheduler, dispatcher and runner share; built once by the composition root. */
export interface EngineDeps {
  repos: Repositories;
  box: SecretBox;
  clock: () => number;
  events: RunEvents;
  dataDir: string;
  /** This process's id in the `nodes` table; runs it claims carry it. */
  nodeId: string;
  sources: ResourceService;
  destinations: ResourceService;
  profiles: EncryptionProfileService;
  settings: SettingsService;
  notifier: Notifier;
  metrics: Metrics;
  log: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
  /** Report e-mail ingest, used by the mail_import system job. */
  mail: MailService;
  /** Mailbox settings (secrets decrypted) for the mail_import system job. */
  mailImporters: MailImporterService;
  /** Heartbeat jobs: the recovery sweep fails open heartbeat runs past their job's limit. */
  heartbeats?: Pick<HeartbeatService, 'expireOverdue'>;
}
