// @vitest-environment happy-dom
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createElement as h, type ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { MonitoredJobsDocument, User } from '../../web/src/api/types.js';
import {
  exportFileText,
  importErrorRows,
  importNote,
  MONITORED_JOBS_FILE,
  monitoredExportPath,
  monitoredImportSummary,
  parseMonitoredJobsFile,
} from '../../web/src/features/monitored/monitored-export.js';
import { MonitoredJobsTransfer } from '../../web/src/features/monitored/MonitoredJobsTransfer.js';
import { setUpComponentTests } from './dom-setup.js';

setUpComponentTests();

const DOC: MonitoredJobsDocument = {
  format: 'keepwatch-monitored-jobs/1',
  jobs: [
    {
      customer: 'Contoso Ltd',
      name: 'Daily VMs',
      feed: 'email',
      software: 'Veeam Backup & Replication',
      type: 'Backup job',
      sender: 'veeam@contoso.com',
      jobName: 'Daily VMs',
      subjectPattern: null,
      archived: false,
    },
    {
      customer: 'Fabrikam',
      name: 'Offsite rsync',
      feed: 'heartbeat',
      software: null,
      type: null,
      sender: null,
      jobName: null,
      subjectPattern: null,
      archived: false,
    },
  ],
};

describe('monitored jobs JSON export and import: logic', () => {
  it('asks for the export of every visible customer, or of the selected one', () => {
    expect(monitoredExportPath(null)).toBe('/api/monitored-jobs/export');
    expect(monitoredExportPath('7')).toBe('/api/monitored-jobs/export?customerId=7');
    expect(MONITORED_JOBS_FILE).toBe('keepwatch-monitored-jobs.json');
  });

  it('writes the export indented, and reads it back as the same document', () => {
    const text = exportFileText(DOC);
    expect(text).toContain('\n  "format": "keepwatch-monitored-jobs/1",\n');
    expect(text.endsWith('}\n')).toBe(true);
    expect(parseMonitoredJobsFile(text)).toEqual({ ok: true, doc: DOC });
    // A byte order mark (some editors add one) is not a reason to refuse the file.
    expect(parseMonitoredJobsFile(`\uFEFF${text}`).ok).toBe(true);
  });

  it('refuses a file that is not JSON, or not an export, saying so', () => {
    const notJson = parseMonitoredJobsFile('name,active\nAcme,true\n', 'customers.csv');
    expect(notJson.ok).toBe(false);
    if (!notJson.ok) {
      expect(notJson.error).toMatch(/^customers\.csv is not JSON \(.+\)\. Nothing was imported\.$/);
    }
    for (const text of [
      '[]',
      '"x"',
      'null',
      '{"jobs": []}',
      '{"format": "other/1", "jobs": []}',
      '{"format": "keepwatch-monitored-jobs/1"}',
    ]) {
      const r = parseMonitoredJobsFile(text, 'jobs.json');
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.error).toContain('jobs.json is not a monitored jobs export');
    }
    // Entries are the server's to check (it answers per index): any list passes here.
    expect(parseMonitoredJobsFile('{"format": "keepwatch-monitored-jobs/1", "jobs": [1, {}]}').ok).toBe(true);
  });

  it('sums up an import: created and unchanged, or nothing imported when any entry failed', () => {
    expect(monitoredImportSummary({ created: 2, unchanged: 1, errors: [] })).toBe('2 created, 1 unchanged');
    expect(monitoredImportSummary({ created: 0, unchanged: 0, errors: [{ index: 1, message: 'x' }] })).toBe(
      'Nothing imported: 1 job has an error',
    );
    expect(
      monitoredImportSummary({
        created: 0,
        unchanged: 0,
        errors: [
          { index: 0, message: 'x' },
          { index: 3, message: 'y' },
        ],
      }),
    ).toBe('Nothing imported: 2 jobs have errors');
  });

  it('names the job of each failed index, in file order', () => {
    const doc = { jobs: [...DOC.jobs, 42, { name: '  ' }] };
    const rows = importErrorRows(
      {
        created: 0,
        unchanged: 0,
        errors: [
          { index: 3, message: 'job name is required' },
          { index: 1, message: "customer 'Fabrikam' not found" },
          { index: 2, message: 'must be an object' },
          { index: 9, message: 'beyond the document' },
        ],
      },
      doc,
    );
    expect(rows).toEqual([
      { index: 1, entry: 'jobs[1]', job: 'Fabrikam / Offsite rsync', message: "customer 'Fabrikam' not found" },
      { index: 2, entry: 'jobs[2]', job: null, message: 'must be an object' },
      { index: 3, entry: 'jobs[3]', job: null, message: 'job name is required' },
      { index: 9, entry: 'jobs[9]', job: null, message: 'beyond the document' },
    ]);
  });

  it('adds a note when there is something to know', () => {
    expect(importNote({ created: 0, unchanged: 2, errors: [] }, DOC)).toBe(
      'Every job in the file already exists with the same settings.',
    );
    expect(importNote({ created: 1, unchanged: 1, errors: [] }, DOC)).toMatch(/heartbeat jobs get new ping URLs/);
    expect(importNote({ created: 1, unchanged: 0, errors: [] }, { jobs: [DOC.jobs[0]] })).toBeNull();
    expect(importNote({ created: 0, unchanged: 0, errors: [] }, { jobs: [] })).toBe('The file lists no jobs.');
    expect(importNote({ created: 0, unchanged: 0, errors: [{ index: 0, message: 'x' }] }, DOC)).toBeNull();
  });
});

