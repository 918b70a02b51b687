import type { AuthService } from '../services/auth.service.js';
import type { BackupService } from '../services/backup.service.js';
import type { ConfigService } from '../services/config.service.js';
import type { CustomerService } from '../services/customer.service.js';
import type { DashboardService } from '../services/dashboard.service.js';
import type { EncryptionProfileService } from '../services/encryption-profile.service.js';
import type { JobService } from '../services/job.service.js';
import type { ResourceService } from '../services/resource.service.js';
import type { RunEvents } from '../services/run-events.js';
import type { RunService } from '../services/run.service.js';
import type { SettingsService } from '../services/settings.service.js';
import type { AuditService } from '../services/audit.service.js';
import type { Actor } from '../services/access.js';

/** The use cases the HTTP layer may call; routes never reach the database or adapters directly. */
export interface ApiServices {
  auth: AuthService;
  customers: CustomerService;
  sources: ResourceService;
  destinations: ResourceService;
  channels: ResourceService;
  profiles: EncryptionProfileService;
  jobs: JobService;
  runs: RunService;
  dashboard: DashboardService;
  backups: BackupService;
  config: ConfigService;
  settings: SettingsService;
  audit: AuditService;
  events: RunEvents;
  /** Test-only hooks such as the source "test connection" and channel "send test". */
  testSource(actor: Actor, ref: number | string): Promise<{ ok: boolean; message: string; serverVersion?: string }>;
  testChannel(actor: Actor, ref: number | string): Promise<{ ok: boolean; message: string }>;
  health(): Promise<{ ok: boolean; checks: Record<string, string> }>;
  metrics(): Promise<{ contentType: string; body: string }>;
}
