import type { ReportParser } from '../../../core/mail-report.js';
import { veeamAgentLinuxParser, veeamAgentWindowsParser } from './veeam-agent.parser.js';
import { veeamBackupReplicationParser } from './veeam-br.parser.js';
import { veeamConfigBackupParser } from './veeam-config-backup.parser.js';

/**
 * Tried in this order. The configuration backup and the agents come before the general B&R job
 * parser; all of them must run before any generic "[Success] ..." subject parser.
 */
export const parsers: ReportParser[] = [
  veeamConfigBackupParser,
  veeamAgentWindowsParser,
  veeamAgentLinuxParser,
  veeamBackupReplicationParser,
];
