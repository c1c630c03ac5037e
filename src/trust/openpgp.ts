/**
 * The only importer of `openpgp`. It does the hard part once per trust revision: reading keyrings,
 * checking self-signatures, subkey bindings and back-signatures, and collecting expiry and
 * revocation facts. Verification later uses plain data and `node:crypto` key objects.
 * It also makes signatures for `imagetrust sign` (`readOpenPgpSigner`).
 */
import * as openpgp from 'openpgp';
import { ConfigError } from '../codes.js';
import { toVerificationKey } from './key-objects.js';
import type { PgpKey, Revocation } from './pgp-key.js';

// Key self-signatures made with SHA-1 stay valid (as in GnuPG): release keys carry them.
const CONFIG: openpgp.Config = {
  ...openpgp.config,
  rejectHashAlgorithms: new Set([openpgp.enums.hash.md5, openpgp.enums.hash.ripemd]),
  minRSABits: 512,
};

// openpgp treats an absent date as "now"; null disables its time checks, which we apply ourselves.
const NO_TIME = null as unknown as Date;

const SOFT_REASONS = new Set<number>([
  openpgp.enums.reasonForRevocation.keySuperseded,
  openpgp.enums.reasonForRevocation.keyRetired,
  openpgp.enums.reasonForRevocation.userIDInvalid,
]);

/**
 * Reads every public key in a keyring (binary, armored, or armor preceded by text such as a
 * `gpg --list-keys` listing). Throws ConfigError when the bytes hold no public key at all.
 */
export async function readPgpKeys(bytes: Uint8Array, source: string): Promise<PgpKey[]> {
  let keys: openpgp.Key[];
  try {
    keys = await parseKeyring(bytes);
  } catch (error) {
    throw new ConfigError(`${source}: not an OpenPGP keyring (${(error as Error).message})`, { cause: error });
  }
  if (keys.length === 0) throw new ConfigError(`${source}: the keyring holds no public key`);
  const out: PgpKey[] = [];
  for (const key of keys) out.push(...(await describeKey(key.isPrivate() ? key.toPublic() : key)));
  return out;
}

