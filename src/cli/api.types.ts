/**
 * The API's response shapes as the CLI reads them (docs/api-contract.md). The answers the web UI
 * reads too are declared once in core/api-types.ts (pure types, no server module); the ones only
 * the CLI reads stay here.
 */
export type * from '../core/api-types.js';
export type { MailImportResult as ImportResult } from '../core/api-types.js';

export interface Ref {
  id: number;
  name: string;
  kind?: string;
}

export interface Progress {
  step: string | null;
  bytesRead: number | null;
  bytesWritten: number | null;
  rate: number | null;
  elapsedMs: number | null;
}

export interface ConfigChange {
  kind: string;
  name: string;
  action: string;
}
