import type { Kysely } from 'kysely';
import type { Db } from '../database.js';
import type { Database } from '../schema.js';
import { BackupRepository } from './backup.repository.js';
import { CustomerRepository } from './customer.repository.js';
import { EncryptionProfileRepository } from './encryption-profile.repository.js';
import { HeartbeatRepository } from './heartbeat.repository.js';
import { JobRepository } from './job.repository.js';
import { MailImporterRepository } from './mail-importer.repository.js';
import { MailRepository } from './mail.repository.js';
import { LearnedScheduleRepository } from './learned-schedule.repository.js';
import { OverrideRepository } from './override.repository.js';
import { RemarkRepository } from './remark.repository.js';
import { ReviewRepository } from './review.repository.js';
import { TicketRepository } from './ticket.repository.js';
import { ResourceRepository } from './resource.repository.js';
import { RunRepository } from './run.repository.js';
import { AuditRepository, NodeRepository, SettingsRepository } from './settings.repository.js';
import { UserRepository } from './user.repository.js';

export interface Repositories {
  db: Db;
  customers: CustomerRepository;
  users: UserRepository;
  sources: ResourceRepository;
  destinations: ResourceRepository;
  channels: ResourceRepository;
  profiles: EncryptionProfileRepository;
  jobs: JobRepository;
  runs: RunRepository;
  backups: BackupRepository;
  settings: SettingsRepository;
  audit: AuditRepository;
  nodes: NodeRepository;
  mail: MailRepository;
  overrides: OverrideRepository;
  review: ReviewRepository;
  remarks: RemarkRepository;
  tickets: TicketRepository;
  learnedSchedules: LearnedScheduleRepository;
  mailImporters: MailImporterRepository;
  heartbeats: HeartbeatRepository;
  /**
   * Runs `fn` with the same repositories bound to one transaction. On SQLite there is a single
   * connection, so queries issued outside the transaction object while it is open would wait
   * for it forever: inside `fn`, use only `tx`.
   */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
}

export function createRepositories(db: Db, k: Kysely<Database> = db.kysely): Repositories {
  return {
    db,
    customers: new CustomerRepository(k),
    users: new UserRepository(k),
    sources: new ResourceRepository(k, 'sources'),
    destinations: new ResourceRepository(k, 'destinations'),
    channels: new ResourceRepository(k, 'notification_channels'),
    profiles: new EncryptionProfileRepository(k),
    jobs: new JobRepository(k),
    runs: new RunRepository(k),
    backups: new BackupRepository(k),
    settings: new SettingsRepository(k),
    audit: new AuditRepository(k),
    nodes: new NodeRepository(k),
    mail: new MailRepository(k),
    overrides: new OverrideRepository(k),
    review: new ReviewRepository(k),
    remarks: new RemarkRepository(k),
    tickets: new TicketRepository(k),
    learnedSchedules: new LearnedScheduleRepository(k),
    mailImporters: new MailImporterRepository(k),
    heartbeats: new HeartbeatRepository(k),
    transaction: (fn) => k.transaction().execute((trx) => fn(createRepositories(db, trx))),
  };
}
