import type { ReportParser } from '../../../core/mail-report.js';
import { nakivoParser } from './nakivo.parser.js';

/** Tried in this order by the registry. */
export const parsers: ReportParser[] = [nakivoParser];