async function parseKeyring(bytes: Uint8Array): Promise<openpgp.Key[]> {
  const text = Buffer.from(bytes).toString('latin1');
  const blocks = text.match(/-----BEGIN PGP (?:PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP (?:PUBLIC|PRIVATE) KEY BLOCK-----/g);
  if (blocks) {
    const keys: openpgp.Key[] = [];
    for (const armoredKeys of blocks) keys.push(...(await openpgp.readKeys({ armoredKeys, config: CONFIG })));
    return keys;
  }
  if (text.includes('-----BEGIN PGP')) throw new Error('armor that is not a key block');
  return openpgp.readKeys({ binaryKeys: bytes, config: CONFIG });
}

async function describeKey(key: openpgp.Key): Promise<PgpKey[]> {
  const primary = key.keyPacket;
  const primaryFingerprint = key.getFingerprint().toUpperCase();
  const found = await key.getPrimaryUser(NO_TIME, {}, CONFIG).catch(() => null);
  const user = userFields(found?.user.userID ?? key.users.find((u) => u.userID)?.userID ?? null);
  const selfSignature = found?.selfCertification ?? null;
  const primaryExpiry = toSeconds(await key.getExpirationTime(undefined, CONFIG));
  const primaryRevocations = await verifiedRevocations(key.revocationSignatures, (sig) =>
    sig.verify(primary, openpgp.enums.signature.keyRevocation, { key: primary }, NO_TIME, false, CONFIG));
  const base = { primaryFingerprint, ...user };
  const keys: PgpKey[] = [
    {
      ...base,
      ...material(primary),
      isSubkey: false,
      expires: primaryExpiry ?? Infinity,
      revocations: primaryRevocations,
      ...(selfSignature === null ? { unusable: 'no valid self-signature' } : !canSign(selfSignature) ? { unusable: 'not a signing key' } : {}),
    },
  ];
  for (const subkey of key.subkeys) {
    const bind = { key: primary, bind: subkey.keyPacket };
    const binding = await latestValid(subkey.bindingSignatures, (sig) =>
      sig.verify(primary, openpgp.enums.signature.subkeyBinding, bind, NO_TIME, false, CONFIG));
    const revocations = await verifiedRevocations(subkey.revocationSignatures, (sig) =>
      sig.verify(primary, openpgp.enums.signature.subkeyRevocation, bind, NO_TIME, false, CONFIG));
    const subkeyExpiry = toSeconds(await subkey.getExpirationTime(NO_TIME, CONFIG)) ?? Infinity;
    let unusable: string | undefined;
    if (binding === null) unusable = 'no valid subkey binding signature';
    else if (!canSign(binding)) unusable = 'not a signing key';
    else if (!(await backSigned(binding, subkey))) unusable = 'signing subkey is not cross-certified';
    keys.push({
      ...base,
      ...material(subkey.keyPacket),
      isSubkey: true,
      expires: Math.min(primaryExpiry ?? Infinity, subkeyExpiry),
      revocations: [...primaryRevocations, ...revocations],
      ...(selfSignature === null ? { unusable: 'primary key has no valid self-signature' } : unusable ? { unusable } : {}),
    });
  }
  return keys;
}

function material(packet: openpgp.PublicKeyPacket | openpgp.SecretKeyPacket | openpgp.PublicSubkeyPacket | openpgp.SecretSubkeyPacket) {
  const info = packet.getAlgorithmInfo();
  const verification = toVerificationKey(packet.algorithm, packet.publicParams as Record<string, unknown>, info.curve);
  return {
    fingerprint: packet.getFingerprint().toUpperCase(),
    keyID: packet.getKeyID().toHex().toUpperCase(),
    created: Math.floor(packet.getCreationTime().getTime() / 1000),
    algorithm: describeAlgorithm(info),
    ...(info.bits !== undefined ? { bits: info.bits } : {}),
    ...(verification ? { verification } : {}),
  };
}

function describeAlgorithm(info: openpgp.AlgorithmInfo): string {
  if (info.bits !== undefined) return `${info.algorithm === 'dsa' ? 'DSA' : 'RSA'}-${info.bits}`;
  if (info.algorithm === 'ecdsa') return `ECDSA ${info.curve ?? ''}`.trim();
  return info.curve === 'ed25519Legacy' || info.algorithm === 'ed25519' ? 'Ed25519' : info.algorithm;
}

function canSign(signature: openpgp.SignaturePacket): boolean {
  // Keys from before key flags existed may sign if their algorithm can.
  return !signature.keyFlags || ((signature.keyFlags[0] ?? 0) & openpgp.enums.keyFlags.signData) !== 0;
}

async function backSigned(binding: openpgp.SignaturePacket, subkey: openpgp.Subkey): Promise<boolean> {
  const embedded = binding.embeddedSignature;
  if (!embedded) return false;
  const primary = subkey.mainKey.keyPacket;
  try {
    await embedded.verify(subkey.keyPacket, openpgp.enums.signature.keyBinding, { key: primary, bind: subkey.keyPacket }, NO_TIME, false, CONFIG);
    return true;
  } catch {
    return false;
  }
}

async function latestValid(signatures: readonly openpgp.SignaturePacket[], check: (sig: openpgp.SignaturePacket) => Promise<void>): Promise<openpgp.SignaturePacket | null> {
  const newestFirst = [...signatures].sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0));
  for (const sig of newestFirst) {
    try {
      await check(sig);
      return sig;
    } catch {
      // an invalid binding is ignored, as GnuPG does; an older valid one may still bind the key
    }
  }
  return null;
}

async function verifiedRevocations(signatures: readonly openpgp.SignaturePacket[], check: (sig: openpgp.SignaturePacket) => Promise<void>): Promise<Revocation[]> {
  const out: Revocation[] = [];
  for (const sig of signatures) {
    try {
      await check(sig);
    } catch {
      continue; // a revocation that does not verify revokes nothing
    }
    const flag = sig.reasonForRevocationFlag ?? 0;
    out.push({
      time: Math.floor((sig.created?.getTime() ?? 0) / 1000),
      hard: !SOFT_REASONS.has(flag),
      reason: sig.reasonForRevocationString || revocationReasonName(flag),
    });
  }
  return out;
}

function revocationReasonName(flag: number): string {
  const names: Record<number, string> = { 0: 'no reason given', 1: 'key superseded', 2: 'key compromised', 3: 'key retired', 32: 'user ID no longer valid' };
  return names[flag] ?? `reason ${flag}`;
}

