import type { ReportParser } from '../../../core/mail-report.js';
import { statusTagParser } from './status-tag.parser.js';

/** Tried in this order by the registry; the registry puts this folder last. */
export const parsers: ReportParser[] = [statusTagParser];
