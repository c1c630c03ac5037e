/**
 * X.509 signing for `imagetrust sign`: a DER CMS SignedData (RFC 5652) with the payload
 * encapsulated as id-data, the signer certificate and its chain included, and the signed attributes
 * content-type, signing-time and message-digest; signed with node:crypto. RSA and ECDSA P-256
 * sign over SHA-256 (P-384: SHA-384, P-521: SHA-512); Ed25519 uses SHA-512 as RFC 8419 requires.
 */
import { createHash, createPrivateKey, createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { ConfigError } from '../codes.js';
import { HASH_OID_OF, type HashName } from '../x509/algorithms.js';
import { EKU_CODE_SIGNING, KEY_USAGE } from '../x509/asn1.js';
import { readPemCertificates } from '../x509/anchors.js';
import { readCertificate, type Certificate } from '../x509/certificate.js';
import { OID } from '../x509/cms.js';
import { derContext, derOctetString, derOid, derSequence, derSetOf, derSmallInteger, derTime, DER_NULL, tlv } from '../x509/der-write.js';
import { TAG } from '../x509/der.js';
import type { ImageSigner } from './signer.js';

/** A private key and the certificates to carry: the signer's first, then its chain. */
export interface CmsSigningMaterial {
  readonly privateKey: KeyObject;
  readonly certificates: readonly Certificate[];
}

export interface X509SignerFiles {
  readonly key: { readonly data: Uint8Array; readonly source: string };
  readonly certificate: { readonly data: Uint8Array; readonly source: string };
  readonly chain?: { readonly data: Uint8Array; readonly source: string };
  readonly passphrase?: string;
}

/**
 * A signer from PEM files' bytes: the private key (PKCS#8, PKCS#1 or SEC1; encrypted ones need the
 * passphrase), the signer certificate (further certificates in that file are taken as its chain) and
 * an optional chain file. Throws ConfigError when a file cannot be used, the key does not belong to
 * the certificate, or the certificate may not sign code (key usage, extended key usage).
 */
export function createX509Signer(files: X509SignerFiles): ImageSigner {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(files.key.data), ...(files.passphrase !== undefined ? { passphrase: files.passphrase } : {}) });
  } catch {
    throw new ConfigError(`${files.key.source}: not a usable private key${files.passphrase === undefined ? ' (an encrypted key needs --passphrase-file)' : ' (or the passphrase is wrong)'}`);
  }
  const certificates = [
    ...readPemCertificates(files.certificate.data, files.certificate.source).map((der) => certificate(der, files.certificate.source)),
    ...(files.chain ? readPemCertificates(files.chain.data, files.chain.source).map((der) => certificate(der, files.chain?.source ?? '')) : []),
  ];
  const [leaf] = certificates;
  if (!leaf) throw new ConfigError(`${files.certificate.source}: no certificate`);
  const spki = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });
  if (!spki(leaf.publicKey).equals(spki(createPublicKey(privateKey)))) throw new ConfigError(`${files.key.source}: the private key does not belong to the certificate ${leaf.subject.text}`);
  const { keyUsage, extKeyUsage } = leaf.extensions;
  if ((keyUsage !== undefined && (keyUsage & KEY_USAGE.digitalSignature) === 0) || (extKeyUsage !== undefined && !extKeyUsage.includes(EKU_CODE_SIGNING))) {
    throw new ConfigError(`${files.certificate.source}: certificate ${leaf.subject.text} may not sign code (needs key usage digitalSignature and, when it has an extended key usage, codeSigning)`);
  }
  const material = { privateKey, certificates };
  return {
    type: 'x509',
    description: `${leaf.fingerprint} (${leaf.subject.text})`,
    sign: (payload, date) => Promise.resolve(signCms(payload, material, date)),
  };
}

function certificate(der: Uint8Array, source: string): Certificate {
  const cert = readCertificate(der);
  if (typeof cert === 'string') throw new ConfigError(`${source}: ${cert}`);
  return cert;
}

/**
 * The CMS SignedData DER. `signedAttributes: false` signs the content directly (no attributes), as
 * `openssl cms -noattr` does; the fixtures use it. Throws ConfigError for an unsupported key type.
 */
export function signCms(payload: Uint8Array, material: CmsSigningMaterial, signingTime: Date, options: { readonly signedAttributes?: boolean } = {}): Uint8Array {
  const [leaf] = material.certificates;
  if (!leaf) throw new ConfigError('no signer certificate');
  const { hash, signatureOid, rsa } = algorithmFor(material.privateKey);
  const digestAlgorithm = derSequence(derOid(HASH_OID_OF[hash]));
  const attributes = options.signedAttributes === false ? null : derSetOf([
    derSequence(derOid(OID.contentType), derSetOf([derOid(OID.data)])),
    derSequence(derOid(OID.signingTime), derSetOf([derTime(signingTime)])),
    derSequence(derOid(OID.messageDigest), derSetOf([derOctetString(createHash(hash).update(payload).digest())])),
  ]);
  const signed = attributes ?? payload;
  const signature = material.privateKey.asymmetricKeyType === 'ed25519'
    ? cryptoSign(null, signed, material.privateKey)
    : cryptoSign(hash, signed, material.privateKey);
  const signerInfo = derSequence(
    derSmallInteger(1),
    derSequence(leaf.issuerDer, tlv(TAG.integer, leaf.serialBytes)),
    digestAlgorithm,
    ...(attributes ? [Uint8Array.of(TAG.context | 0, ...attributes.subarray(1))] : []),
    rsa ? derSequence(derOid(signatureOid), DER_NULL) : derSequence(derOid(signatureOid)),
    derOctetString(signature),
  );
  const signedData = derSequence(
    derSmallInteger(1),
    derSetOf([digestAlgorithm]),
    derSequence(derOid(OID.data), derContext(0, derOctetString(payload))),
    derContext(0, ...material.certificates.map((cert) => cert.der)),
    derSetOf([signerInfo]),
  );
  return derSequence(derOid(OID.signedData), derContext(0, signedData));
}

function algorithmFor(key: KeyObject): { readonly hash: HashName; readonly signatureOid: string; readonly rsa: boolean } {
  const type = key.asymmetricKeyType;
  switch (type) {
    case 'rsa':
      return { hash: 'sha256', signatureOid: '1.2.840.113549.1.1.11', rsa: true };
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1') return { hash: 'sha256', signatureOid: '1.2.840.10045.4.3.2', rsa: false };
      if (curve === 'secp384r1') return { hash: 'sha384', signatureOid: '1.2.840.10045.4.3.3', rsa: false };
      if (curve === 'secp521r1') return { hash: 'sha512', signatureOid: '1.2.840.10045.4.3.4', rsa: false };
      throw new ConfigError(`ECDSA curve ${curve ?? 'unknown'} is not supported (P-256, P-384, P-521)`);
    }
    case 'ed25519':
      return { hash: 'sha512', signatureOid: '1.3.101.112', rsa: false };
    case 'rsa-pss':
    case 'dsa':
    case 'ed448':
    case 'x25519':
    case 'x448':
    case undefined:
    default:
      throw new ConfigError(`${type ?? 'unknown'} keys cannot sign here (RSA, ECDSA P-256/384/521, Ed25519)`);
  }
}