function userFields(userID: openpgp.UserIDPacket | null): { commonName?: string; organization?: string; email?: string } {
  if (!userID) return {};
  // "Name (Comment) <email>": the comment is where signers conventionally put their organization.
  return {
    ...(userID.name ? { commonName: userID.name } : {}),
    ...(userID.comment ? { organization: userID.comment } : {}),
    ...(userID.email ? { email: userID.email } : {}),
  };
}

function toSeconds(value: Date | number | null): number | null {
  if (value === null) return null;
  if (value instanceof Date) return Math.floor(value.getTime() / 1000);
  return value;
}

/** Signs simple-signing payloads with one OpenPGP secret key. */
export interface OpenPgpSigner {
  /** Primary key fingerprint, upper-case hex. */
  readonly fingerprint: string;
  /**
   * A binary signed message as gpg makes it: a ZIP-compressed packet holding a one-pass signature,
   * the literal data (binary, no file name) and one V4 signature packet, by the key's signing
   * subkey or its primary key. Rejects with ConfigError when the key cannot sign at `date`.
   */
  sign(payload: Uint8Array, date: Date): Promise<Uint8Array>;
}

const SIGN_CONFIG: Partial<openpgp.Config> = {
  preferredHashAlgorithm: openpgp.enums.hash.sha256,
  // A random salt notation is openpgp.js's own addition: gpg signatures carry none.
  nonDeterministicSignaturesViaNotation: false,
};

/**
 * Reads exactly one OpenPGP secret key (armored or binary) and unlocks it with `passphrase` when it
 * is protected. Throws ConfigError naming `source`; the key material never appears in messages.
 */
export async function readOpenPgpSigner(bytes: Uint8Array, passphrase: string | undefined, source: string): Promise<OpenPgpSigner> {
  const keys: openpgp.PrivateKey[] = [];
  try {
    const text = Buffer.from(bytes).toString('latin1');
    if (!text.includes('-----BEGIN PGP')) keys.push(...(await openpgp.readPrivateKeys({ binaryKeys: bytes, config: CONFIG })));
    // Every armored block counts: a second key after the first must not be silently ignored.
    for (const armoredKeys of text.match(/-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]*?-----END PGP PRIVATE KEY BLOCK-----/g) ?? []) {
      keys.push(...(await openpgp.readPrivateKeys({ armoredKeys, config: CONFIG })));
    }
  } catch {
    throw new ConfigError(`${source}: not an OpenPGP secret key`);
  }
  const [found, ...others] = keys;
  if (!found) throw new ConfigError(`${source}: holds no OpenPGP secret key`);
  if (others.length > 0) throw new ConfigError(`${source}: holds ${keys.length} secret keys; give a file with exactly one`);
  let key = found;
  if (!key.isDecrypted()) {
    if (passphrase === undefined) throw new ConfigError(`${source}: the secret key is protected; give --passphrase-file`);
    try {
      key = await openpgp.decryptKey({ privateKey: key, passphrase, config: CONFIG });
    } catch {
      throw new ConfigError(`${source}: the passphrase does not unlock the secret key`);
    }
  }
  const unlocked = key;
  return {
    fingerprint: unlocked.getFingerprint().toUpperCase(),
    sign: async (payload, date) => {
      let signed: openpgp.Message<Uint8Array>;
      try {
        const message = await openpgp.createMessage({ binary: payload, format: 'binary', date });
        signed = await openpgp.sign({ message, signingKeys: unlocked, format: 'object', date, config: SIGN_CONFIG });
      } catch (error) {
        throw new ConfigError(`${source}: cannot sign with this key at ${date.toISOString()} (${(error as Error).message})`);
      }
      // openpgp.js has Message.compress at run time, though its type definitions omit it.
      const compressible = signed as unknown as { compress?: (algorithm: openpgp.enums.compression) => openpgp.Message<Uint8Array> };
      const out = typeof compressible.compress === 'function' ? compressible.compress(openpgp.enums.compression.zip) : signed;
      return readAll(out.write());
    },
  };
}

async function readAll(data: unknown): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data;
  const reader = (data as { getReader?: () => ReadableStreamDefaultReader<Uint8Array> }).getReader?.();
  if (!reader) throw new Error('openpgp returned neither bytes nor a stream');
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return new Uint8Array(Buffer.concat(parts));
}
