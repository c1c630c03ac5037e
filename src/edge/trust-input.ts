/**
 * Reads `--trust` arguments into trust root specs: YAML `TrustRoot` documents (keyring and CA
 * bundle paths relative to the document), bare keyrings or PEM CA bundles, or directories of them.
 * Throws ConfigError naming the file (and line) for anything it cannot use; an unreadable trust
 * root is never an empty one.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ConfigError } from '../codes.js';
import { normalizeKeyReference, WEAK_ALGORITHMS, type KeyValidity, type TrustRootSpec, type WeakAlgorithm } from '../trust/spec.js';
import { parseYamlDocuments, type YamlDocument } from './yaml.js';

const YAML_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const KEYRING_EXTENSIONS = new Set(['.gpg', '.asc', '.pub', '.txt', '.key', '.kbx', '.pgp']);
const PEM_EXTENSIONS = new Set(['.pem', '.crt', '.cer']);
const MAX_FILE_BYTES = 16 << 20;

/** Throws ConfigError. Directories are read in sorted order, so trust root order is stable. */
export async function readTrustSources(paths: readonly string[]): Promise<TrustRootSpec[]> {
  const specs: TrustRootSpec[] = [];
  for (const path of paths) specs.push(...(await readTrustPath(path, true)));
  if (specs.length === 0) throw new ConfigError(`no trust roots found in ${paths.join(', ')}`);
  return specs;
}

async function readTrustPath(path: string, explicit: boolean): Promise<TrustRootSpec[]> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new ConfigError(`--trust ${path}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}`);
  });
  if (info.isDirectory()) {
    const entries = (await readdir(path)).sort();
    const specs: TrustRootSpec[] = [];
    for (const entry of entries) {
      const child = join(path, entry);
      const childInfo = await stat(child).catch((error: NodeJS.ErrnoException) => {
        throw new ConfigError(`--trust ${child}: ${error.code === 'ENOENT' ? 'broken link or vanished file' : error.message}`);
      });
      const ext = extname(entry).toLowerCase();
      // Keyrings referenced by a TrustRoot live beside it in sub-folders; only files here are roots.
      if (childInfo.isFile() && (YAML_EXTENSIONS.has(ext) || KEYRING_EXTENSIONS.has(ext) || PEM_EXTENSIONS.has(ext))) {
        specs.push(...(await readTrustPath(child, false)));
      }
    }
    return specs;
  }
  const ext = extname(path).toLowerCase();
  if (info.size > MAX_FILE_BYTES) throw new ConfigError(`${path}: larger than ${MAX_FILE_BYTES} bytes`);
  const data = await readFile(path);
  if (YAML_EXTENSIONS.has(ext)) return readTrustDocuments(data.toString('utf8'), path);
  if (PEM_EXTENSIONS.has(ext) || data.includes('-----BEGIN CERTIFICATE-----')) {
    return [{ name: basename(path, extname(path)), caBundles: [{ data, source: path }] }];
  }
  if (!explicit && !KEYRING_EXTENSIONS.has(ext)) return [];
  return [{ name: basename(path, extname(path)), keyrings: [{ data, source: path }] }];
}

async function readTrustDocuments(text: string, path: string): Promise<TrustRootSpec[]> {
  const parsed = parseYamlDocuments(text, path);
  if (!parsed.ok) throw new ConfigError(`${path}:${parsed.error.line}:${parsed.error.col}: ${parsed.error.message}`);
  const specs: TrustRootSpec[] = [];
  for (const doc of parsed.documents) specs.push(await toSpec(doc, path));
  return specs;
}

const SPEC_KEYS = ['issuer', 'openpgp', 'x509', 'keyValidity', 'revokedKeys', 'allowWeakAlgorithms'];

