/**
 * One X.509 certificate, read once: `node:crypto` parses it and holds the public key, `der.ts`
 * locates the raw names, serial number and SubjectPublicKeyInfo (compared byte for byte), and
 * `asn1.ts` decodes the extensions Node does not expose. Strict where signatures could otherwise
 * be malleable: DER only, the outer and inner signature algorithms equal, no unused bits.
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { decodeCertificate, type ExtensionFacts, type NameFacts } from './asn1.js';
import { signatureScheme, type SignatureScheme } from './algorithms.js';
import { algorithm, childrenOf, DerError, expectTag, minimalInteger, readWhole, sequence, TAG, type DerNode } from './der.js';

export interface Certificate {
  readonly der: Uint8Array;
  readonly node: X509Certificate;
  readonly publicKey: KeyObject;
  /** SHA-256 of the DER SubjectPublicKeyInfo, upper-case hex: the key's identity in reports. */
  readonly fingerprint: string;
  /** Upper-case hex, as `node:crypto` prints it. */
  readonly serialNumber: string;
  /** Content bytes of the serial number INTEGER, for matching a CMS signer identifier. */
  readonly serialBytes: Uint8Array;
  /** DER of the issuer and subject names: chains link by exact name equality. */
  readonly issuerDer: Uint8Array;
  readonly subjectDer: Uint8Array;
  readonly subject: NameFacts;
  readonly issuer: NameFacts;
  /** Seconds since the epoch, inclusive on both ends (RFC 5280). */
  readonly notBefore: number;
  readonly notAfter: number;
  /** How this certificate's own signature is checked, or why it cannot be. */
  readonly signature: SignatureScheme | string;
  readonly extensions: ExtensionFacts;
}

/** Reads one DER certificate. Returns a problem text instead of throwing. */
export function readCertificate(der: Uint8Array): Certificate | string {
  let raw: RawParts;
  try {
    raw = rawParts(der);
  } catch (error) {
    return `certificate is not DER (${error instanceof DerError ? error.message : 'unreadable'})`;
  }
  let node: X509Certificate;
  let publicKey: KeyObject;
  try {
    node = new X509Certificate(der);
    publicKey = node.publicKey;
  } catch {
    return 'certificate or its public key cannot be parsed';
  }
  const fields = decodeCertificate(der);
  if (typeof fields === 'string') return fields;
  return {
    der,
    node,
    publicKey,
    fingerprint: createHash('sha256').update(raw.spki).digest('hex').toUpperCase(),
    serialNumber: node.serialNumber.toUpperCase(),
    serialBytes: raw.serial,
    issuerDer: raw.issuer,
    subjectDer: raw.subject,
    subject: fields.subject,
    issuer: fields.issuer,
    notBefore: fields.notBefore,
    notAfter: fields.notAfter,
    signature: raw.signature,
    extensions: fields.extensions,
  };
}

interface RawParts {
  readonly serial: Uint8Array;
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly spki: Uint8Array;
  readonly signature: SignatureScheme | string;
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }. Throws DerError. */
function rawParts(der: Uint8Array): RawParts {
  const [tbs, outerAlgorithm, signatureValue, ...rest] = sequence(readWhole(der), 'certificate');
  if (rest.length > 0) throw new DerError('certificate has extra fields');
  const fields = sequence(tbs, 'tbsCertificate');
  const offset = fields[0]?.tag === (TAG.context | 0) ? 1 : 0;
  const serial = expectTag(fields[offset], TAG.integer, 'serial number');
  minimalInteger(serial.content, 'serial number');
  const innerAlgorithm = fields[offset + 1];
  if (!innerAlgorithm || !outerAlgorithm || !Buffer.from(innerAlgorithm.bytes).equals(outerAlgorithm.bytes)) {
    throw new DerError('the signature algorithm inside and outside the signed part differ');
  }
  const issuer = expectTag(fields[offset + 2], TAG.sequence, 'issuer');
  const subject = expectTag(fields[offset + 4], TAG.sequence, 'subject');
  const spki = expectTag(fields[offset + 5], TAG.sequence, 'subjectPublicKeyInfo');
  noUnusedBits(childrenOf(spki)[1], 'subject public key');
  noUnusedBits(signatureValue, 'signature value');
  const id = algorithm(innerAlgorithm, 'certificate signature algorithm');
  return { serial: serial.content, issuer: issuer.bytes, subject: subject.bytes, spki: spki.bytes, signature: signatureScheme(id.oid, id.params, null) };
}

function noUnusedBits(node: DerNode | undefined, what: string): void {
  const bits = expectTag(node, TAG.bitString, what);
  if (bits.content.length === 0 || bits.content[0] !== 0) throw new DerError(`${what} has unused bits`);
}

/** Whether `cert`'s signature verifies with `issuer`'s key (node:crypto). Never throws. */
export function signedBy(cert: Certificate, issuer: Certificate): boolean {
  try {
    return cert.node.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** Byte equality of two DER fields. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
