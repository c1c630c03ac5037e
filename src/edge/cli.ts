/**
 * The `imagetrust` command line: argument parsing (commander), exit codes and output. Exit 0: every
 * Image trusted; 1: at least one is not; 2: usage, configuration or input error (one line on
 * stderr, no stack trace).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '../codes.js';
import { runVerify, type VerifyCommandOptions } from './verify-command.js';

export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdoutIsTTY: boolean;
  readonly now: () => Date;
  readonly version: string;
}

export const EXIT = { ok: 0, notTrusted: 1, error: 2 } as const;

/** Runs one command line. Never throws: every failure becomes an exit code and a stderr line. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('imagetrust')
    .description('Verify OpenShift Image signatures (OpenPGP simple signing) against trusted keys, without a registry.')
    .version(io.version, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      // One line, like every other error: "imagetrust: unknown option '--x' (see --help)".
      outputError: (text, write) => write(`imagetrust: ${text.trim().replace(/^error: /, '')} (see --help)\n`),
    });

  program
    .command('verify')
    .summary('verify the signatures of Images and print a report')
    .description(
      'Verify every signature of every Image in the given files, directories or standard input (-) '
        + 'against the keys of the trust roots. Exit 0 when every Image is trusted, 1 when at least one '
        + 'is not, 2 on usage, configuration or input errors.',
    )
    .argument('[inputs...]', 'Image, ImageList or List files (JSON or YAML), directories of them, or - for stdin')
    .requiredOption('--trust <path>', 'trust root: a TrustRoot YAML file, a keyring (.gpg/.asc), or a directory of them (required, repeatable)', collect)
    .option('--expected-identity <ref>', 'identity the signatures must match (default: each Image\'s dockerImageReference)')
    .option('--identity-rule <rule>', 'signedIdentity rule: a name (matchRepoDigestOrExact, matchExact, matchRepository) or its JSON form', 'matchRepoDigestOrExact')
    .option('--at <time>', 'evaluation time, RFC 3339 (default: now)', parseTime)
    .addOption(new Option('-o, --output <format>', 'output format (default: table on a terminal, json otherwise)').choices(['table', 'json', 'yaml', 'image']))
    .option('--no-cache', 'do not cache signature verification results')
    .action(async (inputs: string[], options: VerifyCommandOptions) => {
      exitCode = await runVerify(inputs, options, io);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    if (error instanceof ConfigError) {
      io.stderr(`imagetrust: ${error.message}\n`);
      return EXIT.error;
    }
    io.stderr(`imagetrust: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.error;
  }
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function parseTime(value: string): Date {
  // Date.parse alone accepts far more than RFC 3339 and silently rolls 2026-02-30 into March.
  const m = RFC3339.exec(value);
  const date = new Date(value.replace(/:60(?=[.Zz+-])/, ':59'));
  const [, y, mo, d, h, mi, s] = (m ?? []).map(Number);
  const valid = m !== null && !Number.isNaN(date.getTime()) && mo !== undefined && d !== undefined
    && mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y ?? 0, mo, 0)).getUTCDate()
    && (h ?? 99) <= 23 && (mi ?? 99) <= 59 && (s ?? 99) <= 60;
  if (!valid) throw new InvalidArgumentError('expected an RFC 3339 time such as 2026-01-01T00:00:00Z');
  return date;
}
