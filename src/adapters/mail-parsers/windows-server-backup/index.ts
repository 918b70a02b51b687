import type { ReportParser } from '../../../core/mail-report.js';
import { wsbEventParser } from './wsb-event.parser.js';
import { wsbReportParser } from './wsb-report.parser.js';

/** Tried in this order by the registry (the two formats never overlap). */
export const parsers: ReportParser[] = [wsbReportParser, wsbEventParser];
