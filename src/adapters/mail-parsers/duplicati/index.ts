import type { ReportParser } from '../../../core/mail-report.js';
import { duplicatiParser } from './duplicati.parser.js';

/** Tried in this order by the registry. */
export const parsers: ReportParser[] = [duplicatiParser];