describe('MonitoredJobsTransfer', () => {
  const admin: User = { id: 1, username: 'admin', role: 'admin', allCustomers: true, customerIds: [] } as User;
  const viewer: User = { ...admin, role: 'viewer' } as User;
  const wrap = (child: ReactNode) =>
    h(
      QueryClientProvider,
      { client: new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } }) },
      h(MantineProvider, { env: 'test' }, child),
    );
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const pick = (name: string, text: string) =>
    fireEvent.change(screen.getByLabelText('Choose a JSON file of monitored jobs'), {
      target: { files: [new File([text], name, { type: 'application/json' })] },
    });

  it('shows a clear error for a file that is not JSON and sends nothing', async () => {
    const fetch = vi.fn(async () => json({}));
    vi.stubGlobal('fetch', fetch);
    render(wrap(h(MonitoredJobsTransfer, { customerId: null, user: admin })));
    pick('notes.txt', 'these are not the jobs you are looking for');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Import failed');
    expect(alert.textContent).toMatch(/notes\.txt is not JSON .*Nothing was imported\./);
    expect(fetch).not.toHaveBeenCalled();
  });

  it('posts the parsed document and shows created and unchanged', async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => json({ created: 1, unchanged: 1, errors: [] }));
    vi.stubGlobal('fetch', fetch);
    render(wrap(h(MonitoredJobsTransfer, { customerId: null, user: admin })));
    pick(MONITORED_JOBS_FILE, exportFileText(DOC));
    await screen.findByText('JSON import: 1 created, 1 unchanged');
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/monitored-jobs/import');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual(DOC);
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss import results' }));
    await waitFor(() => expect(screen.queryByText(/JSON import:/)).toBeNull());
  });

  it('lists the errors per index when the server refuses entries (nothing imported)', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        json({ created: 0, unchanged: 0, errors: [{ index: 1, message: "customer 'Fabrikam' not found" }] }),
      ),
    );
    render(wrap(h(MonitoredJobsTransfer, { customerId: null, user: admin })));
    pick('jobs.json', JSON.stringify(DOC));
    await screen.findByText('JSON import: Nothing imported: 1 job has an error');
    const table = screen.getByRole('table', { name: 'Import errors' });
    const cells = within(table)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(cells).toEqual(['jobs[1]', 'Fabrikam / Offsite rsync', "customer 'Fabrikam' not found"]);
  });

  it('shows the server refusing the document (e.g. a validation error) as the import failure', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json({ error: { code: 'validation_failed', message: 'body/jobs/0 must be object' } }, 400)),
    );
    render(wrap(h(MonitoredJobsTransfer, { customerId: null, user: admin })));
    pick('jobs.json', '{"format": "keepwatch-monitored-jobs/1", "jobs": [1]}');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('body/jobs/0 must be object');
  });

  it('exports the selected customer as keepwatch-monitored-jobs.json; read-only users cannot import', async () => {
    const fetch = vi.fn(async (_url: string) => json(DOC));
    vi.stubGlobal('fetch', fetch);
    // The download: a blob URL clicked as a link with a file name.
    const blobs: Blob[] = [];
    const names: string[] = [];
    const created = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return 'blob:test';
    });
    const revoked = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    render(wrap(h(MonitoredJobsTransfer, { customerId: '3', user: viewer })));
    expect(screen.queryByRole('button', { name: 'Import JSON' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Export JSON' }));
    await waitFor(() => expect(names).toEqual(['keepwatch-monitored-jobs.json']));
    expect(fetch.mock.calls[0]![0]).toBe('/api/monitored-jobs/export?customerId=3');
    expect(JSON.parse(await blobs[0]!.text())).toEqual(DOC);
    for (const spy of [created, revoked, click]) spy.mockRestore();
  });
});
