import type { ReportStatus } from '../../../core/mail-report.js';
import { statusFromWord } from '../common/report-values.js';

/**
 * What Synology's DSM notification mails have in common (Hyper Backup and Active Backup for
 * Business): a salutation, one sentence naming the task, the NAS and the outcome — "Backup task
 * Nightly-C2 on NAS01 has completed.", "Sicherungsaufgabe X auf NAS-BUERO ist fehlgeschlagen.",
 * "La tâche de sauvegarde X sur NAS01 a échoué." — then "Label: value" lines (or a table) and a
 * closing. The sentence is the reliable part across DSM versions and languages, so both parsers
 * start from it. Active Backup for Business also puts it in the subject after "Active Backup for
 * Business - " (Italian "attività di backup X su NAS completata", Danish "backupopgave X på NAS er
 * fuldført", as quoted in public mail-monitoring code; see synology/fixtures/SOURCES.md).
 */

export interface TaskSentence {
  task: string;
  host: string;
  status: ReportStatus;
  /** Index of the sentence's line in the text; -1 when it was read from the subject. */
  line: number;
}

const NAME = String.raw`(?:\[(?<b>.+?)\]|"(?<q>.+?)"|„(?<dq>.+?)“|«\s?(?<g>.+?)\s?»|(?<plain>.+?))`;
const SENTENCES: readonly RegExp[] = [
  new RegExp(
    String.raw`(?:data )?backup task\s+${NAME}\s+on\s+(?<host>\S+?)\s+(?<outcome>has (?:been )?(?:partially )?completed(?: successfully)?|(?:was |has been )?partially completed|completed(?: successfully)?|has failed|failed|was cancell?ed|has been cancell?ed)`,
    'iu',
  ),
  new RegExp(
    String.raw`(?:daten)?sicherungsaufgabe\s+${NAME}\s+auf\s+(?<host>\S+?)\s+(?<outcome>wurde (?:erfolgreich |teilweise )?abgeschlossen|ist fehlgeschlagen|wurde abgebrochen)`,
    'iu',
  ),
  new RegExp(
    String.raw`t[âa]che de sauvegarde\s+${NAME}\s+sur\s+(?<host>\S+?)\s+(?<outcome>s'est terminée avec succès|est terminée|a été partiellement terminée|s'est partiellement terminée|a échoué|a été annulée)`,
    'iu',
  ),
  // Italian DSM: "L’attività di backup X su NAS è stata completata." (body), "attività di backup X
  // su NAS completata" / "non riuscita" (subject).
  new RegExp(
    String.raw`attivit[àa] (?:di )?backup\s+${NAME}\s+su\s+(?<host>\S+?)\s+(?<outcome>(?:è stata |e' stata )?(?:parzialmente )?completata(?: con avvisi)?|non (?:è stata |e' stata )?completata|non (?:è )?riuscita|(?:è stata )?annullata)`,
    'iu',
  ),
  // Danish DSM: "backupopgave X på NAS er fuldført" / "er delvist gennemført" (subject).
  new RegExp(
    String.raw`backupopgave(?:n)?\s+${NAME}\s+på\s+(?<host>\S+?)\s+(?<outcome>(?:er |blev )?(?:fuldført|delvist gennemført|mislykkedes|annulleret))`,
    'iu',
  ),
];

/** Outcome words statusFromWord does not know (Italian and Danish DSM). */
function localOutcome(outcome: string): ReportStatus | null {
  if (/^non\b|mislykked|annull/iu.test(outcome)) return 'failed';
  if (/parzialmente|con avvisi|delvist/iu.test(outcome)) return 'warning';
  if (/completata|fuldført/iu.test(outcome)) return 'success';
  return null;
}

export const SYNOLOGY_MARKER = /Synology|DiskStation|RackStation|FlashStation|Hyper Backup/i;
export const ABB_MARKER = /Active Backup for Business/i;

export function findTaskSentence(text: string): TaskSentence | null {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    // The sentence is short; cutting long lines keeps the lazy name groups cheap on hostile input.
    const line = (lines[i] ?? '').slice(0, 500);
    for (const re of SENTENCES) {
      const m = re.exec(line);
      const g = m?.groups;
      if (!g) continue;
      const task = (g['b'] ?? g['q'] ?? g['dq'] ?? g['g'] ?? g['plain'] ?? '').trim();
      const status = localOutcome(g['outcome'] ?? '') ?? statusFromWord(g['outcome']);
      if (task !== '' && g['host'] && status) return { task, host: g['host'], status, line: i };
    }
  }
  return null;
}

/**
 * The task sentence of an Active Backup for Business subject ("[NAS01] Active Backup for Business -
 * Backup task X on NAS01 has completed"), for mails whose body does not repeat it in a known form.
 */
export function subjectTaskSentence(subject: string): TaskSentence | null {
  const at = subject.search(ABB_MARKER);
  if (at < 0) return null;
  const rest = subject.slice(at).replace(/^Active Backup for Business\s*[-–—:]\s*/iu, '');
  const found = findTaskSentence(rest);
  return found ? { ...found, line: -1 } : null;
}

const CLOSING =
  /^(?:sincerely|best regards|regards|mit freundlichen grüßen|freundliche grüße|cordialement|bien cordialement|cordiali saluti|da \S+$)/i;
const LABEL_LINE = /^[^:\t]{1,40}:\s/;

/**
 * The free-text explanation right after the task sentence ("Some files could not be backed
 * up..."), stopping at the first "Label: value" line, table row or closing; null when none.
 */
export function explanationAfter(text: string, sentence: TaskSentence): string | null {
  if (sentence.line < 0) return null;
  const out: string[] = [];
  for (const line of text.split('\n').slice(sentence.line + 1)) {
    if (LABEL_LINE.test(line) || line.includes('\t') || CLOSING.test(line)) break;
    out.push(line);
  }
  return out.length > 0 ? out.join(' ') : null;
}
