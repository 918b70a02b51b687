import { existsSync, readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MailInput, ReportParser } from '../../core/mail-report.js';
import { blankMail } from './common/fixture-mail.test-support.js';
import { decodeMail } from './decode.js';
import { parsers as duplicati } from './duplicati/index.js';
import { parsers as generic } from './generic/index.js';
import { parsers as keepwatch } from './keepwatch/index.js';
import { parsers as proxmox } from './proxmox/index.js';
import { parsers as qnap } from './qnap/index.js';
import { listParsers, NO_PARSER_MATCHED, parseRaw, parseReport, parseWith } from './registry.js';

const here = (path: string) => new URL(`./${path}`, import.meta.url);

/** Fixtures of this set of parsers, with the parser that must read each one. */
const OWN: Record<string, { folder: string; parsers: ReportParser[]; expected: Record<string, string> }> = {
  proxmox: {
    folder: 'proxmox',
    parsers: proxmox,
    expected: {
      'pve8-vzdump-success.eml': 'proxmox-vzdump',
      'pve7-vzdump-failed.eml': 'proxmox-vzdump',
      'pve8-vzdump-guest-failed.eml': 'proxmox-vzdump',
      'pbs-gc-success.eml': 'proxmox-backup-server',
      'pbs-verify-failed.eml': 'proxmox-backup-server',
      'pbs-sync-success.eml': 'proxmox-backup-server',
      'pbs-tape-backup-success.eml': 'proxmox-backup-server',
    },
  },
  qnap: {
    folder: 'qnap',
    parsers: qnap,
    expected: {
      'hbs-backup-success-en.eml': 'qnap-hbs',
      'hbs-backup-failed-de.eml': 'qnap-hbs',
      'hbs-sync-warning-fr.eml': 'qnap-hbs',
      'hbs-backup-success-it.eml': 'qnap-hbs',
    },
  },
  duplicati: {
    folder: 'duplicati',
    parsers: duplicati,
    expected: {
      'duplicati-success-en.eml': 'duplicati',
      'duplicati-warning-de.eml': 'duplicati',
      'duplicati-failed-fr.eml': 'duplicati',
    },
  },
  keepwatch: {
    folder: 'keepwatch',
    parsers: keepwatch,
    expected: {
      'run-finished-success.eml': 'keepwatch',
      'run-finished-warning.eml': 'keepwatch',
      'run-finished-timed-out.eml': 'keepwatch',
      'run-skipped.eml': 'keepwatch',
    },
  },
  generic: {
    folder: 'generic',
    parsers: generic,
    expected: {
      'tag-success-job-line.eml': 'generic-status-tag',
      'tag-failed-html-fr.eml': 'generic-status-tag',
      'prefix-success-de.eml': 'generic-status-tag',
    },
  },
};

/** Product fixtures whose subject starts with a real status tag ("[Error][Hybrid Backup Sync] …"). */
const TAGGED_SUBJECTS = new Set(['qnap/fixtures/hbs-backup-failed-de.eml', 'qnap/fixtures/hbs-sync-warning-fr.eml']);

const ownFixtures = Object.values(OWN).flatMap(({ folder, expected }) =>
  Object.entries(expected).map(([file, parser]) => ({ path: `${folder}/fixtures/${file}`, folder, parser })),
);

/** Fixtures of the other parser folders, whatever they hold today. */
const OTHER_FOLDERS = ['veeam', 'acronis', 'windows-server-backup', 'synology', 'nakivo'];
const otherFixtures = OTHER_FOLDERS.flatMap((folder) => {
  const dir = here(`${folder}/fixtures/`);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => `${folder}/fixtures/${f}`);
});

const allFixtureBytes = [...ownFixtures.map((f) => f.path), ...otherFixtures].map((p) => readFileSync(here(p)));

const blank: MailInput = blankMail({ from: '', to: '' });

const fake = (name: string, overrides: Partial<ReportParser>): ReportParser => ({
  name,
  software: 'Fake',
  types: [],
  criteria: '',
  matches: () => true,
  parse: () => ({
    software: 'Fake',
    type: null,
    jobName: 'job',
    status: 'success',
    objects: [],
    startedAt: null,
    endedAt: null,
  }),
  ...overrides,
});

