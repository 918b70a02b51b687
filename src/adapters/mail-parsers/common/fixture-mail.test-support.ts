import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { MailInput, ParsedReport, ReportParser } from '../../../core/mail-report.js';
import { decodeMail } from '../decode.js';

/**
 * Test helpers for the report parsers' fixture mails: decodes an .eml with the mail service's own
 * decoder (decodeMail) so the parser tests exercise real MIME, lists the fixtures of every product
 * folder for the cross-checks, and declares the tests every folder runs on them. Only tests import
 * this file; the build leaves `*.test-support.ts` out (tsconfig.build.json).
 */

export const PARSER_FOLDERS = ['veeam', 'acronis', 'windows-server-backup', 'synology', 'nakivo'] as const;
export type ParserFolder = (typeof PARSER_FOLDERS)[number];

const MAIL_PARSERS_DIR = fileURLToPath(new URL('..', import.meta.url));

export function fixtureDir(folder: ParserFolder): string {
  return join(MAIL_PARSERS_DIR, folder, 'fixtures');
}

/** Absolute paths of a folder's fixture mails, sorted. */
export function fixtureFiles(folder: ParserFolder): string[] {
  return readdirSync(fixtureDir(folder))
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => join(fixtureDir(folder), f));
}

/** Reads and decodes a fixture by folder and file name. */
export function loadFixture(folder: ParserFolder, file: string): Promise<MailInput> {
  return loadMailFile(join(fixtureDir(folder), file));
}

/** Reads and decodes a message file (an absolute path). */
export function loadMailFile(path: string): Promise<MailInput> {
  return decodeMail(readFileSync(path));
}

/**
 * Fixture mails of every other parser folder — ours and the other products' (generic, proxmox...)
 * — as [label, absolute path], for checking that a folder's parsers claim none of them.
 */
export function foreignFixtures(own: ParserFolder): [string, string][] {
  const out: [string, string][] = [];
  for (const entry of readdirSync(MAIL_PARSERS_DIR, { withFileTypes: true })) {
    const dir = join(MAIL_PARSERS_DIR, entry.name, 'fixtures');
    if (!entry.isDirectory() || entry.name === own || !existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.eml'))) {
      out.push([`${entry.name}/${file}`, join(dir, file)]);
    }
  }
  return out.sort(([a], [b]) => a.localeCompare(b));
}

/** UTC epoch ms from "2024-01-15 22:00:12" (the reading every parser applies to zone-less times). */
export function utc(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

/**
 * What a fixture must parse to; times as zone-less "YYYY-MM-DD HH:MM:SS" read as UTC (or null),
 * and `details` as a subset of what the parser reports.
 */
export interface ExpectedReport extends Omit<ParsedReport, 'startedAt' | 'endedAt'> {
  startedAt: string | null;
  endedAt: string | null;
}

/** The expected times in epoch ms, for comparing with a ParsedReport. */
export function expectedTimes(want: ExpectedReport): { startedAt: number | null; endedAt: number | null } {
  return {
    startedAt: want.startedAt === null ? null : utc(want.startedAt),
    endedAt: want.endedAt === null ? null : utc(want.endedAt),
  };
}

/** A MailInput with empty fields, for hand-made test mails. */
export function blankMail(over: Partial<MailInput> = {}): MailInput {
  return {
    from: 'robot@example.com',
    fromName: '',
    to: 'ops@example.com',
    subject: '',
    text: '',
    html: null,
    date: null,
    headers: {},
    attachments: [],
    ...over,
  };
}

/**
 * The tests every product folder runs on its fixtures: each fixture has expectations, and each
 * fixture is claimed by exactly the expected parser of the folder and parses to what is expected.
 */
export function describeFixtures(
  title: string,
  folder: ParserFolder,
  parsers: readonly ReportParser[],
  cases: Readonly<Record<string, ExpectedReport>>,
): void {
  describe(title, () => {
    it('every fixture has expectations', () => {
      expect(fixtureFiles(folder).map((f) => basename(f))).toEqual(Object.keys(cases).sort());
    });

    for (const [file, want] of Object.entries(cases)) {
      it(`${file} → ${want.parser}`, async () => {
        const mail = await loadFixture(folder, file);
        expect(parsers.filter((p) => p.matches(mail)).map((p) => p.name)).toEqual([want.parser]);
        const parser = parsers.find((p) => p.name === want.parser)!;
        const report = parser.parse(mail);
        expect(report.software).toBe(want.software);
        expect(report.type).toBe(want.type);
        expect(report.jobName).toBe(want.jobName);
        expect(report.status).toBe(want.status);
        expect(report.objects).toEqual(want.objects);
        expect({ startedAt: report.startedAt, endedAt: report.endedAt }).toEqual(expectedTimes(want));
        expect(report.details).toMatchObject(want.details ?? {});
        expect(report.message ?? null).toBe(want.message ?? null);
        // What the Parsers page shows must agree with what the parser reports.
        if (report.type !== null) expect(parser.types).toContain(report.type);
        expect(parser.software).toBe(report.software);
      });
    }
  });
}

/** One test per fixture of the other folders: none of this folder's parsers may claim it. */
export function itIgnoresForeignFixtures(folder: ParserFolder, parsers: readonly ReportParser[]): void {
  it.each(foreignFixtures(folder))('%s', async (_label, path) => {
    const mail = await loadMailFile(path);
    expect(parsers.filter((p) => p.matches(mail)).map((p) => p.name)).toEqual([]);
  });
}
