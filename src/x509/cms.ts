/**
 * The CMS grammar an `x509` signature must follow (RFC 5652): a DER ContentInfo holding SignedData
 * with encapsulated `id-data` content (the payload), certificates, no CRLs, and exactly one
 * SignerInfo; signed attributes, when present, with exactly one content type (`id-data`) and one
 * message digest, and at most one signing time. Nothing is verified here: every field is untrusted.
 */
import { fail, type Failure } from '../codes.js';
import type { MessageLimits } from '../pgp/message.js';
import { HASH_OIDS, type HashName } from './algorithms.js';
import {
  absentOrNull, algorithm, childrenOf, DerError, expectTag, oid, readWhole, sequence, smallInteger, TAG, time, type DerNode,
} from './der.js';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
} as const;

/** Most certificates one signature may carry. */
export const MAX_CERTIFICATES = 16;
/** Largest certificate accepted, in bytes (real ones are a few KiB; each is decoded on a chain-cache miss). */
export const MAX_CERTIFICATE_BYTES = 64 * 1024;

export type SignerIdentifier =
  | { readonly kind: 'issuerAndSerial'; readonly issuer: Uint8Array; readonly serial: Uint8Array }
  | { readonly kind: 'subjectKeyId'; readonly keyId: Uint8Array };

export interface UntrustedSignerInfo {
  readonly sid: SignerIdentifier;
  /** The signer identifier's encoding (part of the chain-cache key). */
  readonly sidBytes: Uint8Array;
  readonly digest: HashName;
  /** When present the signature is over `der` (the attributes re-tagged as a DER SET). */
  readonly signedAttributes: { readonly der: Uint8Array; readonly messageDigest: Uint8Array; readonly signingTime?: number } | null;
  readonly signatureAlgorithm: { readonly oid: string; readonly params: DerNode | null };
  readonly signature: Uint8Array;
}

export interface UntrustedSignedData {
  /** The encapsulated content: the simple-signing payload, not yet authenticated. */
  readonly untrustedPayload: Uint8Array;
  /** DER certificates in the order carried. */
  readonly certificates: readonly Uint8Array[];
  /** The encoding of the whole certificate set (empty when absent): one view for the chain-cache key. */
  readonly certificateSet: Uint8Array;
  readonly signer: UntrustedSignerInfo;
}

/** Never throws: the SignedData's parts, or the first rule it breaks. */
export function parseSignedData(blob: Uint8Array, limits: MessageLimits): UntrustedSignedData | Failure {
  if (blob.length > limits.maxBlobBytes) {
    return fail('TooLarge', `signature blob is ${blob.length} bytes, over the ${limits.maxBlobBytes}-byte blob size bound`);
  }
  if (blob.length === 0) return fail('MalformedSignature', 'empty signature blob');
  try {
    return parse(blob, limits);
  } catch (error) {
    if (error instanceof Bound) return fail(error.code, error.message);
    return fail('MalformedSignature', `not a DER CMS SignedData: ${error instanceof DerError ? error.message : 'unreadable'}`);
  }
}

class Bound extends Error {
  constructor(readonly code: 'TooLarge' | 'MultipleSignatures', message: string) {
    super(message);
  }
}

function parse(blob: Uint8Array, limits: MessageLimits): UntrustedSignedData {
  const [contentType, explicit, ...extra] = sequence(readWhole(blob), 'ContentInfo');
  if (oid(contentType, 'content type') !== OID.signedData || extra.length > 0) throw new DerError('not a SignedData ContentInfo');
  const [signedData, ...more] = sequence(explicit, 'SignedData content', TAG.context | 0);
  if (more.length > 0) throw new DerError('extra data after SignedData');
  const fields = sequence(signedData, 'SignedData');
  const version = smallInteger(fields[0], 'SignedData version');
  const digestAlgorithms = sequence(fields[1], 'digestAlgorithms', TAG.set).map((node) => algorithm(node, 'digest algorithm'));
  const [eContentType, eContentExplicit, ...encapExtra] = sequence(fields[2], 'encapContentInfo');
  if (oid(eContentType, 'eContentType') !== OID.data || encapExtra.length > 0) throw new DerError('the encapsulated content is not id-data');
  if (eContentExplicit === undefined) throw new DerError('detached signatures are not accepted: the payload must be encapsulated');
  const [eContent, ...eExtra] = sequence(eContentExplicit, 'eContent', TAG.context | 0);
  const payload = expectTag(eContent, TAG.octetString, 'eContent (a primitive OCTET STRING)').content;
  if (eExtra.length > 0) throw new DerError('extra data after eContent');
  if (payload.length > limits.maxPayloadBytes) {
    throw new Bound('TooLarge', `signed payload is ${payload.length} bytes, over the ${limits.maxPayloadBytes}-byte payload bound`);
  }
  let next = 3;
  let certificates: Uint8Array[] = [];
  const certificateSet = fields[next]?.tag === (TAG.context | 0) ? (fields[next] as DerNode).bytes : new Uint8Array(0);
  if (fields[next]?.tag === (TAG.context | 0)) {
    certificates = childrenOf(fields[next] as DerNode).map((cert) => expectTag(cert, TAG.sequence, 'certificate (only X.509 certificates are accepted)').bytes);
    if (certificates.length > MAX_CERTIFICATES) {
      throw new Bound('TooLarge', `the signature carries ${certificates.length} certificates, over the bound of ${MAX_CERTIFICATES}`);
    }
    const large = certificates.find((cert) => cert.length > MAX_CERTIFICATE_BYTES);
    if (large) throw new Bound('TooLarge', `the signature carries a certificate of ${large.length} bytes, over the bound of ${MAX_CERTIFICATE_BYTES}`);
    next++;
  }
  if (fields[next]?.tag === (TAG.context | 1)) throw new DerError('CRLs inside the signature are not accepted');
  const signerInfos = sequence(fields[next], 'signerInfos', TAG.set);
  if (fields.length !== next + 1) throw new DerError('unexpected fields in SignedData');
  if (signerInfos.length === 0) throw new DerError('no SignerInfo');
  if (signerInfos.length > 1) throw new Bound('MultipleSignatures', `the SignedData holds ${signerInfos.length} signers; exactly one is accepted`);
  const signer = signerInfo(signerInfos[0]);
  // RFC 5652 5.1: version 1 unless a signer is identified by key identifier (then 3).
  if (version !== (signer.sid.kind === 'subjectKeyId' ? 3 : 1)) throw new DerError(`SignedData version ${version} does not match its contents`);
  const [listed, ...others] = digestAlgorithms;
  if (!listed || others.length > 0 || HASH_OIDS[listed.oid] !== signer.digest || !absentOrNull(listed.params)) {
    throw new DerError('digestAlgorithms must list exactly the signer\'s digest algorithm');
  }
  return { untrustedPayload: payload, certificates, certificateSet, signer };
}

