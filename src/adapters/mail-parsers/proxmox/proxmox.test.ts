import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MailInput } from '../../../core/mail-report.js';
import { blankMail } from '../common/fixture-mail.test-support.js';
import { decodeMail } from '../decode.js';
import { pbsParser } from './pbs.parser.js';
import { parseBytes, parseDuration, parseLogTime, upidStart } from './units.js';
import { vzdumpParser } from './vzdump.parser.js';

const load = (name: string) => decodeMail(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const utc = (iso: string) => Date.parse(`${iso}Z`);

describe('proxmox-vzdump', () => {
  it('reads a PVE 8 success mail: guests with type, times from the task log, totals', async () => {
    const mail = await load('pve8-vzdump-success.eml');
    expect(vzdumpParser.matches(mail)).toBe(true);
    expect(pbsParser.matches(mail)).toBe(false);
    expect(vzdumpParser.parse(mail)).toEqual({
      software: 'Proxmox VE',
      type: 'vzdump backup',
      jobName: 'pve1.example.com',
      status: 'success',
      objects: [
        { name: '100 (web01)', type: 'VM', status: 'success', message: null },
        { name: '101 (dns01)', type: 'CT', status: 'success', message: null },
      ],
      startedAt: utc('2024-03-05T01:00:02'),
      endedAt: utc('2024-03-05T01:01:28'),
      details: {
        host: 'pve1.example.com',
        guests: 2,
        totalBytes: Math.round(9.212 * 1024 ** 3),
        totalSeconds: 86,
        command:
          "vzdump 100 101 --storage pbs-main --mode snapshot --mailnotification always --notes-template '{{guestname}}' --node pve1 --quiet 1",
        storage: 'pbs-main',
      },
      message: null,
    });
  });

  it('reads a PVE 7 failure mail: the failed guest, its error, and a guest with warnings', async () => {
    const mail = await load('pve7-vzdump-failed.eml');
    expect(vzdumpParser.matches(mail)).toBe(true);
    const report = vzdumpParser.parse(mail);
    const error =
      "unable to create temporary directory '/mnt/pve/nfs-backup/dump/vzdump-lxc-201-2023_06_12-22_04_33.tmp' at /usr/share/perl5/PVE/VZDump.pm line 930.";
    expect(report).toMatchObject({
      software: 'Proxmox VE',
      type: 'vzdump backup',
      jobName: 'pve2.example.com',
      status: 'failed',
      startedAt: utc('2023-06-12T22:00:02'),
      endedAt: utc('2023-06-12T22:06:46'),
      message: error,
    });
    expect(report.objects).toEqual([
      { name: '200 (mail01)', type: 'VM', status: 'success', message: null },
      { name: '201 (files01)', type: 'CT', status: 'failed', message: error },
      { name: '202 (gitlab)', type: 'VM', status: 'warning', message: null },
    ]);
    expect(report.details).toMatchObject({
      guests: 3,
      failedGuests: 1,
      totalBytes: Math.round(12.31 * 1024 ** 3) + Math.round(6.02 * 1024 ** 3),
      totalSeconds: 271 + 3 + 130,
      storage: 'nfs-backup',
    });
  });

  it('reads a PVE 8 failure mail sent as base64 plain text', async () => {
    const mail = await load('pve8-vzdump-guest-failed.eml');
    const report = vzdumpParser.parse(mail);
    expect(report).toMatchObject({
      jobName: 'pve3.example.org',
      status: 'failed',
      startedAt: utc('2024-11-02T03:00:02'),
      endedAt: utc('2024-11-02T03:02:36'),
      message: "VM 105 qmp command 'backup' failed - got timeout",
    });
    expect(report.objects).toEqual([
      { name: '105 (db01)', type: 'VM', status: 'failed', message: "VM 105 qmp command 'backup' failed - got timeout" },
      { name: '106 (app01)', type: 'VM', status: 'success', message: null },
    ]);
    expect(report.details).toMatchObject({ guests: 2, failedGuests: 1, totalSeconds: 154, storage: 'pbs-offsite' });
  });

  it('takes a job-level error from the subject when there is no guest table', () => {
    const mail: MailInput = {
      ...blank,
      subject:
        "vzdump backup status (pve4.example.com): backup failed: could not activate storage 'pbs-offsite': no route to host",
      text: '',
    };
    expect(vzdumpParser.parse(mail)).toMatchObject({
      jobName: 'pve4.example.com',
      status: 'failed',
      objects: [],
      startedAt: null,
      endedAt: null,
      message: "could not activate storage 'pbs-offsite': no route to host",
    });
  });

  it('refuses a success mail without the guest table', () => {
    const mail: MailInput = { ...blank, subject: 'vzdump backup status (pve1): backup successful', text: 'hello' };
    expect(() => vzdumpParser.parse(mail)).toThrow(/guest table/);
  });
});

describe('proxmox-backup-server', () => {
  it('reads a garbage collection report: sizes, dedup factor, start time from the UPID', async () => {
    const mail = await load('pbs-gc-success.eml');
    expect(pbsParser.matches(mail)).toBe(true);
    expect(vzdumpParser.matches(mail)).toBe(false);
    expect(pbsParser.parse(mail)).toEqual({
      software: 'Proxmox Backup Server',
      type: 'Garbage Collection',
      jobName: 'store1',
      status: 'success',
      objects: [],
      startedAt: 0x65e6a780 * 1000,
      endedAt: null,
      details: {
        datastore: 'store1',
        upid: 'UPID:pbs1:000004D2:00A1B2C3:00000012:65E6A780:garbage_collection:store1:root@pam:',
        indexFiles: 1873,
        removedBytes: Math.round(41.382 * 1024 ** 3),
        removedChunks: 21655,
        pendingBytes: Math.round(2.114 * 1024 ** 3),
        originalBytes: Math.round(38.527 * 1024 ** 4),
        diskBytes: Math.round(1.902 * 1024 ** 4),
        deduplicationFactor: 20.26,
      },
      message: null,
    });
  });

  it('reads a failed verification with the broken snapshots as objects', async () => {
    const report = pbsParser.parse(await load('pbs-verify-failed.eml'));
    expect(report).toEqual({
      software: 'Proxmox Backup Server',
      type: 'Verification',
      jobName: 'v-3f2c9a1e-57b4',
      status: 'failed',
      objects: [
        { name: 'vm/100/2024-03-03T01:00:02Z', type: 'Snapshot', status: 'failed', message: 'verification failed' },
        { name: 'ct/101/2024-03-03T01:01:10Z', type: 'Snapshot', status: 'failed', message: 'verification failed' },
      ],
      startedAt: null,
      endedAt: null,
      details: { datastore: 'store1' },
      message: 'verification failed on 2 snapshot(s)/group(s)',
    });
  });

  it('reads a sync job report', async () => {
    expect(pbsParser.parse(await load('pbs-sync-success.eml'))).toEqual({
      software: 'Proxmox Backup Server',
      type: 'Sync',
      jobName: 's-8d1e4f0a-11c2',
      status: 'success',
      objects: [],
      startedAt: null,
      endedAt: null,
      details: { datastore: 'offsite-store', remote: 'pbs-main', remoteStore: 'store1' },
      message: null,
    });
  });

  it('reads a tape backup report with snapshots, tapes and duration', async () => {
    expect(pbsParser.parse(await load('pbs-tape-backup-success.eml'))).toEqual({
      software: 'Proxmox Backup Server',
      type: 'Tape Backup',
      jobName: 'weekly-tape',
      status: 'success',
      objects: ['vm/100/2024-03-09T01:00:02Z', 'ct/101/2024-03-09T01:01:14Z', 'vm/102/2024-03-09T01:01:40Z'].map(
        (name) => ({ name, type: 'Snapshot', status: 'success', message: null }),
      ),
      startedAt: null,
      endedAt: null,
      details: {
        datastore: 'store1',
        pool: 'weekly',
        drive: 'lto8-drive0',
        durationSeconds: 3600 + 12 * 60 + 9,
        usedTapes: 'WK0012L8, WK0013L8',
      },
      message: null,
    });
  });

  it('reads failure sentences for garbage collection, sync and prune', () => {
    const cases: [string, string, string, string][] = [
      [
        "Garbage Collect Datastore 'store2' failed",
        'Datastore: store2\n\nGarbage collection failed: unable to get exclusive lock - EWOULDBLOCK\n',
        'Garbage Collection',
        'unable to get exclusive lock - EWOULDBLOCK',
      ],
      [
        "Sync local datastore 'store1' failed",
        'Job ID:             s-local-1\nDatastore:          copy\nLocal Source Store: store1\nSynchronization failed: connection reset\n',
        'Sync',
        'connection reset',
      ],
      [
        "Pruning datastore 'store1' failed",
        '\nJob ID:       p-daily\nDatastore:    store1\n\nPruning failed: permission denied\n',
        'Prune',
        'permission denied',
      ],
    ];
    for (const [subject, text, type, message] of cases) {
      const mail: MailInput = { ...blank, subject, text };
      expect(pbsParser.matches(mail)).toBe(true);
      expect(pbsParser.parse(mail)).toMatchObject({ type, status: 'failed', message });
    }
  });
});

describe('proxmox units', () => {
  it('parses sizes, durations, log times and UPIDs, null for anything else', () => {
    expect(parseBytes('1.5 GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseBytes('512KB')).toBe(512 * 1024);
    expect(parseBytes('0 B')).toBe(0);
    expect(parseBytes('lots')).toBeNull();
    expect(parseDuration('00:01:12')).toBe(72);
    expect(parseDuration('1h 2min 3s')).toBe(3723);
    expect(parseDuration('2.5s')).toBe(2.5);
    expect(parseDuration('soon')).toBeNull();
    expect(parseLogTime('2024-03-05 01:00:02')).toBe(utc('2024-03-05T01:00:02'));
    expect(parseLogTime('2024-13-45 99:00:02')).toBeNull();
    expect(upidStart('UPID:pve1:0000A1B2:00C3D4E5:65E6A780:vzdump::root@pam:')).toBe(0x65e6a780 * 1000);
    expect(upidStart('not a upid')).toBeNull();
  });
});

const blank: MailInput = blankMail({ from: '', to: '' });
