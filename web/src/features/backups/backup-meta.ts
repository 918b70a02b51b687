import type { Backup } from '../../api/types';

/** The sidecar metadata the server stores with each backup (format keepwatch-backup-metadata/1). */
export interface BackupMetadata {
  format?: string;
  job?: { id: number; name: string };
  run?: { id: number; trigger: string };
  source?: { id: number; name: string; kind: string; database: string | null };
  createdAt?: string;
  rawSize?: number;
  size?: number;
  sha256?: string;
  rawSha256?: string;
  compression?: { algorithm: string; level?: number };
  encryption?: { algorithm: string; keyId: string; format: string } | null;
  extension?: string;
  tools?: Record<string, string | null>;
}

/** A Backup as GET /api/backups returns it: with its metadata and the dump's file extension. */
export type BackupWithMeta = Backup & { metadata?: BackupMetadata; extension?: string };

/** The engine of the source the backup was made from (restores go to a source of that kind). */
export function sourceKindOf(b: BackupWithMeta): string | null {
  return b.metadata?.source?.kind ?? null;
}

export const downloadUrl = (b: Backup, raw = false) => `/api/backups/${b.id}/download${raw ? '?raw=true' : ''}`;
