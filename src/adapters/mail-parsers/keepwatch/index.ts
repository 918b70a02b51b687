import type { ReportParser } from '../../../core/mail-report.js';
import { keepwatchParser } from './keepwatch.parser.js';

/** Tried in this order by the registry. */
export const parsers: ReportParser[] = [keepwatchParser];