async function toSpec(doc: YamlDocument, path: string): Promise<TrustRootSpec> {
  const where = (at: (string | number)[]): string => `${path}:${doc.lineOf(at) ?? doc.line}`;
  const value = doc.value;
  const problem = (at: (string | number)[], message: string): never => {
    throw new ConfigError(`${where(at)}: ${message}`);
  };
  if (!isObject(value)) return problem([], 'a trust root document must be a mapping');
  if (value['apiVersion'] !== 'imagetrust.io/v1alpha1' || value['kind'] !== 'TrustRoot') {
    return problem([], 'expected apiVersion imagetrust.io/v1alpha1, kind TrustRoot');
  }
  onlyKeys(value, ['apiVersion', 'kind', 'metadata', 'spec'], [], problem);
  const metadata = value['metadata'];
  const name = isObject(metadata) ? metadata['name'] : undefined;
  if (typeof name !== 'string' || name === '') return problem(['metadata'], 'metadata.name is required');
  const spec = value['spec'];
  if (!isObject(spec)) return problem(['spec'], 'spec is required');
  onlyKeys(spec, SPEC_KEYS, ['spec'], problem);
  if (spec['openpgp'] === undefined && spec['x509'] === undefined) return problem(['spec'], 'spec needs openpgp, x509 or both');
  const keyrings = spec['openpgp'] === undefined ? [] : [await material(spec['openpgp'], 'openpgp', ['keyring', 'keyringData'], path, problem)];
  const caBundles = spec['x509'] === undefined ? [] : [await material(spec['x509'], 'x509', ['caBundle', 'caBundleData'], path, problem)];

  const issuer = spec['issuer'];
  if (issuer !== undefined) {
    if (!isObject(issuer)) return problem(['spec', 'issuer'], 'spec.issuer must be a mapping');
    onlyKeys(issuer, ['commonName', 'organization'], ['spec', 'issuer'], problem);
  }
  const text = (v: unknown, at: string[]): string | undefined => {
    if (v === undefined) return undefined;
    return typeof v === 'string' ? v : problem(at, 'must be a string');
  };
  const list = (v: unknown, at: string[]): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return problem(at, 'must be a list of strings');
    return v as string[];
  };
  const commonName = isObject(issuer) ? text(issuer['commonName'], ['spec', 'issuer', 'commonName']) : undefined;
  const organization = isObject(issuer) ? text(issuer['organization'], ['spec', 'issuer', 'organization']) : undefined;
  const keyValidity = text(spec['keyValidity'], ['spec', 'keyValidity']);
  if (keyValidity !== undefined && keyValidity !== 'now' && keyValidity !== 'signingTime') {
    problem(['spec', 'keyValidity'], `keyValidity must be now or signingTime, not ${JSON.stringify(keyValidity)}`);
  }
  const revokedKeys = list(spec['revokedKeys'], ['spec', 'revokedKeys']);
  revokedKeys.forEach((key, i) => {
    if (normalizeKeyReference(key) === null) problem(['spec', 'revokedKeys', i], `${JSON.stringify(key)} is not a fingerprint or 16-hex key ID`);
  });
  const allowWeak = list(spec['allowWeakAlgorithms'], ['spec', 'allowWeakAlgorithms']);
  allowWeak.forEach((weak, i) => {
    if (!(WEAK_ALGORITHMS as readonly string[]).includes(weak)) problem(['spec', 'allowWeakAlgorithms', i], `allowWeakAlgorithms accepts ${WEAK_ALGORITHMS.join(', ')}, not ${JSON.stringify(weak)}`);
  });
  return {
    name,
    ...(commonName !== undefined || organization !== undefined
      ? { issuer: { ...(commonName !== undefined ? { commonName } : {}), ...(organization !== undefined ? { organization } : {}) } }
      : {}),
    ...(keyrings.length > 0 ? { keyrings } : {}),
    ...(caBundles.length > 0 ? { caBundles } : {}),
    ...(keyValidity !== undefined ? { keyValidity: keyValidity as KeyValidity } : {}),
    revokedKeys,
    allowWeakAlgorithms: allowWeak as WeakAlgorithm[],
  };
}

type Problem = (at: (string | number)[], message: string) => never;

/** `spec.openpgp` {keyring | keyringData} or `spec.x509` {caBundle | caBundleData}: the bytes and where they came from. */
async function material(value: unknown, part: 'openpgp' | 'x509', [fileKey, dataKey]: readonly [string, string], path: string, problem: Problem): Promise<{ data: Uint8Array; source: string }> {
  if (!isObject(value)) return problem(['spec', part], `spec.${part} must be a mapping`);
  onlyKeys(value, [fileKey, dataKey], ['spec', part], problem);
  const file = value[fileKey];
  const inline = value[dataKey];
  if ((file === undefined) === (inline === undefined)) return problem(['spec', part], `spec.${part} needs exactly one of ${fileKey} or ${dataKey}`);
  const what = part === 'openpgp' ? 'keyring' : 'CA bundle';
  if (typeof file === 'string') {
    const source = resolve(dirname(path), file);
    const data = await readFile(source).catch((error: NodeJS.ErrnoException) =>
      problem(['spec', part, fileKey], `cannot read ${what} ${source}: ${error.code === 'ENOENT' ? 'no such file' : error.code === 'EISDIR' ? 'is a directory' : error.message}`));
    return { data, source };
  }
  if (typeof inline === 'string') return { data: Buffer.from(inline, 'utf8'), source: `${path} (${dataKey})` };
  return problem(['spec', part], `${fileKey} must be a path and ${dataKey} ${part === 'openpgp' ? 'armored text' : 'PEM text'}`);
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], at: (string | number)[], problem: (at: (string | number)[], m: string) => never): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problem([...at, key], `unknown field ${JSON.stringify(key)} (allowed: ${allowed.join(', ')})`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
