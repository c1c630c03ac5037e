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
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text, write) => write(text) })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('verify')
    .summary('verify the signatures of Images and print a report')
    .description(
      'Verify every signature of every Image in the given files, directories or standard input (-),\n'
        + 'against the keys of the trust roots. Exit 0 when every Image is trusted, 1 when at least one\n'
        + 'is not, 2 on usage, configuration or input errors.',
    )
    .argument('[inputs...]', 'Image, ImageList or List files (JSON or YAML), directories of them, or - for stdin')
    .requiredOption('--trust <path>', 'trust root: a TrustRoot YAML file, a keyring (.gpg/.asc), or a directory of them (repeatable)', collect, [])
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

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseTime(value: string): Date {
  // RFC 3339 needs a date, a time and an offset; Date.parse alone would accept far more.
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('expected an RFC 3339 time such as 2026-01-01T00:00:00Z');
  }
  return new Date(value);
}
