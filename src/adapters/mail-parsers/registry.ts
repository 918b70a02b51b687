import { REPORT_STATUSES, type MailInput, type ParsedReport, type ReportParser } from '../../core/mail-report.js';
import { decodeMail } from './decode.js';
import { parsers as acronis } from './acronis/index.js';
import { parsers as duplicati } from './duplicati/index.js';
import { parsers as generic } from './generic/index.js';
import { parsers as keepwatch } from './keepwatch/index.js';
import { parsers as nakivo } from './nakivo/index.js';
import { parsers as proxmox } from './proxmox/index.js';
import { parsers as qnap } from './qnap/index.js';
import { parsers as synology } from './synology/index.js';
import { parsers as veeam } from './veeam/index.js';
import { parsers as windowsServerBackup } from './windows-server-backup/index.js';

/**
 * Every report parser, in the order they are tried. First match wins, so specific products come
 * first and the subject-tag fallback (generic) comes last: a Veeam mail also has "[Success]" in
 * its subject and must reach the Veeam parser before the generic one sees it.
 */
const ORDERED: readonly ReportParser[] = [
  ...veeam,
  ...acronis,
  ...windowsServerBackup,
  ...synology,
  ...nakivo,
  ...proxmox,
  ...qnap,
  ...duplicati,
  ...keepwatch,
  ...generic,
];

export interface ParserInfo {
  /** 1-based position in the order parsers are tried. */
  order: number;
  name: string;
  software: string;
  types: string[];
  criteria: string;
  enabled: true;
}

export interface ParseOutcome {
  /** The report, or null when no parser matched or the matching one could not read the message. */
  report: ParsedReport | null;
  /** Name of the parser that recognised the message, or null when none did. */
  parser: string | null;
  /**
   * Why there is no report, ready to store as the message's parse error: "no parser recognised
   * this message", or "recognised by <parser> but unreadable: <reason>". Null when report is set.
   */
  error: string | null;
}

export interface RawParseOutcome extends ParseOutcome {
  /** The decoded message, or null when the bytes are not a readable e-mail (then error says why). */
  mail: MailInput | null;
}

export const NO_PARSER_MATCHED = 'no parser recognised this message';

/** The parsers in the order they are tried, for the Parsers page and `keepwatch mail parsers`. */
export function listParsers(): ParserInfo[] {
  return ORDERED.map((p, i) => ({
    order: i + 1,
    name: p.name,
    software: p.software,
    types: [...p.types],
    criteria: p.criteria,
    enabled: true,
  }));
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.trim() || 'unknown error';
}

function isNullableTime(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * Parsers are written by many hands; a result that would break the mail service (an unknown
 * status, a NaN time) is treated as the parser failing, with the reason spelled out.
 */
function checkReport(result: Omit<ParsedReport, 'parser'>): string | null {
  if (!result || typeof result !== 'object') return 'the parser returned no report';
  if (!(REPORT_STATUSES as readonly string[]).includes(result.status))
    return `invalid status '${String(result.status)}'`;
  if (typeof result.jobName !== 'string') return 'the job name is missing';
  if (typeof result.software !== 'string' || result.software === '') return 'the software name is missing';
  if (!Array.isArray(result.objects)) return 'the object list is missing';
  if (!isNullableTime(result.startedAt) || !isNullableTime(result.endedAt))
    return 'a start or end time is not a number';
  return null;
}

/**
 * Runs the first parser whose `matches` accepts the message. A `matches` that throws counts as
 * "no" (one broken parser must not hide the others); a `parse` that throws is reported as
 * "recognised by X but unreadable", because the message clearly is that product's report.
 */
export function parseReport(mail: MailInput): ParseOutcome {
  return parseWith(ORDERED, mail);
}

/** parseReport over an explicit parser list (tests, and tools that try one parser). */
export function parseWith(parsers: readonly ReportParser[], mail: MailInput): ParseOutcome {
  for (const parser of parsers) {
    let matched = false;
    try {
      matched = parser.matches(mail) === true;
    } catch {
      matched = false;
    }
    if (!matched) continue;
    try {
      const result = parser.parse(mail);
      const problem = checkReport(result);
      if (problem) return { report: null, parser: parser.name, error: unreadable(parser.name, problem) };
      return { report: { ...result, parser: parser.name }, parser: parser.name, error: null };
    } catch (err) {
      return { report: null, parser: parser.name, error: unreadable(parser.name, describe(err)) };
    }
  }
  return { report: null, parser: null, error: NO_PARSER_MATCHED };
}

function unreadable(parser: string, reason: string): string {
  return `recognised by ${parser} but unreadable: ${reason}`;
}

/**
 * Decodes and parses raw message bytes. Never throws: this is the import path's safety net, and
 * every failure (not an e-mail, a parser bug) comes back as `error`.
 */
export async function parseRaw(raw: Buffer, opts?: { maxBytes?: number }): Promise<RawParseOutcome> {
  let mail: MailInput;
  try {
    mail = await decodeMail(raw, opts);
  } catch (err) {
    return { mail: null, report: null, parser: null, error: describe(err) };
  }
  try {
    return { mail, ...parseReport(mail) };
  } catch (err) {
    // parseReport already contains parser failures; this is for the truly unexpected.
    return { mail, report: null, parser: null, error: describe(err) };
  }
}
