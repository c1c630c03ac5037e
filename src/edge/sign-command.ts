/**
 * `imagetrust sign IMAGE_FILE --identity REF (--openpgp-key KEY [--passphrase-file F] |
 * --x509-key KEY --x509-cert CERT [--x509-chain CHAIN]) [-o FILE]`: read the Image and the key
 * files, sign, print the updated Image (or write it to FILE). Keys and passphrases are read from
 * files only and never printed.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { ConfigError } from '../codes.js';
import { createX509Signer } from '../sign/cms.js';
import { createOpenPgpSigner } from '../sign/openpgp-signer.js';
import { signImage } from '../sign/sign-image.js';
import type { ImageSigner } from '../sign/signer.js';
import type { CliIO } from './cli.js';
import { readImageDocuments } from './image-input.js';

export interface SignCommandOptions {
  readonly identity: string;
  readonly openpgpKey?: string;
  readonly passphraseFile?: string;
  readonly x509Key?: string;
  readonly x509Cert?: string;
  readonly x509Chain?: string;
  readonly output?: string;
}

/** Throws ConfigError for usage, file and key problems; returns the exit code (0). */
export async function runSign(imageFile: string, options: SignCommandOptions, io: CliIO): Promise<number> {
  const signer = await chooseSigner(options);
  const image = await readOneImage(imageFile);
  const signed = await signImage(image, {
    identity: options.identity,
    signer,
    creator: `imagetrust ${io.version}`,
    now: io.now(),
    random: (n) => new Uint8Array(randomBytes(n)),
  });
  const text = `${JSON.stringify(signed.image, null, 2)}\n`;
  if (options.output === undefined || options.output === '-') io.stdout(text);
  else await writeFile(options.output, text).catch((error: NodeJS.ErrnoException) => {
    throw new ConfigError(`-o ${options.output ?? ''}: cannot write (${error.code ?? error.message})`);
  });
  return 0;
}

async function chooseSigner(options: SignCommandOptions): Promise<ImageSigner> {
  const x509 = options.x509Key !== undefined || options.x509Cert !== undefined || options.x509Chain !== undefined;
  if (options.openpgpKey !== undefined && x509) throw new ConfigError('sign: give either --openpgp-key or --x509-key with --x509-cert, not both');
  const passphrase = options.passphraseFile === undefined ? undefined : firstLine(await readKeyFile(options.passphraseFile, '--passphrase-file'));
  if (options.openpgpKey !== undefined) {
    return createOpenPgpSigner({ data: await readKeyFile(options.openpgpKey, '--openpgp-key'), source: options.openpgpKey }, passphrase);
  }
  if (options.x509Key === undefined || options.x509Cert === undefined) {
    throw new ConfigError('sign: give --openpgp-key KEY, or --x509-key KEY with --x509-cert CERT');
  }
  return createX509Signer({
    key: { data: await readKeyFile(options.x509Key, '--x509-key'), source: options.x509Key },
    certificate: { data: await readKeyFile(options.x509Cert, '--x509-cert'), source: options.x509Cert },
    ...(options.x509Chain !== undefined ? { chain: { data: await readKeyFile(options.x509Chain, '--x509-chain'), source: options.x509Chain } } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
  });
}

const MAX_KEY_FILE_BYTES = 1 << 20;

async function readKeyFile(path: string, option: string): Promise<Uint8Array> {
  const data = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new ConfigError(`${option} ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'is a directory' : error.code ?? 'cannot read'}`);
  });
  if (data.length > MAX_KEY_FILE_BYTES) throw new ConfigError(`${option} ${path}: larger than ${MAX_KEY_FILE_BYTES} bytes`);
  return data;
}

/** The passphrase is the file's first line, as `gpg --passphrase-file` reads it. */
function firstLine(data: Uint8Array): string {
  const text = Buffer.from(data).toString('utf8');
  const end = text.search(/\r?\n/);
  return end === -1 ? text : text.slice(0, end);
}

async function readOneImage(path: string): Promise<unknown> {
  const found: unknown[] = [];
  for await (const doc of readImageDocuments([path])) {
    if ('error' in doc) throw new ConfigError(`${doc.source}${doc.path ? ` ${doc.path}` : ''}: ${doc.error}`);
    if (doc.path !== '') throw new ConfigError(`${path}: sign takes one Image, not a list of them`);
    found.push(doc.image);
  }
  const [image, ...more] = found;
  if (image === undefined) throw new ConfigError(`${path}: no Image found`);
  if (more.length > 0) throw new ConfigError(`${path}: holds ${found.length} Images; sign takes one`);
  return image;
}
