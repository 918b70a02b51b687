import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { IntegrityError } from '../../core/errors.js';
import { contextOf } from '../cli.context.js';
import { formatBytes } from '../output.format.js';

/**
 * `backup decrypt`: the one backup command that needs no server. The crypto and compression
 * modules (zstd is a native addon) are imported only here, when the command runs, so other
 * commands start fast and keep working if an addon is missing.
 */
export function registerBackupDecrypt(backup: Command): void {
  backup
    .command('decrypt')
    .description('decrypt and decompress a backup file with its key: no server, no database')
    .argument('<in>', 'backup file (.kwe, or an unencrypted .gz/.br/.zst file)')
    .argument('[out]', 'output file, or - for stdout (default: IN without .kwe and the compression extension)')
    .option('-k, --key-file <file>', 'recovery kit, or a file with the key (64 hex, base64, or 32 raw bytes)')
    .option('--no-decompress', 'keep the compressed stream')
    .option('--force', 'replace OUT if it exists')
    .option('--no-progress', 'no progress bar')
    .addHelpText(
      'after',
      '\nOUT appears only once the whole file has been authenticated; a tampered file leaves no OUT and exits 1.' +
        '\nWith OUT = -, only authenticated data is written, but output already sent cannot be taken back: check the exit code.',
    )
    .action(async (input: string, out: string | undefined, options: DecryptOptions, command: Command) => {
      const ctx = contextOf(command);
      const total = await sizeOf(input);
      const { decryptBackupFile, defaultOutputName } = await import('../backup-decrypt.js');
      const output = out ?? defaultOutputName(input, options.decompress);
      if (!output) throw new Error(`cannot derive an output name from ${input}; give OUT`);
      const bar =
        options.progress && process.stderr.isTTY && !ctx.json
          ? new cliProgress.SingleBar({
              format: (_o, params) =>
                `decrypting ${formatBytes(params.value)} / ${formatBytes(params.total)} (${Math.floor(params.progress * 100)}%)`,
              clearOnComplete: true,
              hideCursor: true,
            })
          : undefined;
      bar?.start(total, 0);
      try {
        const result = await decryptBackupFile({
          input,
          output,
          keyFile: options.keyFile,
          decompress: options.decompress,
          force: options.force === true,
          onInput: bar ? (bytes) => bar.update(bytes) : undefined,
        }).catch((error: Error) => {
          // Say so explicitly: after a tampering alarm the first worry is a half-restored file.
          if (output !== '-' && error instanceof IntegrityError) {
            error.message = `${error.message}; ${output} was not written`;
          }
          throw error;
        });
        bar?.stop();
        if (ctx.json) {
          // stdout may be carrying the data itself.
          const summary = `${JSON.stringify({ input, output, ...result })}\n`;
          (output === '-' ? process.stderr : process.stdout).write(summary);
          return;
        }
        const what = [
          result.encrypted ? 'decrypted' : 'not encrypted',
          result.decompressed ? `decompressed (${result.compression})` : `compression ${result.compression} kept`,
        ];
        if (!result.encrypted && options.keyFile) ctx.warn(`${input} is not encrypted; --key-file was not needed`);
        process.stderr.write(
          `${input} → ${output === '-' ? 'stdout' : output}: ${what.join(', ')}, ${formatBytes(result.bytesOut)}\n`,
        );
      } finally {
        bar?.stop();
      }
    });
}

interface DecryptOptions {
  keyFile?: string;
  decompress: boolean;
  force?: boolean;
  progress: boolean;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${path}: no such file` : `cannot read ${path}: ${code ?? String(error)}`);
  }
}
