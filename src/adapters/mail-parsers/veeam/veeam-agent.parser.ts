import type { MailInput, ReportParser } from '../../../core/mail-report.js';
import { buildJobReport } from './veeam-job-report.js';
import { JOB_HEADER_HTML, readVeeamLayout, VBR_MARKER } from './veeam-layout.js';

/**
 * Standalone Veeam Agent for Microsoft Windows / Linux session mails (Linux agents usually send
 * them through the vee-mail script, which copies the Windows agent's layout). Same layout as a
 * B&R job mail ("Agent Backup job: Backup Job SRV01", then one row per computer), but the header
 * and footer name the agent instead of Backup & Replication. Agents managed by a B&R server
 * report through the server and are read by the veeam-br parser. One parser per agent so each
 * names a single software.
 */
function agentParser(name: string, software: string): ReportParser {
  const marker = new RegExp(software.replace(/ /g, '\\s+'), 'i');
  return {
    name,
    software,
    types: ['Agent Backup Job'],
    criteria: `HTML body names "${software}" (and not Backup & Replication) and has a job header cell ("Agent Backup job: <name>")`,
    matches(mail: MailInput): boolean {
      const html = mail.html;
      return !!html && marker.test(html) && !VBR_MARKER.test(html) && JOB_HEADER_HTML.test(html);
    },
    parse(mail: MailInput) {
      return buildJobReport(mail, readVeeamLayout(mail), {
        software,
        type: 'Agent Backup Job',
        objectType: 'Computer',
      });
    },
  };
}

export const veeamAgentWindowsParser = agentParser('veeam-agent-windows', 'Veeam Agent for Microsoft Windows');
export const veeamAgentLinuxParser = agentParser('veeam-agent-linux', 'Veeam Agent for Linux');
