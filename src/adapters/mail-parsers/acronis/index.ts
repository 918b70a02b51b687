import type { ReportParser } from '../../../core/mail-report.js';
import { acronisParser } from './acronis.parser.js';

/** Tried in this order by the registry. */
export const parsers: ReportParser[] = [acronisParser];
