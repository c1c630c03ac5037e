/**
 * Builds CMS SignedData blobs by hand for grammar tests: by default a valid signature by the fixture
 * P-256 signer over the fixture payload (signed attributes, chain = intermediate CA); every part can
 * be replaced to make one specific rule fail.
 */
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { readPemCertificates } from '../../../src/x509/anchors.js';
import { readCertificate, type Certificate } from '../../../src/x509/certificate.js';
import { derContext, derOctetString, derOid, derSequence, derSetOf, derSmallInteger, derTime, tlv } from '../../../src/x509/der-write.js';
import { readFixture } from '../../helpers/images.js';

export const OIDS = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  ecdsaSha256: '1.2.840.10045.4.3.2',
} as const;

export function fixtureCertificate(name: string): Certificate {
  const [der] = readPemCertificates(readFixture(`x509/certs/${name}.pem`), name);
  const cert = readCertificate(der!);
  if (typeof cert === 'string') throw new Error(cert);
  return cert;
}

export const PAYLOAD = readFixture('x509/payload.json');
export const SIGNING_TIME = new Date('2025-06-01T00:00:00Z');

export interface Parts {
  contentType?: string;
  version?: number;
  digestAlgorithms?: readonly Uint8Array[];
  eContentType?: string;
  /** null: detached (no eContent). */
  eContent?: Uint8Array | null;
  /** 0x04 (DER) or 0x24 (a BER constructed OCTET STRING). */
  eContentTag?: number;
  certificates?: readonly Uint8Array[] | null;
  crls?: boolean;
  signerVersion?: number;
  /** Replaces the signer identifier (default: issuerAndSerialNumber of the leaf). */
  sid?: Uint8Array;
  digestOid?: string;
  /** null: no signed attributes; otherwise the attribute encodings (default: content type, signing time, digest). */
  attributes?: readonly Uint8Array[] | null;
  signatureAlgorithm?: Uint8Array;
  /** Replaces the signature value. */
  signature?: Uint8Array;
  unsignedAttributes?: boolean;
  /** Extra SignerInfos after the first. */
  extraSigners?: readonly Uint8Array[];
  /** The signing key (default: the fixture P-256 signer) and its certificate. */
  signer?: string;
}

export const attribute = (oid: string, ...values: Uint8Array[]): Uint8Array => derSequence(derOid(oid), derSetOf(values));

export function defaultAttributes(payload: Uint8Array = PAYLOAD, hash = 'sha256'): Uint8Array[] {
  return [
    attribute(OIDS.contentType, derOid(OIDS.data)),
    attribute(OIDS.signingTime, derTime(SIGNING_TIME)),
    attribute(OIDS.messageDigest, derOctetString(createHash(hash).update(payload).digest())),
  ];
}

/** The blob for `parts`, signed with the fixture key over whatever the attributes (or content) are. */
export function buildCms(parts: Parts = {}): Uint8Array {
  const signerName = parts.signer ?? 'signer-p256';
  const leaf = fixtureCertificate(signerName);
  const key = createPrivateKey(Buffer.from(readFixture(`x509/keys/${signerName}.key`)));
  const payload = parts.eContent ?? PAYLOAD;
  const attributes = parts.attributes === null ? null : derSetOf(parts.attributes ?? defaultAttributes(payload));
  const signed = attributes ?? payload;
  const signature = parts.signature ?? sign(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', signed, key);
  const digestAlgorithm = derSequence(derOid(parts.digestOid ?? OIDS.sha256));
  const signerInfo = derSequence(
    derSmallInteger(parts.signerVersion ?? 1),
    parts.sid ?? derSequence(leaf.issuerDer, tlv(0x02, leaf.serialBytes)),
    digestAlgorithm,
    ...(attributes ? [Uint8Array.of(0xa0, ...attributes.subarray(1))] : []),
    parts.signatureAlgorithm ?? derSequence(derOid(OIDS.ecdsaSha256)),
    derOctetString(signature),
    ...(parts.unsignedAttributes ? [derContext(1, attribute('1.2.3.4', derOctetString(Uint8Array.of(1))))] : []),
  );
  const certificates = parts.certificates === undefined ? [leaf.der, fixtureCertificate('intermediate-ca').der] : parts.certificates;
  const encap = parts.eContent === null
    ? derSequence(derOid(parts.eContentType ?? OIDS.data))
    : derSequence(derOid(parts.eContentType ?? OIDS.data), derContext(0, tlv(parts.eContentTag ?? 0x04, ...(parts.eContentTag === 0x24 ? [derOctetString(payload)] : [payload]))));
  const signedData = derSequence(
    derSmallInteger(parts.version ?? 1),
    derSetOf(parts.digestAlgorithms ?? [digestAlgorithm]),
    encap,
    ...(certificates === null ? [] : [derContext(0, ...certificates)]),
    ...(parts.crls ? [derContext(1, derSequence())] : []),
    derSetOf([signerInfo, ...(parts.extraSigners ?? [])]),
  );
  return derSequence(derOid(parts.contentType ?? OIDS.signedData), derContext(0, signedData));
}
