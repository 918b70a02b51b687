import type { Command } from 'commander';
import { ApiClient } from './api-client.js';
import { resolveConnection, type Connection } from './connection.js';
import { credentialsPath, isReadableByOthers, readCredentials } from './credentials.store.js';
import { createRunDisplay, formatFinalLine, type RunDisplay } from './run-display.js';
import { followRun } from './run-follower.js';
import { exitCodeForRunStatus } from './exit-codes.js';
import type { Run } from './api.types.js';

export interface GlobalOptions {
  server?: string;
  token?: string;
  json?: boolean;
}

/**
 * What every command needs: the global options, a lazily created API client (so `serve`,
 * `migrate` and `backup decrypt` never read credentials or touch the network), and output.
 */
export class CliContext {
  private connectionPromise: Promise<Connection> | undefined;

  constructor(
    readonly options: GlobalOptions,
    readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {}

  get json(): boolean {
    return this.options.json === true;
  }

  get credentialsFile(): string {
    return credentialsPath(this.env);
  }

  connection(): Promise<Connection> {
    this.connectionPromise ??= (async () => {
      const file = this.credentialsFile;
      const credentials = await readCredentials(file);
      if (credentials && (await isReadableByOthers(file))) {
        this.warn(`${file} is readable by other users; run: chmod 600 ${file}`);
      }
      return resolveConnection({
        serverFlag: this.options.server,
        tokenFlag: this.options.token,
        env: this.env,
        credentials,
      });
    })();
    return this.connectionPromise;
  }

  /**
   * The server `login` signs in to. Unlike connection(), a damaged credentials file is not an
   * error here: logging in again is exactly how it gets replaced.
   */
  async loginServer(): Promise<string> {
    let credentials;
    try {
      credentials = await readCredentials(this.credentialsFile);
    } catch (error) {
      this.warn(`${(error as Error).message.replace(/;.*$/, '')}; it will be replaced`);
    }
    return resolveConnection({ serverFlag: this.options.server, env: this.env, credentials }).server;
  }

  async client(): Promise<ApiClient> {
    const connection = await this.connection();
    return new ApiClient(connection.server, connection.token);
  }

  print(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  printJson(data: unknown): void {
    this.print(JSON.stringify(data, null, 2));
  }

  warn(text: string): void {
    process.stderr.write(`warning: ${text}\n`);
  }

  /** Sets the exit code without exiting, so output is flushed and cleanup runs first. */
  setExitCode(code: number): void {
    process.exitCode = code;
  }

  /**
   * Follows a run to its end with the live display and sets the exit code from its status
   * (0 success, 2 warning, 1 anything else). Ctrl-C detaches; the run goes on on the server.
   *
   * With --json: `logsAsJson` streams log lines as JSON lines (for `run logs`); otherwise only
   * the final Run is printed, so a script gets exactly one JSON document.
   */
  async followToEnd(client: ApiClient, run: Run, options: FollowDisplayOptions = {}): Promise<Run> {
    const tty = process.stdout.isTTY === true && process.stderr.isTTY === true;
    const jsonLogs = this.json && options.logsAsJson === true;
    const display: RunDisplay = this.json
      ? { stop: () => undefined, ...(jsonLogs ? { log: (line) => this.print(JSON.stringify(line)) } : {}) }
      : createRunDisplay({ tty, progress: options.progress !== false });
    const detach = (): void => {
      display.stop();
      process.stderr.write(
        `\ndetached: run #${run.id} goes on; follow it with: keepwatch run logs ${run.id} --follow\n`,
      );
      process.exit(130);
    };
    process.once('SIGINT', detach);
    try {
      const final = await followRun(client, run.id, display, { afterLogId: options.afterLogId ?? 0 });
      display.stop();
      if (!this.json) this.print(formatFinalLine(final));
      else if (!jsonLogs) this.printJson(final);
      this.setExitCode(exitCodeForRunStatus(final.status));
      return final;
    } finally {
      display.stop();
      process.off('SIGINT', detach);
    }
  }
}

export interface FollowDisplayOptions {
  /** False for --no-progress. */
  progress?: boolean;
  /** Lines up to this id were printed already. */
  afterLogId?: number;
  logsAsJson?: boolean;
}

/** The context of the command being run: global options merged with the command's own. */
export function contextOf(command: Command): CliContext {
  return new CliContext(command.optsWithGlobals<GlobalOptions>());
}
