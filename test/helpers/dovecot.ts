import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';

const run = promisify(execFile);

/**
 * Runs a command that daemonizes. Not execFile: the daemon inherits stdout/stderr, so a pipe
 * would stay open (and execFile wait) for as long as the daemon lives.
 */
export function runDaemon(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

/** Finds a system binary even when /usr/sbin is not on PATH (non-login shells, CI runners). */
export function findBinary(name: string): string | null {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin']) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * Makes sure a daemon started by a test does not outlive the test process when the test never
 * reaches its stop() (a failed beforeAll, a worker torn down early). Returns the unregister
 * function for a normal stop. Synchronous by necessity: 'exit' handlers cannot await.
 */
export function killOnExit(pidFile: string): () => void {
  const kill = () => {
    try {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (pid > 0) process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', kill);
  return () => process.off('exit', kill);
}

/** A port that was free a moment ago on 127.0.0.1 (the service binds it right after). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once something on the port answers with a line starting with `greeting`. */
export async function waitForGreeting(port: number, greeting: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      const done = (v: boolean) => {
        socket.destroy();
        resolve(v);
      };
      socket.setTimeout(1000, () => done(false));
      socket.once('data', (d) => done(d.toString('latin1').startsWith(greeting)));
      socket.once('error', () => done(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export interface DovecotServer {
  host: '127.0.0.1';
  port: number;
  user: string;
  password: string;
  /** The temporary directory with config, maildirs and dovecot.log. */
  dir: string;
  /** Puts a message into a folder (created if needed); `date` becomes its INTERNALDATE. */
  append(folder: string, raw: string | Buffer, date?: Date): Promise<void>;
  /** Subjects of the messages in a folder, oldest first; [] when the folder does not exist. */
  list(folder: string): Promise<string[]>;
  stop(): Promise<void>;
}

function config(dir: string, port: number): string {
  return `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
first_valid_uid = 65534
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
}

/**
 * Starts a throw-away Dovecot IMAP server on a free loopback port, with one user and an empty
 * maildir under a temporary directory (plain-text login, no TLS). Takes well under a second.
 * Needs the dovecot-imapd package and root (the maildir belongs to nobody:nogroup).
 *
 * @example
 *   const dovecot = await startDovecot();
 *   await dovecot.append('INBOX', 'Subject: hi\r\n\r\nbody\r\n');
 *   expect(await dovecot.list('INBOX')).toEqual(['hi']);
 *   await dovecot.stop();
 */
export async function startDovecot(): Promise<DovecotServer> {
  const dovecot = findBinary('dovecot');
  const doveadm = findBinary('doveadm');
  if (!dovecot || !doveadm) {
    throw new Error(
      'dovecot is not installed: apt-get install dovecot-imapd (or run scripts/test-services.sh as root)',
    );
  }
  if (process.getuid?.() !== 0) {
    throw new Error('the Dovecot test server must be started as root (its maildir belongs to nobody:nogroup)');
  }
  const dir = await mkdtemp(join(tmpdir(), 'kw-dovecot-'));
  // Dovecot's unprivileged login and mail processes must be able to reach into the directory.
  await chmod(dir, 0o755);
  for (const sub of ['run', 'state', 'mail']) await mkdir(join(dir, sub));
  const ids = execFileSync('sh', ['-c', 'id -u nobody; getent group nogroup | cut -d: -f3'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map(Number);
  await chown(join(dir, 'mail'), ids[0]!, ids[1]!);
  const user = 'reports@test.local';
  const password = 'secret-imap-pw';
  await writeFile(join(dir, 'users'), `${user}:{PLAIN}${password}\n`);
  const confPath = join(dir, 'dovecot.conf');

  let port = 0;
  const log = () => readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => '');
  for (let attempt = 0; attempt < 3 && !port; attempt++) {
    const candidate = await freePort();
    await writeFile(confPath, config(dir, candidate));
    try {
      await runDaemon(dovecot, ['-c', confPath]);
    } catch (err) {
      throw new Error(`dovecot did not start: ${(err as Error).message}\n${await log()}`);
    }
    if (await waitForGreeting(candidate, '* OK', 10_000)) port = candidate;
    // Lost the port to someone else between freePort() and bind: stop and try another.
    else await run(doveadm, ['-c', confPath, 'stop']).catch(() => undefined);
  }
  if (!port) throw new Error(`dovecot did not answer on its IMAP port:\n${await log()}`);
  const pidFile = join(dir, 'run', 'master.pid');
  const unregister = killOnExit(pidFile);

  async function withClient<T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass: password },
      logger: false,
      disableAutoIdle: true,
    });
    client.on('error', () => {});
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    dir,
    append: (folder, raw, date) =>
      withClient(async (client) => {
        if (folder.toUpperCase() !== 'INBOX') await client.mailboxCreate(folder);
        await client.append(folder, raw, [], date);
      }),
    list: (folder) =>
      withClient(async (client) => {
        const status = await client.status(folder, { messages: true }).catch(() => false as const);
        if (!status || !status.messages) return [];
        const lock = await client.getMailboxLock(folder);
        try {
          const msgs = await client.fetchAll('1:*', { uid: true, envelope: true });
          return msgs.sort((a, b) => a.uid - b.uid).map((m) => m.envelope?.subject ?? '');
        } finally {
          lock.release();
        }
      }),
    async stop() {
      unregister();
      await run(doveadm, ['-c', confPath, 'stop']).catch(() => undefined);
      // doveadm stop returns before the master has exited; wait so the directory can go.
      for (let i = 0; i < 50 && existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
