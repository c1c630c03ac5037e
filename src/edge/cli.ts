/**
 * The `imagetrust` command line: argument parsing (commander), exit codes and output. Exit 0: every
 * Image trusted; 1: at least one is not; 2: usage, configuration or input error (one line on
 * stderr, no stack trace).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '../codes.js';
import { parseRfc3339 } from './rfc3339.js';
// Types only: each command's module (and the libraries it needs: the engine, CEL, prom-client, the
// kubeconfig library) is loaded when that command runs, so `audit` does not start slower for `serve`.
import type { VerifyCommandOptions } from './verify-command.js';
import type { PolicyTestCommandOptions } from './policy-test-command.js';
import type { AuditCommandOptions } from './audit-command.js';
import type { MergeCommandOptions } from './audit/merge-command.js';
import type { SignCommandOptions } from './sign-command.js';
import type { ServeCommandOptions } from './serve-command.js';

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
    .requiredOption('--trust <path>', 'trust root: a TrustRoot YAML file, a keyring (.gpg/.asc), a PEM CA bundle (.pem/.crt), or a directory of them (required, repeatable)', collect)
    .option('--expected-identity <ref>', 'identity the signatures must match (default: each Image\'s dockerImageReference)')
    .option('--identity-rule <rule>', 'signedIdentity rule: a name (matchRepoDigestOrExact, matchExact, matchRepository) or its JSON form', 'matchRepoDigestOrExact')
    .option('--at <time>', 'evaluation time, RFC 3339 (default: now)', parseTime)
    .addOption(new Option('-o, --output <format>', 'output format (default: table on a terminal, json otherwise)').choices(['table', 'json', 'yaml', 'image']))
    .option('--no-cache', 'do not cache signature verification results')
    .option('--policy <path>', 'ImagePolicy file or directory (repeatable); the exit status then follows the policy decision', collect)
    .addOption(new Option('--unmatched <action>', 'with --policy: decision for Images no Deny policy applies to (default: deny)').choices(['allow', 'deny']))
    .action(async (inputs: string[], options: VerifyCommandOptions) => {
      exitCode = await (await import('./verify-command.js')).runVerify(inputs, options, io);
    });

  const policy = program
    .command('policy')
    .summary('check and test ImagePolicy files')
    .description('Check ImagePolicy files (lint) and run PolicyTest documents against them (test).');
  policy
    .command('lint')
    .summary('load and type-check ImagePolicy files')
    .description(
      'Load and type-check ImagePolicy files or directories without evaluating them. Prints one '
        + '"file:line:col: message" line per problem on stdout. Exit 0 when clean, 1 on any problem, 2 on usage errors.',
    )
    .argument('<paths...>', 'ImagePolicy files (YAML or JSON) or directories of them')
    .action(async (paths: string[]) => {
      exitCode = await (await import('./policy-lint.js')).runPolicyLint(paths, io);
    });
  policy
    .command('test')
    .summary('run PolicyTest documents')
    .description(
      'Run PolicyTest documents: files as given, or *.test.yaml, *.test.yml and *.test.json found in '
        + 'directories. Exit 0 when every case passes, 1 when one fails, 2 when a test cannot run.',
    )
    .argument('<paths...>', 'PolicyTest files or directories')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'junit']).default('table'))
    .action(async (paths: string[], options: PolicyTestCommandOptions) => {
      exitCode = await (await import('./policy-test-command.js')).runPolicyTests(paths, options, io);
    });

  program
    .command('audit')
    .summary('audit Images from files or a cluster, write conditions back, report')
    .description(
      'Verify every Image of the files given, or of the cluster\'s Image API (no files: --kubeconfig, $KUBECONFIG, '
        + '~/.kube/config, or --in-cluster), page by page; write changed signature conditions back with --write-conditions; '
        + 'report as table, json, ndjson, junit or html. Exit 0 when every Image is trusted (or allowed by policy), '
        + '1 when one is not, 2 on errors.',
    )
    .argument('[inputs...]', 'Image, ImageList or List files, directories, or - for stdin (none: the cluster)')
    .requiredOption('--trust <path>', 'trust root: a TrustRoot YAML file, a keyring, or a directory of them (required, repeatable)', collect)
    .option('--kubeconfig <file>', 'kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .option('--in-cluster', 'use the Pod\'s service account token and CA')
    .option('--selector <labels>', 'label selector, e.g. app=web,tier!=test (sent as labelSelector; applied locally to files)')
    .option('--write-conditions', 'PUT Images whose signature conditions changed (needs get, list, update on images.image.openshift.io)')
    .option('--dry-run', 'with --write-conditions: send the writes with dryRun=All (nothing is stored)')
    .option('--shard <K/N>', 'audit only the Images whose name hashes to shard K of N (0 <= K < N)')
    .option('--resume <file>', 'checkpoint after each page into FILE (and FILE.items.ndjson); an unfinished run continues from it')
    .option('--report <file>', 'also write the report to FILE, in the format its extension names (.json .ndjson .html .xml .txt)')
    .addOption(new Option('-o, --output <format>', 'report format on stdout (default: table on a terminal, json otherwise)').choices(['table', 'json', 'ndjson', 'junit', 'html']))
    .option('--concurrency <n>', 'verification worker threads (default: the number of CPUs, at most 8; 0: verify on the main thread)')
    .option('--page-size <n>', 'Images per list request (limit)', '500')
    .option('--expected-identity <ref>', 'identity the signatures must match (default: each Image\'s dockerImageReference)')
    .option('--identity-rule <rule>', 'signedIdentity rule: a name or its JSON form', 'matchRepoDigestOrExact')
    .option('--at <time>', 'evaluation time, RFC 3339 (default: now; a resumed run keeps its first time)', parseTime)
    .option('--policy <path>', 'ImagePolicy file or directory (repeatable); the exit status then follows the policy decision', collect)
    .addOption(new Option('--unmatched <action>', 'decision for an Image no policy applies to').choices(['deny', 'allow']))
    .option('--no-cache', 'do not cache signature verification results')
    .action(async (inputs: string[], options: AuditCommandOptions) => {
      exitCode = await (await import('./audit-command.js')).runAudit(inputs, options, io);
    });

  program
    .command('report')
    .summary('work with audit reports')
    .command('merge')
    .summary('merge the JSON reports of audit shards into one report')
    .argument('<files...>', 'audit reports in JSON (-o json or --report FILE.json)')
    .addOption(new Option('-o, --output <format>', 'format of the merged report (default: table on a terminal, json otherwise)').choices(['table', 'json', 'ndjson', 'junit', 'html']))
    .action(async (files: string[], options: MergeCommandOptions) => {
      exitCode = await (await import('./audit/merge-command.js')).runReportMerge(files, options, io);
    });

  program
    .command('serve')
    .summary('serve the admission webhook (AdmissionReview over HTTPS)')
    .description(
      'Serve POST /validate/images and POST /validate/pods (admission.k8s.io/v1 AdmissionReview), /healthz, /readyz '
        + 'and /metrics over HTTPS. Trust roots, policies and the TLS files are reloaded when they change. Runs until SIGTERM.',
    )
    .requiredOption('--trust <path>', 'trust root: a TrustRoot YAML file, a keyring, or a directory of them (required, repeatable)', collect)
    .requiredOption('--policy <path>', 'ImagePolicy file or directory (required, repeatable)', collect)
    .requiredOption('--tls-cert <file>', 'PEM server certificate (chain), reloaded when it changes')
    .requiredOption('--tls-key <file>', 'PEM private key of --tls-cert, reloaded when it changes')
    .option('--port <port>', 'HTTPS port', '8443')
    .option('--host <address>', 'address to listen on (default: all)')
    .option('--kubeconfig <file>', 'kubeconfig for Image lookups of Pod images (default: in-cluster when in a Pod)')
    .option('--in-cluster', 'look Images up with the Pod\'s service account')
    .addOption(new Option('--on-indeterminate <action>', 'answer when no decision can be made in time').choices(['deny', 'allow']).default('deny'))
    .addOption(new Option('--unmatched <action>', 'answer for an Image no policy applies to').choices(['deny', 'allow']).default('deny'))
    .option('--workers <n>', 'judge worker threads (0: judge on the main thread; default: cores - 1, 1 to 4)')
    .option('--shutdown-delay <seconds>', 'on SIGTERM, keep serving this long with /readyz failing before closing', '0')
    .action(async (options: ServeCommandOptions) => {
      exitCode = await (await import('./serve-command.js')).runServe(options, io);
    });

  program
    .command('sign')
    .summary('sign an Image (OpenPGP or X.509) and append the signature')
    .description(
      'Make a simple-signing signature of the Image in IMAGE_FILE for the identity REF and print the Image with the new '
        + 'ImageSignature appended (type atomic for OpenPGP, x509 for CMS). Existing signatures are kept as they are. '
        + 'Keys and passphrases are read from files only.',
    )
    .argument('<image-file>', 'the Image to sign (JSON or YAML; - for standard input)')
    .requiredOption('--identity <ref>', 'the docker reference to sign, e.g. registry.example.com/app:1.0 (a name alone means :latest)')
    .option('--openpgp-key <file>', 'OpenPGP secret key (armored or binary); signs with its signing subkey or primary key')
    .option('--passphrase-file <file>', 'file whose first line unlocks a protected key')
    .option('--x509-key <file>', 'PEM private key of the signing certificate')
    .option('--x509-cert <file>', 'PEM signing certificate (further certificates in the file are its chain)')
    .option('--x509-chain <file>', 'PEM intermediate CA certificates to include')
    .option('-o, --output <file>', 'write the signed Image to FILE instead of standard output')
    .action(async (imageFile: string, options: SignCommandOptions) => {
      exitCode = await (await import('./sign-command.js')).runSign(imageFile, options, io);
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

function parseTime(value: string): Date {
  const time = parseRfc3339(value);
  if (time === undefined) throw new InvalidArgumentError('expected an RFC 3339 time such as 2026-01-01T00:00:00Z');
  return time;
}