function signerInfo(node: DerNode | undefined): UntrustedSignerInfo {
  const fields = sequence(node, 'SignerInfo');
  const version = smallInteger(fields[0], 'SignerInfo version');
  const sidNode = fields[1];
  let sid: SignerIdentifier;
  if (sidNode?.tag === TAG.sequence) {
    const [issuer, serial, ...rest] = childrenOf(sidNode);
    if (rest.length > 0) throw new DerError('malformed issuerAndSerialNumber');
    sid = { kind: 'issuerAndSerial', issuer: expectTag(issuer, TAG.sequence, 'signer issuer').bytes, serial: expectTag(serial, TAG.integer, 'signer serial number').content };
  } else if (sidNode?.tag === (TAG.contextPrimitive | 0)) {
    sid = { kind: 'subjectKeyId', keyId: sidNode.content };
  } else {
    throw new DerError('malformed signer identifier');
  }
  if (version !== (sid.kind === 'subjectKeyId' ? 3 : 1)) throw new DerError(`SignerInfo version ${version} does not match its signer identifier`);
  const digestId = algorithm(fields[2], 'signer digest algorithm');
  const digest = HASH_OIDS[digestId.oid];
  if (digest === undefined || !absentOrNull(digestId.params)) throw new DerError(`digest algorithm ${digestId.oid} is not supported`);
  let next = 3;
  let signedAttributes: UntrustedSignerInfo['signedAttributes'] = null;
  if (fields[next]?.tag === (TAG.context | 0)) {
    signedAttributes = attributes(fields[next] as DerNode);
    next++;
  }
  const signatureAlgorithm = algorithm(fields[next], 'signature algorithm');
  const signature = expectTag(fields[next + 1], TAG.octetString, 'signature value').content;
  if (fields[next + 2]?.tag === (TAG.context | 1)) throw new DerError('unsigned attributes are not accepted');
  if (fields.length !== next + 2) throw new DerError('unexpected fields in SignerInfo');
  return { sid, sidBytes: sidNode.bytes, digest, signedAttributes, signatureAlgorithm, signature };
}

function attributes(node: DerNode): NonNullable<UntrustedSignerInfo['signedAttributes']> {
  const seen = new Map<string, DerNode>();
  const list = childrenOf(node);
  if (list.length === 0) throw new DerError('empty signed attributes');
  for (const attribute of list) {
    const [type, values, ...rest] = sequence(attribute, 'signed attribute');
    const id = oid(type, 'attribute type');
    if (rest.length > 0 || seen.has(id)) throw new DerError(`signed attribute ${id} is malformed or repeated`);
    const valueList = sequence(values, `values of attribute ${id}`, TAG.set);
    if (id === OID.contentType || id === OID.messageDigest || id === OID.signingTime) {
      if (valueList.length !== 1) throw new DerError(`signed attribute ${id} must have exactly one value`);
      seen.set(id, valueList[0] as DerNode);
    } else {
      seen.set(id, values as DerNode);
    }
  }
  if (oid(seen.get(OID.contentType), 'content-type attribute') !== OID.data) throw new DerError('the content-type attribute is not id-data');
  const messageDigest = expectTag(seen.get(OID.messageDigest), TAG.octetString, 'message-digest attribute').content;
  const signingTimeNode = seen.get(OID.signingTime);
  const signingTime = signingTimeNode === undefined ? undefined : time(signingTimeNode, 'signing-time attribute');
  // RFC 5652 5.4: the signature covers the attributes' DER with an explicit SET OF tag.
  const der = Uint8Array.from(node.bytes);
  der[0] = TAG.set;
  return { der, messageDigest, ...(signingTime !== undefined ? { signingTime } : {}) };
}
