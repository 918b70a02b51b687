import type { ReportParser } from '../../../core/mail-report.js';
import { hbsParser } from './hbs.parser.js';

/** Tried in this order by the registry. */
export const parsers: ReportParser[] = [hbsParser];
