import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, freePort, killOnExit, runDaemon, waitForGreeting } from './dovecot.js';

export interface PostfixRelay {
  /** Postfix's SMTP listener on 127.0.0.1. */
  port: number;
  /** The temporary config_directory (main.cf, master.cf, queue/, postfix.log). */
  dir: string;
  /** Postfix's own log, for assertions and failure messages. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

export interface PostfixRelayOptions {
  /** Mail for this domain is relayed; anything else is refused (no open relay). */
  domain: string;
  /** Where that mail goes: an SMTP server on 127.0.0.1 (the Keepwatch receiver under test). */
  nextHopPort: number;
}

function mainCf(dir: string, opts: PostfixRelayOptions): string {
  return `compatibility_level = 3.6
queue_directory = ${dir}/queue
data_directory = ${dir}/data
myhostname = relay.keepwatch.test
mydomain = keepwatch.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
relay_domains = ${opts.domain}
transport_maps = inline:{ ${opts.domain}=smtp:[127.0.0.1]:${opts.nextHopPort} }
smtp_dns_support_level = disabled
smtpd_tls_security_level = none
smtp_tls_security_level = none
maillog_file = ${dir}/postfix.log
maillog_file_prefixes = ${dir}
alias_maps =
alias_database =
local_recipient_maps =
biff = no
# Retry a deferred message quickly, so a test can watch the 4xx-then-retry path.
minimal_backoff_time = 1s
maximal_backoff_time = 2s
queue_run_delay = 1s
`;
}

// Only the services a relay needs, all unchrooted: a chroot would need a copy of /etc files.
const MASTER_SERVICES = `pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a private Postfix instance (`postfix -c <tmpdir> start`) listening on a free loopback
 * port that relays mail for `domain` to `127.0.0.1:nextHopPort`. Loopback only, IPv4 only, no
 * DNS, no TLS, no chroot. Takes about half a second. Needs the postfix package and root.
 *
 * @example
 *   const relay = await startPostfixRelay({ domain: 'test.local', nextHopPort: receiver.port });
 *   await nodemailer.createTransport({ host: '127.0.0.1', port: relay.port, ignoreTLS: true }).sendMail(...);
 *   await relay.stop();
 */
export async function startPostfixRelay(opts: PostfixRelayOptions): Promise<PostfixRelay> {
  const postfix = findBinary('postfix');
  if (!postfix) {
    throw new Error('postfix is not installed: apt-get install postfix (or run scripts/test-services.sh as root)');
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      'the Postfix test relay must be started as root (postfix -c <dir> start runs the master as root); run the tests as root',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'kw-postfix-'));
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'queue'));
  await mkdir(join(dir, 'data'));
  // Postfix's own processes (user postfix) keep their lock and caches in data_directory.
  const [uid, gid] = execFileSync('sh', ['-c', 'id -u postfix; id -g postfix'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map(Number);
  await chown(join(dir, 'data'), uid!, gid!);
  await writeFile(join(dir, 'main.cf'), mainCf(dir, opts));
  const log = () => readFile(join(dir, 'postfix.log'), 'utf8').catch(() => '');
  const pidFile = join(dir, 'queue', 'pid', 'master.pid');

  const stop = async () => {
    const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    await runDaemon(postfix, ['-c', dir, 'stop']).catch(() => undefined);
    // "postfix stop" only signals the master; wait for it (and its children) to go.
    for (let i = 0; i < 100 && pid > 0 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 50));
  };

  let port = 0;
  for (let attempt = 0; attempt < 3 && !port; attempt++) {
    const candidate = await freePort();
    await writeFile(join(dir, 'master.cf'), `127.0.0.1:${candidate} inet n - n - - smtpd\n${MASTER_SERVICES}`);
    try {
      await runDaemon(postfix, ['-c', dir, 'start']);
    } catch (err) {
      const text = await log();
      await rm(dir, { recursive: true, force: true });
      throw new Error(`postfix did not start: ${(err as Error).message}\n${text}`);
    }
    if (await waitForGreeting(candidate, '220', 10_000)) port = candidate;
    else await stop();
  }
  if (!port) {
    const text = await log();
    await stop();
    await rm(dir, { recursive: true, force: true });
    throw new Error(`postfix did not answer on its SMTP port:\n${text}`);
  }
  const unregister = killOnExit(pidFile);
  return {
    port,
    dir,
    log,
    async stop() {
      unregister();
      await stop();
      if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
    },
  };
}
