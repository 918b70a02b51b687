import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestResult } from '../../src/services/mail.service.js';
import { plainMail, proxmoxMail, veeamMail } from '../helpers/report-mails.js';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';

const SEEDS = [
  veeamMail({ jobName: 'Property Job', status: 'warning' }),
  veeamMail({ jobName: 'Prop Copy', kind: 'Backup Copy', status: 'failed' }),
  proxmoxMail({ host: 'pve-prop.example.com', status: 'failed' }),
  plainMail('Property note'),
];

type Edit = { at: number; op: 'insert' | 'replace' | 'delete' | 'truncate'; bytes: Uint8Array };

/** A realistic message damaged the way transports and bad exporters damage mail. */
function mutate(seed: Buffer, edits: Edit[]): Buffer {
  let b = Buffer.from(seed);
  for (const e of edits) {
    const at = b.length ? e.at % b.length : 0;
    const bytes = Buffer.from(e.bytes);
    if (e.op === 'insert') b = Buffer.concat([b.subarray(0, at), bytes, b.subarray(at)]);
    else if (e.op === 'replace') b = Buffer.concat([b.subarray(0, at), bytes, b.subarray(at + bytes.length)]);
    else if (e.op === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + bytes.length + 1)]);
    else b = b.subarray(0, at);
  }
  return b;
}

const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('insert', 'replace', 'delete', 'truncate'),
  bytes: fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    // Bytes that mean something to MIME and to the databases: NUL, CR/LF, boundaries, encodings.
    fc
      .constantFrom(
        '\u0000',
        '\r\n\r\n',
        '--',
        '=?utf-8?B?',
        '=\r\n',
        'Content-Type: multipart/mixed; boundary=x\r\n',
        '\uD800',
        '<script>',
        "'; drop table runs; --",
      )
      .map((s) => new Uint8Array(Buffer.from(s))),
  ),
});

const input: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
  // Intact messages: re-deliveries (duplicates) and new reports of the approved job (linked).
  fc.constantFrom(...SEEDS),
  fc
    .tuple(fc.uuid(), fc.constantFrom('success', 'warning', 'failed') as fc.Arbitrary<'success' | 'warning' | 'failed'>)
    .map(([id, status]) => veeamMail({ jobName: 'Property Job', status, messageId: id })),
  fc.tuple(fc.constantFrom(...SEEDS), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([s, e]) => mutate(s, e)),
);

/**
 * Whatever arrives (random bytes, damaged real reports), ingest never throws and either stores
 * the message — parsed, or unparsed with the reason — or rejects it with a reason. The only
 * rejection expected below the size limit is an empty input; anything else means a database
 * refused something (NUL in text, an oversized index entry...).
 */
describe.each(DIALECTS)('mail ingest property (%s)', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(dialect);
    // One approved job, so some mutants still match and become runs.
    const first = await t.app.services.mail.ingest(SEEDS[0]!, { importSource: 'upload' });
    const customer = (await t.call('GET', '/api/customers')).body.items[0].id;
    const r = await t.call('POST', `/api/inbox/${first.mailId}/approve`, { customerId: customer });
    expect(r.status).toBe(200);
  });
  afterAll(async () => t?.close());

  it('never throws; always stores or rejects with a reason', async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(input, async (raw) => {
        let r: IngestResult;
        try {
          r = await t.app.services.mail.ingest(raw, { importSource: 'upload' });
        } catch (err) {
          throw new Error(`ingest threw: ${(err as Error).message}`);
        }
        outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
        if (r.outcome === 'rejected') {
          expect(r.mailId).toBeNull();
          expect(r.error).toBe('the message is empty');
          expect(raw.length).toBe(0);
          return;
        }
        expect(r.mailId).toEqual(expect.any(Number));
        const row = await t.app.db.kysely
          .selectFrom('mail_messages')
          .select(['parser', 'parse_error', 'job_id', 'run_id', 'size'])
          .where('id', '=', r.mailId!)
          .executeTakeFirstOrThrow();
        if (r.outcome === 'duplicate') return;
        expect(row.size).toBe(raw.length);
        if (row.parser === null) expect(row.parse_error).toEqual(expect.stringMatching(/\S/));
        if (r.outcome === 'linked') {
          expect(row.job_id).toBe(r.jobId);
          expect(row.run_id).toBe(r.runId);
        } else {
          expect(row.job_id).toBeNull();
        }
      }),
      { numRuns: 150 },
    );
    // The generator reaches every outcome but `rejected` (which needs an empty input).
    expect(outcomes.get('inbox') ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('linked') ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('duplicate') ?? 0).toBeGreaterThan(0);
  });
});
