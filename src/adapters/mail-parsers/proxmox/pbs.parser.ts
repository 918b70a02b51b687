import type { MailInput, ParsedReport, ReportObject, ReportParser } from '../../../core/mail-report.js';
import { parseBytes, parseDuration, upidStart } from './units.js';

/**
 * Proxmox Backup Server job notifications. The subject names the job kind and its outcome (the
 * templates in proxmox-backup's templates/default/*-subject.txt.hbs); the body is "Label: value"
 * lines plus a closing "<Kind> successful." or "<Kind> failed: <error>" sentence.
 */

interface Kind {
  type: string;
  subject: RegExp;
  /** The body sentence that carries the error text on failure. */
  failure: RegExp;
}

const KINDS: readonly Kind[] = [
  {
    type: 'Garbage Collection',
    subject: /^Garbage Collect Datastore '(?<store>.+)' (?<outcome>successful|failed)$/i,
    failure: /^Garbage collection failed:\s*(.*)$/im,
  },
  {
    type: 'Verification',
    subject: /^Verify Datastore '(?<store>.+)' (?<outcome>successful|failed)$/i,
    failure: /^(Verification failed.*?):?\s*$/im,
  },
  {
    type: 'Sync',
    subject:
      /^Sync (?:remote '(?<remote>.+)' datastore|local datastore) '(?<source>.+)' (?<outcome>successful|failed)$/i,
    failure: /^Synchronization failed:\s*(.*)$/im,
  },
  {
    type: 'Prune',
    subject: /^Pruning datastore '(?<store>.+)' (?<outcome>successful|failed)$/i,
    failure: /^Pruning failed:\s*(.*)$/im,
  },
  {
    type: 'Tape Backup',
    subject: /^Tape Backup (?:'(?<job>.+)' )?datastore '(?<store>.+)' (?<outcome>successful|failed)$/i,
    failure: /^Tape Backup failed:\s*(.*)$/im,
  },
];

function kindOf(subject: string): { kind: Kind; groups: Record<string, string | undefined> } | null {
  const s = subject.trim();
  for (const kind of KINDS) {
    const m = kind.subject.exec(s);
    if (m) return { kind, groups: { ...m.groups } };
  }
  return null;
}

/** The first "Label: value" per label, e.g. "Job ID:    v-1234" → { 'job id': 'v-1234' }. */
function fields(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z][A-Za-z -]{0,40}?):\s+(\S.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined && !map.has(m[1].toLowerCase())) map.set(m[1].toLowerCase(), m[2].trim());
  }
  return map;
}

/** The lines after a heading line, up to the next blank line (or a line matching `stop`). */
function listAfter(text: string, heading: RegExp, stop?: RegExp): string[] {
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((l) => heading.test(l));
  if (at < 0) return [];
  const items: string[] = [];
  let started = false;
  for (const line of lines.slice(at + 1)) {
    const t = line.trim();
    if (!t) {
      // Tolerate the blank line templates put right after the heading.
      if (started) break;
      continue;
    }
    if (stop?.test(t)) break;
    started = true;
    items.push(t);
  }
  return items;
}

function sizeField(value: string | undefined): number | null {
  // "12.3 GiB (45.67%)", "1.2 GiB (in 123 chunks)": the size comes first.
  return parseBytes(value?.replace(/\s*\(.*\)\s*$/, ''));
}

function numberField(value: string | undefined): number | null {
  const n = Number((value ?? '').trim());
  return value !== undefined && value.trim() !== '' && Number.isFinite(n) ? n : null;
}

function parse(mail: MailInput): Omit<ParsedReport, 'parser'> {
  const found = kindOf(mail.subject);
  if (!found) throw new Error('the subject is not a Proxmox Backup Server job notification');
  const { kind, groups } = found;
  const failed = (groups.outcome ?? '').toLowerCase() === 'failed';
  const text = mail.text;
  const f = fields(text);
  const datastore = f.get('datastore') ?? groups.store ?? groups.source ?? '';

  const details: Record<string, string | number> = {};
  const put = (key: string, value: string | number | null | undefined) => {
    if (value !== null && value !== undefined && value !== '') details[key] = value;
  };
  put('datastore', datastore);
  const taskId = f.get('task id');
  put('upid', taskId);

  let objects: ReportObject[] = [];
  let message: string | null = null;
  if (failed) message = kind.failure.exec(text)?.[1]?.trim() || null;

  switch (kind.type) {
    case 'Garbage Collection':
      put('indexFiles', numberField(f.get('index file count')));
      put('removedBytes', sizeField(f.get('removed garbage')));
      put('removedChunks', numberField(f.get('removed chunks')));
      put('pendingBytes', sizeField(f.get('pending removals')));
      put('originalBytes', sizeField(f.get('original data usage')));
      put('diskBytes', sizeField(f.get('on-disk usage')));
      put('deduplicationFactor', numberField(f.get('deduplication factor')));
      break;
    case 'Verification': {
      const broken = listAfter(text, /^Verification failed on these snapshots\/groups:?\s*$/i, /^Please visit/i);
      objects = broken.map((name) => ({
        name,
        // "vm/100/2024-03-05T01:00:00Z" is a snapshot; "vm/100" a whole group.
        type: /^[^/]+\/[^/]+\/\d{4}-/.test(name) ? 'Snapshot' : 'Group',
        status: 'failed' as const,
        message: 'verification failed',
      }));
      if (failed) message = `verification failed on ${broken.length || 'some'} snapshot(s)/group(s)`;
      break;
    }
    case 'Sync':
      put('remote', f.get('remote') ?? groups.remote);
      put('remoteStore', f.get('remote store') ?? f.get('local source store') ?? groups.source);
      break;
    case 'Tape Backup': {
      put('pool', f.get('tape pool'));
      put('drive', f.get('tape drive'));
      put('durationSeconds', parseDuration(f.get('duration')));
      const tapes = listAfter(text, /^Used Tapes:\s*$/i, /^Tape Backup /i);
      put('usedTapes', tapes.join(', '));
      const snapshots = listAfter(text, /^Snapshots included:\s*$/i, /^(Duration|Used Tapes|Tape Backup)\b/i);
      // On failure the list says what was written before the error, not what succeeded.
      objects = snapshots.map((name) => ({
        name,
        type: 'Snapshot',
        status: failed ? null : ('success' as const),
        message: null,
      }));
      break;
    }
  }

  const jobId = f.get('job id') ?? groups.job;
  return {
    software: 'Proxmox Backup Server',
    type: kind.type,
    // Garbage collection and ad-hoc runs have no job id; the datastore is what identifies them.
    jobName: jobId || datastore,
    status: failed ? 'failed' : 'success',
    objects,
    startedAt: upidStart(taskId),
    endedAt: null,
    details,
    message,
  };
}

export const pbsParser: ReportParser = {
  name: 'proxmox-backup-server',
  software: 'Proxmox Backup Server',
  types: KINDS.map((k) => k.type),
  criteria:
    'subject is a PBS job notification: "Garbage Collect Datastore \'<store>\' …", "Verify Datastore …", ' +
    '"Sync remote \'<remote>\' datastore …", "Pruning datastore …" or "Tape Backup … datastore …", ' +
    'ending in successful|failed',
  matches: (mail) => kindOf(mail.subject) !== null,
  parse,
};
