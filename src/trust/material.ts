/**
 * Trust material: the OpenPGP keys and X.509 CA certificates of every trust root, indexed for
 * lookup, with a revision that changes whenever anything that could change a verdict changes. Built
 * once (async: openpgp parses keys), then read synchronously on every verification.
 */
import { createHash, type Hash } from 'node:crypto';
import { ConfigError } from '../codes.js';
import { readCaBundle } from '../x509/anchors.js';
import type { Certificate } from '../x509/certificate.js';
import { readPgpKeys } from './openpgp.js';
import type { PgpKey } from './pgp-key.js';
import { normalizeKeyReference, WEAK_ALGORITHMS, type KeyValidity, type TrustRootSpec, type WeakAlgorithm } from './spec.js';

// The trust root's plain-data shape lives in spec.ts, which the edge reads without loading openpgp.
export { normalizeKeyReference, WEAK_ALGORITHMS, type KeyValidity, type TrustRootSpec, type WeakAlgorithm } from './spec.js';

export interface TrustRoot {
  readonly name: string;
  readonly issuer: { readonly commonName?: string; readonly organization?: string };
  readonly keyValidity: KeyValidity;
  readonly revokedKeys: ReadonlySet<string>;
  readonly allowWeakAlgorithms: ReadonlySet<WeakAlgorithm>;
}

export interface TrustedKey {
  readonly key: PgpKey;
  readonly root: TrustRoot;
}

/** A CA certificate from a trust root's bundle. */
export interface TrustedAnchor {
  readonly cert: Certificate;
  readonly root: TrustRoot;
}

/** Opaque to callers: build it with `loadTrust`. */
export interface TrustMaterial {
  readonly revision: string;
  readonly roots: readonly TrustRoot[];
  readonly byKeyID: ReadonlyMap<string, readonly TrustedKey[]>;
  readonly byFingerprint: ReadonlyMap<string, readonly TrustedKey[]>;
  /** X.509 trust anchors by the hex of their subject name's DER, in trust order. */
  readonly anchorsBySubject: ReadonlyMap<string, readonly TrustedAnchor[]>;
}

/** Builds trust material from trust root specs. Throws ConfigError for any invalid root or keyring. */
export async function loadTrust(specs: readonly TrustRootSpec[]): Promise<TrustMaterial> {
  if (specs.length === 0) throw new ConfigError('no trust roots: nothing could ever be trusted');
  const revision = createHash('sha256');
  const roots: TrustRoot[] = [];
  const byKeyID = new Map<string, TrustedKey[]>();
  const byFingerprint = new Map<string, TrustedKey[]>();
  const anchorsBySubject = new Map<string, TrustedAnchor[]>();
  const names = new Set<string>();
  for (const spec of specs) {
    const root = toRoot(spec);
    if (names.has(root.name)) throw new ConfigError(`two trust roots are named ${JSON.stringify(root.name)}`);
    names.add(root.name);
    roots.push(root);
    // Every part is length-prefixed, so no two different trust sets hash alike.
    hashPart(revision, JSON.stringify({ ...root, revokedKeys: [...root.revokedKeys], allowWeakAlgorithms: [...root.allowWeakAlgorithms] }));
    const keyrings = spec.keyrings ?? [];
    const caBundles = spec.caBundles ?? [];
    if (keyrings.length === 0 && caBundles.length === 0) {
      throw new ConfigError(`trust root ${JSON.stringify(root.name)} has neither an OpenPGP keyring nor an X.509 CA bundle`);
    }
    hashPart(revision, `keyrings:${keyrings.length}`);
    for (const keyring of keyrings) {
      hashPart(revision, keyring.data);
      for (const key of await readPgpKeys(keyring.data, keyring.source ?? root.name)) {
        const entry = { key, root };
        push(byKeyID, key.keyID, entry);
        push(byFingerprint, key.fingerprint, entry);
      }
    }
    hashPart(revision, `caBundles:${caBundles.length}`);
    for (const bundle of caBundles) {
      hashPart(revision, bundle.data);
      for (const cert of readCaBundle(bundle.data, bundle.source ?? root.name)) {
        push(anchorsBySubject, Buffer.from(cert.subjectDer).toString('hex'), { cert, root });
      }
    }
  }
  return { revision: revision.digest('hex').slice(0, 16), roots, byKeyID, byFingerprint, anchorsBySubject };
}

function toRoot(spec: TrustRootSpec): TrustRoot {
  if (typeof spec.name !== 'string' || spec.name === '') throw new ConfigError('a trust root needs a name');
  const keyValidity = spec.keyValidity ?? 'now';
  if (keyValidity !== 'now' && keyValidity !== 'signingTime') {
    throw new ConfigError(`trust root ${JSON.stringify(spec.name)}: keyValidity must be now or signingTime, not ${JSON.stringify(keyValidity)}`);
  }
  const revoked = new Set<string>();
  for (const entry of spec.revokedKeys ?? []) {
    const normal = normalizeKeyReference(entry);
    if (normal === null) throw new ConfigError(`trust root ${JSON.stringify(spec.name)}: revokedKeys entry ${JSON.stringify(entry)} is not a fingerprint or key ID`);
    revoked.add(normal);
  }
  for (const weak of spec.allowWeakAlgorithms ?? []) {
    if (!(WEAK_ALGORITHMS as readonly string[]).includes(weak)) {
      throw new ConfigError(`trust root ${JSON.stringify(spec.name)}: allowWeakAlgorithms accepts ${WEAK_ALGORITHMS.join(', ')}, not ${JSON.stringify(weak)}`);
    }
  }
  return {
    name: spec.name,
    issuer: { ...(spec.issuer?.commonName ? { commonName: spec.issuer.commonName } : {}), ...(spec.issuer?.organization ? { organization: spec.issuer.organization } : {}) },
    keyValidity,
    revokedKeys: revoked,
    allowWeakAlgorithms: new Set(spec.allowWeakAlgorithms ?? []),
  };
}

function hashPart(hash: Hash, part: string | Uint8Array): void {
  const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
  const length = Buffer.alloc(8);
  length.writeBigUInt64BE(BigInt(bytes.length));
  hash.update(length).update(bytes);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