describe('listParsers', () => {
  it('lists every parser once, numbered in try order, with the generic fallback last', () => {
    const list = listParsers();
    expect(list.map((p) => p.order)).toEqual(list.map((_, i) => i + 1));
    expect(new Set(list.map((p) => p.name)).size).toBe(list.length);
    expect(list.every((p) => p.enabled === true && p.criteria.length > 0 && p.software.length > 0)).toBe(true);
    const names = list.map((p) => p.name);
    const ours = [
      'proxmox-vzdump',
      'proxmox-backup-server',
      'qnap-hbs',
      'duplicati',
      'keepwatch',
      'generic-status-tag',
    ];
    expect(names.slice(-ours.length)).toEqual(ours);
    expect(list.at(-1)).toMatchObject({ name: 'generic-status-tag', software: 'Generic' });
  });
});

describe('routing of the fixtures', () => {
  it.each(ownFixtures)('$path is read by $parser', async ({ path, parser }) => {
    const outcome = await parseRaw(readFileSync(here(path)));
    expect(outcome.error).toBeNull();
    expect(outcome.parser).toBe(parser);
    expect(outcome.report?.parser).toBe(parser);
    expect(outcome.mail).not.toBeNull();
  });

  it.each(ownFixtures)('$path is claimed by no other parser of ours (generic only for a tagged subject)', async (f) => {
    const mail = await decodeMail(readFileSync(here(f.path)));
    for (const [folder, { parsers }] of Object.entries(OWN)) {
      for (const parser of parsers) {
        const claims = parser.matches(mail);
        if (parser.name === f.parser) expect(claims, parser.name).toBe(true);
        else if (folder === 'generic')
          continue; // checked below
        else expect(claims, `${parser.name} claims ${f.path}`).toBe(false);
      }
    }
    // The generic parser may also claim a subject that genuinely carries a status tag; the
    // product parser wins there because it is tried first (see the routing test above).
    const genericClaims = generic.some((p) => p.matches(mail));
    expect(genericClaims).toBe(f.folder === 'generic' || TAGGED_SUBJECTS.has(f.path));
  });

  it('none of our product parsers claims the other folders’ fixtures', async () => {
    const product = [...proxmox, ...qnap, ...duplicati, ...keepwatch];
    for (const path of otherFixtures) {
      const mail = await decodeMail(readFileSync(here(path)));
      for (const parser of product) expect(parser.matches(mail), `${parser.name} claims ${path}`).toBe(false);
    }
  });
});

describe('parseWith / parseReport', () => {
  it('says so when no parser matches', () => {
    expect(parseReport({ ...blank, subject: 'Lunch on Friday?' })).toEqual({
      report: null,
      parser: null,
      error: NO_PARSER_MATCHED,
    });
  });

  it('treats a throwing matches() as "no" and moves on', () => {
    const outcome = parseWith(
      [
        fake('broken', {
          matches: () => {
            throw new Error('boom');
          },
        }),
        fake('next', {}),
      ],
      blank,
    );
    expect(outcome.parser).toBe('next');
    expect(outcome.report).toMatchObject({ parser: 'next', jobName: 'job', status: 'success' });
    expect(outcome.error).toBeNull();
  });

  it('reports a throwing parse() as recognised but unreadable, without trying later parsers', () => {
    const outcome = parseWith(
      [
        fake('first', {
          parse: () => {
            throw new Error('no job name in the body');
          },
        }),
        fake('second', {}),
      ],
      blank,
    );
    expect(outcome).toEqual({
      report: null,
      parser: 'first',
      error: 'recognised by first but unreadable: no job name in the body',
    });
  });

  it('rejects a parser result that would break the mail service', () => {
    const bad = fake('sloppy', {
      parse: () => ({
        software: 'Fake',
        type: null,
        jobName: 'job',
        status: 'great' as never,
        objects: [],
        startedAt: null,
        endedAt: null,
      }),
    });
    expect(parseWith([bad], blank).error).toBe("recognised by sloppy but unreadable: invalid status 'great'");
    const nan = fake('nan', {
      parse: () => ({ ...fake('x', {}).parse(blank), startedAt: Number.NaN }),
    });
    expect(parseWith([nan], blank).error).toMatch(/not a number/);
  });

  it('passes a recognised-but-unreadable real message through (Keepwatch test notification)', async () => {
    const raw = Buffer.from(
      [
        'From: kw@example.com',
        'Subject: [Keepwatch] ℹ info: Test from Keepwatch: ops',
        'X-Keepwatch-Event: test',
        '',
        'Test from Keepwatch: ops',
        'Status: info',
      ].join('\r\n'),
    );
    const outcome = await parseRaw(raw);
    expect(outcome.parser).toBe('keepwatch');
    expect(outcome.report).toBeNull();
    expect(outcome.error).toMatch(/^recognised by keepwatch but unreadable: a Keepwatch test notification/);
  });
});

