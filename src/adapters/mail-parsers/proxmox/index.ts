import type { ReportParser } from '../../../core/mail-report.js';
import { pbsParser } from './pbs.parser.js';
import { vzdumpParser } from './vzdump.parser.js';

/** Tried in this order by the registry. */
export const parsers: ReportParser[] = [vzdumpParser, pbsParser];
