import type { ReportParser } from '../../../core/mail-report.js';
import { activeBackupParser } from './active-backup.parser.js';
import { hyperBackupParser } from './hyper-backup.parser.js';

/**
 * Tried in this order: both read the same DSM task sentence, Active Backup for Business is told
 * apart by its name in the mail (and Hyper Backup refuses mails that carry it).
 */
export const parsers: ReportParser[] = [activeBackupParser, hyperBackupParser];