/** Mutations a broken mailer, a truncated download or a hostile sender could produce. */
function mutate(raw: Buffer, op: string, pos: number, bytes: Uint8Array, count: number): Buffer {
  const at = raw.length ? pos % raw.length : 0;
  switch (op) {
    case 'truncate':
      return raw.subarray(0, at);
    case 'flip': {
      const copy = Buffer.from(raw);
      for (let i = 0; i < count && copy.length; i++) copy[(at + i * 97) % copy.length] = bytes[i % bytes.length] ?? 0;
      return copy;
    }
    case 'delete-header-lines': {
      const text = raw.toString('latin1');
      const end = text.search(/\r?\n\r?\n/);
      const lines = text.slice(0, end < 0 ? text.length : end).split(/\r?\n/);
      const keep = lines.filter((_, i) => (i + at) % (count + 1) !== 0);
      return Buffer.from(keep.join('\r\n') + text.slice(end < 0 ? text.length : end), 'latin1');
    }
    case 'duplicate-boundaries': {
      const text = raw.toString('latin1');
      return Buffer.from(
        text.replace(/^(--\S+)\r?$/gm, (line) => `${line}\r\n${line}\r\n`.repeat(count)),
        'latin1',
      );
    }
    case 'insert':
      return Buffer.concat([raw.subarray(0, at), Buffer.from(bytes), raw.subarray(at)]);
    default:
      return raw;
  }
}

describe('parseRaw never throws', () => {
  const check = async (raw: Buffer) => {
    const started = performance.now();
    const outcome = await parseRaw(raw);
    // Generous: the test machine is shared; a hang or quadratic blow-up shows up as seconds.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(outcome.report === null || typeof outcome.report.jobName === 'string').toBe(true);
    expect(outcome.report !== null || outcome.error !== null).toBe(true);
    if (outcome.mail === null) expect(outcome.error).toMatch(/^message is not a readable e-mail/);
  };

  it('turns non-e-mail input into an error', async () => {
    expect(await parseRaw(Buffer.alloc(0))).toEqual({
      mail: null,
      report: null,
      parser: null,
      error: 'message is not a readable e-mail: the input is empty',
    });
    expect((await parseRaw(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).error).toMatch(/no header lines/);
    expect((await parseRaw(Buffer.from('Subject: x\r\n\r\nbody'), { maxBytes: 5 })).error).toMatch(/limit of 5/);
  });

  it('on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), (bytes) => check(Buffer.from(bytes))),
      {
        numRuns: 200,
      },
    );
  });

  it('on random text, with and without a header-like first line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.string({ unit: 'binary', maxLength: 2048 }), (withHeader, s) =>
        check(Buffer.from(`${withHeader ? 'Subject: [Failed] ' : ''}${s}`, 'utf8')),
      ),
      { numRuns: 200 },
    );
  });

  it('on mutated fixtures', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: allFixtureBytes.length - 1 }),
        fc.constantFrom('truncate', 'flip', 'delete-header-lines', 'duplicate-boundaries', 'insert'),
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.integer({ min: 1, max: 20 }),
        (index, op, pos, bytes, count) =>
          check(mutate(allFixtureBytes[index] ?? Buffer.alloc(0), op, pos, bytes, count)),
      ),
      { numRuns: 300 },
    );
  });

  it('on pathological structure: deep multipart nesting, huge headers, endless lines', async () => {
    let nested = 'Subject: deep\r\n';
    for (let i = 0; i < 500; i++) nested += `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`;
    nested += 'Content-Type: text/plain\r\n\r\n[Failed] x\r\n';
    await check(Buffer.from(nested));
    await check(Buffer.from(`Subject: many\r\n${'X-H: v\r\n'.repeat(20_000)}\r\nbody`));
    await check(Buffer.from(`Subject: [Success] long\r\n\r\n${'a'.repeat(2_000_000)}`));
    await check(Buffer.from(`Subject: html\r\nContent-Type: text/html\r\n\r\n${'<td><p>&amp;'.repeat(100_000)}`));
  });
});
